package org.vroom.kernel.config;

/**
 * A VR's interface: bound to a substrate port (optionally a VLAN on it), with one IPv4 address whose
 * prefix is the interface's connected subnet.
 *
 * @param name         the interface name, unique within its VR
 * @param port         the name of the substrate port it is bound to
 * @param vlan         the 802.1Q VLAN id 1..4094, or {@link #UNTAGGED} (0)
 * @param address      the VR's address on this interface, host order
 * @param prefixLength the length of the connected subnet, 1..32
 * @param mtu          the IP MTU, 68..9000
 */
public record InterfaceConfig(String name, String port, int vlan, int address, int prefixLength, int mtu) {
    /** {@link #vlan()} of an untagged binding. */
    public static final int UNTAGGED = 0;
    /** Highest VLAN id (4095 is reserved). */
    public static final int MAX_VLAN = 4094;
    /** Smallest IPv4 MTU (RFC 791). */
    public static final int MIN_MTU = 68;
    /** Largest MTU we support (jumbo frames). */
    public static final int MAX_MTU = 9000;
    /** MTU when the file does not give one. */
    public static final int DEFAULT_MTU = 1500;

    /** Checks the invariants of one interface; cross-interface checks are the loader's. */
    public InterfaceConfig {
        Text.requireName(name, "interface name", Text.MAX_NAME);
        Text.requireName(port, "interface " + name + " port", Text.MAX_NAME);
        if (vlan != UNTAGGED && (vlan < 1 || vlan > MAX_VLAN)) {
            throw new IllegalArgumentException("interface " + name + ": VLAN " + vlan + " is out of range 1..4094");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("interface " + name + ": MTU " + mtu + " is out of range 68..9000");
        }
        final String problem = addressProblem(address, prefixLength);
        if (problem != null) {
            throw new IllegalArgumentException("interface " + name + ": " + problem);
        }
    }

    /**
     * Why {@code address/length} cannot be an interface address, or null: the length must be 1..32,
     * the address unicast ({@link Ipv4#unicastProblem}), and not the network or broadcast address of
     * its subnet unless the subnet is a /31 (RFC 3021) or /32.
     */
    public static String addressProblem(int address, int length) {
        if (length < 1 || length > 32) {
            return "prefix length " + length + " is out of range 1..32 for an interface address";
        }
        final String unicast = Ipv4.unicastProblem(address);
        if (unicast != null) {
            return Ipv4.format(address) + " " + unicast;
        }
        if (length <= 30) {
            final Ipv4.Prefix subnet = new Ipv4.Prefix(address, length);
            if (address == subnet.network()) {
                return Ipv4.format(address) + " is the network address of " + subnet.toNetwork()
                    + " (pick a host address, or use /31 or /32)";
            }
            if (address == subnet.lastAddress()) {
                return Ipv4.format(address) + " is the broadcast address of " + subnet.toNetwork()
                    + " (pick a host address, or use /31 or /32)";
            }
        }
        return null;
    }

    /** The connected subnet (host bits cleared). */
    public Ipv4.Prefix subnet() {
        return new Ipv4.Prefix(address, prefixLength).toNetwork();
    }

    /** True if {@code other} lies in this interface's connected subnet. */
    public boolean inSubnet(int other) {
        return Ipv4.contains(address, prefixLength, other);
    }

    /** True if bound to a VLAN. */
    public boolean isTagged() {
        return vlan != UNTAGGED;
    }

    /** Readable form with dotted-quad addresses. */
    @Override
    public String toString() {
        return "InterfaceConfig[name=" + name + ", port=" + port + ", vlan=" + vlan + ", address="
            + Ipv4.format(address, prefixLength) + ", mtu=" + mtu + "]";
    }
}
