package org.vroom.vr.spi;

import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.packetio.codec.MacAddress;

/**
 * A VR interface as protocols see it: an immutable value, replaced (and announced to
 * {@link InterfaceListener}s) whenever something about it changes.
 *
 * @param index        stable index within the VR (survives reconfiguration; part of the MAC)
 * @param name         unique within the VR
 * @param address      the VR's IPv4 address on it, host order
 * @param prefixLength length of the connected subnet, 1..32
 * @param mtu          IP MTU in bytes
 * @param mac          the interface's MAC ({@link #macFor}), low 48 bits
 * @param adminUp      enabled by configuration
 * @param linkUp       the binding below it is up (reported by the kernel)
 */
public record VrInterface(int index, String name, int address, int prefixLength, int mtu, long mac, boolean adminUp,
                          boolean linkUp) {
    /**
     * The stable locally administered MAC of interface {@code ifIndex} of VR {@code vrId}:
     * {@code 02:vv:vv:vv:ii:ii}, i.e. {@code 0x02 << 40 | (vrId & 0xFFFFFF) << 16 | ifIndex}. It
     * depends only on the VR and the interface, so it moves with the VR; the kernel's
     * {@code Vif.macFor} computes the same value.
     */
    public static long macFor(int vrId, int ifIndex) {
        return 0x02L << 40 | (vrId & 0xFF_FFFFL) << 16 | (ifIndex & 0xFFFFL);
    }

    /** Usable: enabled and its link up. */
    public boolean isUp() {
        return adminUp && linkUp;
    }

    public int subnetMask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public int subnet() {
        return address & subnetMask();
    }

    /** The subnet's directed broadcast address, or 0 for /31 and /32 which have none. */
    public int broadcast() {
        return prefixLength >= 31 ? 0 : address | ~subnetMask();
    }

    public boolean inSubnet(int ip) {
        return (ip & subnetMask()) == subnet();
    }

    public VrInterface withLinkUp(boolean up) {
        return new VrInterface(index, name, address, prefixLength, mtu, mac, adminUp, up);
    }

    @Override
    public String toString() {
        return name + "#" + index + " " + Ipv4Addresses.format(address) + "/" + prefixLength + " mtu " + mtu + " "
                + MacAddress.format(mac) + (adminUp ? "" : " disabled") + (linkUp ? "" : " link-down");
    }
}
