package org.vroom.kernel.stats;

/**
 * Counters of one substrate port (type id {@link CounterTypes#PORT}). Written by the worker that polls
 * the port; with several workers on one port ({@code PACKET_FANOUT}) each worker owns its own shard.
 */
public enum PortCounter implements CounterKind {
    RX_FRAMES(0, "frames received from the port"),
    RX_BYTES(1, "bytes of the frames received (Ethernet header included, no FCS)"),
    TX_FRAMES(2, "frames handed to the port for transmission"),
    TX_BYTES(3, "bytes of the frames handed to the port for transmission"),
    RX_RING_DROPS(4, "frames the kernel dropped because the receive ring was full (PACKET_STATISTICS)"),
    TX_RING_FULL(5, "frames not sent because the transmit ring had no free slot"),
    RX_MALFORMED(6, "frames too short or otherwise undecodable as Ethernet"),
    RX_UNBOUND(7, "frames for no bound (port, VLAN) -> VR binding");

    /** Number of counters: arrays indexed by {@link #ordinal()} have this length. */
    public static final int COUNT = values().length;

    private final int code;
    private final String description;

    PortCounter(final int code, final String description) {
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
