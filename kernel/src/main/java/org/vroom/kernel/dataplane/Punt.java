package org.vroom.kernel.dataplane;

/**
 * Frames a worker hands to a VR's control plane through the VR's punt ring (an Agrona
 * {@code ManyToOneRingBuffer}: workers write, the VR loop reads).
 *
 * <p>Message type id: {@code reason << 16 | vifIndex} (never 0, as the ring requires). Message body:
 * a {@value #HEADER_LENGTH}-byte header followed by the whole Ethernet frame as received.
 * <pre>
 *   0   int  next-hop address to resolve (RESOLVE), else 0
 *   4   int  the frame's RxBatch flags (e.g. FLAG_CHECKSUM_PARTIAL)
 *   8   ...  the frame
 * </pre>
 */
public final class Punt {
    /** ARP for the VR (requests, replies, gratuitous). */
    public static final int ARP = 1;
    /** An IPv4 packet for one of the VR's addresses, a subnet broadcast, 255.255.255.255 or 224.0.0.0/24. */
    public static final int LOCAL = 2;
    /** An IPv4 packet to forward whose next hop has no resolved MAC yet: resolve it and send the packet. */
    public static final int RESOLVE = 3;
    /** An IPv4 packet larger than the outgoing MTU without DF: the control plane fragments it. */
    public static final int FRAGMENT = 4;
    /**
     * An IPv4 datagram the data plane originated (an ICMP error) whose next hop is not resolved: the control
     * plane routes it, resolving the next hop first. The frame's Ethernet header is a placeholder.
     */
    public static final int SEND = 5;

    public static final int NEXT_HOP_OFFSET = 0;
    public static final int RX_FLAGS_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;

    private Punt() {
    }

    public static int typeId(int reason, int vif) {
        return reason << 16 | (vif & 0xFFFF);
    }

    public static int reason(int typeId) {
        return typeId >>> 16;
    }

    public static int vif(int typeId) {
        return typeId & 0xFFFF;
    }
}
