package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encapsulates Ethernet frames in the vroom tunnel ({@link TunnelFlyweight} documents the format) toward
 * one peer node. Immutable: one instance per peer, usable from any thread; encapsulating allocates
 * nothing.
 *
 * <p>The outer IPv4 header has no options, DF set and identification 0 (an atomic datagram, RFC 6864);
 * the UDP source port is a hash of the VR, interface and, for an untagged inner IPv4 packet, its
 * addresses and protocol, in 49152..65535, so that ECMP between nodes spreads flows but keeps each
 * flow on one path.
 */
public final class TunnelEncoder {
    /** Longest inner frame that fits in one outer IPv4 datagram. */
    public static final int MAX_INNER_FRAME_LENGTH = Ipv4Flyweight.MAX_TOTAL_LENGTH - TunnelFlyweight.OVERHEAD;

    private static final int EPHEMERAL_BASE = 49152;

    private final int localAddress;
    private final int peerAddress;
    private final int port;
    private final int ttl;
    private final boolean udpChecksum;

    /**
     * @param localAddress this node's tunnel address (outer source)
     * @param peerAddress  the peer node's tunnel address (outer destination)
     * @param port         UDP destination port, usually {@link TunnelFlyweight#DEFAULT_PORT}
     * @param ttl          outer TTL, e.g. {@link Ipv4Flyweight#DEFAULT_TTL}
     * @param udpChecksum  compute the UDP checksum over the whole frame, or send 0 (none)
     */
    public TunnelEncoder(int localAddress, int peerAddress, int port, int ttl, boolean udpChecksum) {
        if (port <= 0 || port > 0xFFFF || ttl <= 0 || ttl > 255) {
            throw new IllegalArgumentException("port " + port + " / ttl " + ttl + " out of range");
        }
        this.localAddress = localAddress;
        this.peerAddress = peerAddress;
        this.port = port;
        this.ttl = ttl;
        this.udpChecksum = udpChecksum;
    }

    /**
     * Writes the outer IPv4, UDP and tunnel headers ({@link TunnelFlyweight#OVERHEAD} bytes) at
     * {@code offset}, in front of an inner frame the caller has already placed at
     * {@code offset + OVERHEAD}. Returns the outer datagram length, or -1 (nothing written) when the
     * inner frame is longer than {@link #MAX_INNER_FRAME_LENGTH} or shorter than an Ethernet header.
     * The caller prepends the outer Ethernet header.
     */
    public int encapsulate(MutableDirectBuffer buffer, int offset, int innerFrameLength, int flags, int vrId,
        int virtualInterface, long sequence) {
        if (innerFrameLength > MAX_INNER_FRAME_LENGTH || innerFrameLength < EthernetFlyweight.HEADER_LENGTH) {
            return -1;
        }
        final int innerOffset = offset + TunnelFlyweight.OVERHEAD;
        final int udpOffset = offset + Ipv4Flyweight.MIN_HEADER_LENGTH;
        final int udpLength = UdpFlyweight.HEADER_LENGTH + TunnelFlyweight.HEADER_LENGTH + innerFrameLength;
        final int totalLength = Ipv4Flyweight.MIN_HEADER_LENGTH + udpLength;

        TunnelFlyweight.writeHeader(buffer, udpOffset + UdpFlyweight.HEADER_LENGTH, flags & FLAGS_DEFINED, vrId,
            virtualInterface, sequence);
        UdpFlyweight.writeHeader(buffer, udpOffset, sourcePort(buffer, innerOffset, innerFrameLength, vrId,
            virtualInterface), port, udpLength);
        if (udpChecksum) {
            int sum = InternetChecksum.pseudoHeaderSum(localAddress, peerAddress, Ipv4Flyweight.PROTOCOL_UDP,
                udpLength);
            sum = InternetChecksum.add(sum, InternetChecksum.sum(buffer, udpOffset, udpLength));
            final int checksum = InternetChecksum.complement(sum);
            buffer.putShort(udpOffset + UdpFlyweight.CHECKSUM_OFFSET, (short) (checksum == 0 ? 0xFFFF : checksum),
                ByteOrder.BIG_ENDIAN);
        }
        Ipv4Flyweight.writeHeader(buffer, offset, 0, totalLength, 0, Ipv4Flyweight.FLAG_DF, ttl,
            Ipv4Flyweight.PROTOCOL_UDP, localAddress, peerAddress);
        return totalLength;
    }

    /**
     * Copies the inner frame to {@code offset + OVERHEAD} and encapsulates it; see
     * {@link #encapsulate(MutableDirectBuffer, int, int, int, int, int, long)}. Source and destination
     * ranges must not overlap.
     */
    public int encapsulate(MutableDirectBuffer buffer, int offset, DirectBuffer inner, int innerOffset,
        int innerFrameLength, int flags, int vrId, int virtualInterface, long sequence) {
        if (innerFrameLength > MAX_INNER_FRAME_LENGTH || innerFrameLength < EthernetFlyweight.HEADER_LENGTH) {
            return -1;
        }
        buffer.putBytes(offset + TunnelFlyweight.OVERHEAD, inner, innerOffset, innerFrameLength);
        return encapsulate(buffer, offset, innerFrameLength, flags, vrId, virtualInterface, sequence);
    }

    private static final int FLAGS_DEFINED = TunnelFlyweight.FLAG_CONTROL;

    /** UDP source port in 49152..65535 from the VR, the interface and the inner flow. */
    static int sourcePort(DirectBuffer buffer, int innerOffset, int innerLength, int vrId, int virtualInterface) {
        int h = vrId * 0x9E37_79B1 + virtualInterface;
        // untagged inner IPv4: mix in source, destination and protocol
        if (innerLength >= EthernetFlyweight.HEADER_LENGTH + Ipv4Flyweight.MIN_HEADER_LENGTH
            && (buffer.getShort(innerOffset + EthernetFlyweight.ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF)
            == EthernetFlyweight.ETHERTYPE_IPV4) {
            final int ip = innerOffset + EthernetFlyweight.HEADER_LENGTH;
            h = h * 31 + buffer.getInt(ip + Ipv4Flyweight.SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
            h = h * 31 + buffer.getInt(ip + Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
            h = h * 31 + buffer.getByte(ip + Ipv4Flyweight.PROTOCOL_OFFSET);
        }
        // murmur3 finaliser
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        h ^= h >>> 16;
        return EPHEMERAL_BASE | (h & 0x3FFF);
    }

    public int localAddress() {
        return localAddress;
    }

    public int peerAddress() {
        return peerAddress;
    }

    public int port() {
        return port;
    }
}
