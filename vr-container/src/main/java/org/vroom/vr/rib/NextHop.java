package org.vroom.vr.rib;

import org.vroom.packetio.codec.Ipv4Addresses;

/**
 * One next hop, packed into a {@code long} so that RIB candidates and next-hop sets need no objects:
 * bits 48..55 the kind, bits 32..47 the interface index ({@link #NO_INTERFACE} when none), bits 0..31
 * the IPv4 address in host order. Packed values sort by (kind, interface, address), which is the
 * deterministic order of next hops everywhere (ECMP sets, batches, checkpoints).
 *
 * <p>The kind numbers are those of the kernel's adjacency table, so a next hop maps onto an adjacency
 * without translation:
 * <ul>
 *   <li>{@link #FORWARD}: send to a gateway ({@code address}) on an interface;</li>
 *   <li>{@link #LOCAL}: deliver to the VR's own control plane (no interface, no address);</li>
 *   <li>{@link #DROP}: discard silently (blackhole);</li>
 *   <li>{@link #REJECT}: discard and answer ICMP destination unreachable;</li>
 *   <li>{@link #GLEAN}: an attached subnet on an interface: the destination itself is the next hop and
 *       is resolved with ARP (no address).</li>
 * </ul>
 */
public final class NextHop {
    public static final int FORWARD = 1;
    public static final int LOCAL = 2;
    public static final int DROP = 3;
    public static final int REJECT = 4;
    public static final int GLEAN = 5;
    /** Interface field value meaning "no interface" (LOCAL, DROP, REJECT). */
    public static final int NO_INTERFACE = 0xFFFF;
    /** Largest interface index a next hop can carry. */
    public static final int MAX_INTERFACE = 0xFFFE;

    private NextHop() {
    }

    /** A gateway {@code address} reached through interface {@code ifIndex}. */
    public static long forward(int address, int ifIndex) {
        if (address == 0) {
            throw new IllegalArgumentException("a forwarding next hop needs an address (use attached() for a subnet)");
        }
        checkInterface(ifIndex);
        return pack(FORWARD, ifIndex, address);
    }

    /** The attached subnet of interface {@code ifIndex} (destinations are resolved directly). */
    public static long attached(int ifIndex) {
        checkInterface(ifIndex);
        return pack(GLEAN, ifIndex, 0);
    }

    /** Local delivery to the VR. */
    public static long local() {
        return pack(LOCAL, NO_INTERFACE, 0);
    }

    /** Silent discard. */
    public static long drop() {
        return pack(DROP, NO_INTERFACE, 0);
    }

    /** Discard with ICMP unreachable. */
    public static long reject() {
        return pack(REJECT, NO_INTERFACE, 0);
    }

    static long pack(int kind, int ifIndex, int address) {
        return (long) kind << 48 | (long) (ifIndex & 0xFFFF) << 32 | (address & 0xFFFF_FFFFL);
    }

    public static int kind(long hop) {
        return (int) (hop >>> 48) & 0xFF;
    }

    /** The interface index, or -1 when the next hop has none. */
    public static int ifIndex(long hop) {
        int i = (int) (hop >>> 32) & 0xFFFF;
        return i == NO_INTERFACE ? -1 : i;
    }

    public static int address(long hop) {
        return (int) hop;
    }

    /** LOCAL, DROP and REJECT: next hops that do not forward and never combine with others. */
    public static boolean isSpecial(long hop) {
        int k = kind(hop);
        return k == LOCAL || k == DROP || k == REJECT;
    }

    /**
     * Why {@code hop} is not a well-formed packed next hop, or null. Used by {@link NextHopSet} and by
     * decoders (which report, never throw).
     */
    public static String problem(long hop) {
        if ((hop >>> 56) != 0) {
            return "reserved bits set";
        }
        int kind = kind(hop);
        int ifIndex = (int) (hop >>> 32) & 0xFFFF;
        int address = address(hop);
        return switch (kind) {
            case FORWARD -> address == 0 ? "forward next hop without an address"
                    : ifIndex == NO_INTERFACE ? "forward next hop without an interface (resolve it first)" : null;
            case GLEAN -> ifIndex == NO_INTERFACE ? "attached next hop without an interface"
                    : address != 0 ? "attached next hop with an address" : null;
            case LOCAL, DROP, REJECT -> ifIndex != NO_INTERFACE || address != 0 ? kindName(kind) + " next hop with an interface or address" : null;
            default -> "unknown next-hop kind " + kind;
        };
    }

    public static String kindName(int kind) {
        return switch (kind) {
            case FORWARD -> "forward";
            case LOCAL -> "local";
            case DROP -> "drop";
            case REJECT -> "reject";
            case GLEAN -> "glean";
            default -> "kind(" + kind + ")";
        };
    }

    /** {@code via 10.0.0.1 if 2}, {@code attached if 1}, {@code local}, {@code drop}, {@code reject}. */
    public static String toString(long hop) {
        return switch (kind(hop)) {
            case FORWARD -> "via " + Ipv4Addresses.format(address(hop)) + " if " + ifIndex(hop);
            case GLEAN -> "attached if " + ifIndex(hop);
            default -> kindName(kind(hop));
        };
    }

    private static void checkInterface(int ifIndex) {
        if (ifIndex < 0 || ifIndex > MAX_INTERFACE) {
            throw new IllegalArgumentException("interface index " + ifIndex + " is out of range 0.." + MAX_INTERFACE);
        }
    }
}
