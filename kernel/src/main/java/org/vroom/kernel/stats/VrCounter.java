package org.vroom.kernel.stats;

/**
 * Counters of one virtual router (type id {@link CounterTypes#VR}). The forwarding workers own the
 * data-plane counters of a VR (one shard per worker when several serve it); counters bumped by the
 * VR's host stack on its control loop (ARP, ICMP echo) best live in a separate shard owned by that
 * loop, so no counter has two writer threads (otherwise see the several-writers rule in the package
 * documentation).
 */
public enum VrCounter implements CounterKind {
    RX_PACKETS(0, "IPv4 packets received on the VR's interfaces"),
    FORWARDED(1, "packets forwarded (FIB hit, TTL decremented, rewritten)"),
    TX_PACKETS(2, "packets sent by the VR (forwarded and locally originated)"),
    PUNTED(3, "packets punted to the VR's control plane (own addresses, OSPF multicast, ...)"),
    PUNT_QUEUE_FULL(4, "punts dropped because the VR's punt queue was full"),
    DROP_BAD_CHECKSUM(5, "packets dropped for a bad IPv4 header checksum"),
    DROP_BAD_LENGTH(6, "packets dropped for an inconsistent IHL or total length"),
    DROP_BAD_VERSION(7, "packets dropped for an IP version other than 4"),
    DROP_TTL_EXPIRED(8, "packets dropped because their TTL expired"),
    DROP_MARTIAN(9, "packets dropped for a martian source or destination (RFC 1812 5.3.7)"),
    DROP_NO_ROUTE(10, "packets dropped because the FIB had no route"),
    DROP_ARP_PENDING_FULL(11, "packets dropped because the queue waiting for ARP resolution was full"),
    ICMP_TIME_EXCEEDED_SENT(12, "ICMP time exceeded messages sent"),
    ICMP_UNREACHABLE_SENT(13, "ICMP destination unreachable messages sent"),
    ICMP_RATE_LIMITED(14, "ICMP errors not sent because of the rate limit"),
    ARP_REQUESTS_SENT(15, "ARP requests sent"),
    ARP_REPLIES_SENT(16, "ARP replies sent"),
    ARP_RECEIVED(17, "ARP packets received"),
    ICMP_ECHO_REPLIES(18, "ICMP echo replies sent by the VR"),
    FRAGMENTATION_NEEDED(19, "packets too big for the outgoing MTU (with DF: ICMP frag needed; without: not fragmented yet)"),
    DROP_BLACKHOLE(20, "packets dropped by a drop or reject route"),
    DROP_MULTICAST(21, "multicast or broadcast packets that are not for the VR (no multicast routing)"),
    DROP_OTHER_ETHERTYPE(22, "frames dropped: neither IPv4 nor ARP"),
    DROP_NOT_FOR_US(23, "frames dropped: unicast to a MAC that is not the interface's"),
    DROP_TX_FULL(24, "packets dropped because the outgoing transmit ring was full"),
    DROP_ARP_FAILED(25, "packets dropped because their next hop did not answer ARP"),
    ICMP_SUPPRESSED(26, "ICMP errors not sent by rule (about ICMP errors, fragments, broadcasts: RFC 1812 4.3.2.7)"),
    LOCAL_DELIVERED(27, "IPv4 packets for the VR itself"),
    LOCAL_UNHANDLED(28, "IPv4 packets for the VR that no protocol of the VR serves"),
    PUNT_POLICED(29, "punts dropped by the VR's punt policer (more than its control plane may take: a flood)");

    /** Number of counters: arrays indexed by {@link #ordinal()} have this length. */
    public static final int COUNT = values().length;

    private final int code;
    private final String description;

    VrCounter(final int code, final String description) {
        this.code = code;
        this.description = description;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public String description() {
        return description;
    }

    /** The metric name: the constant's name in lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
