package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * UDP header (RFC 768) and its checksum over the IPv4 pseudo-header.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Wrap the IPv4 payload ({@link Ipv4Flyweight#payloadOffset()}, {@link Ipv4Flyweight#payloadLength()})
 * and validate with the IPv4 addresses, which the checksum covers. A checksum of 0 means "none"
 * (allowed over IPv4); a computed checksum of 0 is sent as 0xFFFF. A UDP length shorter than the IP
 * payload is accepted and the excess ignored, as Linux does. Not thread-safe; reused per packet.
 */
public final class UdpFlyweight {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;
    /** Checksum field value meaning "not computed". */
    public static final int NO_CHECKSUM = 0;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Wraps the datagram at {@code offset}; {@code length} is the IP payload length. */
    public UdpFlyweight wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * OK, UDP_TRUNCATED (fewer than 8 bytes), UDP_BAD_LENGTH (length field below 8 or beyond the IP
     * payload) or UDP_BAD_CHECKSUM (non-zero checksum that does not verify with the pseudo-header).
     */
    public int validate(int sourceAddress, int destinationAddress) {
        final int code = validateLength();
        if (code != ValidationResult.OK) {
            return code;
        }
        if (checksum() != NO_CHECKSUM && !verifyChecksum(sourceAddress, destinationAddress)) {
            return ValidationResult.UDP_BAD_CHECKSUM;
        }
        return ValidationResult.OK;
    }

    /**
     * The length checks of {@link #validate} without the checksum: for frames whose checksum the port
     * reports as partial (left to offload by a local sender) or already verified.
     */
    public int validateLength() {
        if (length < HEADER_LENGTH) {
            return ValidationResult.UDP_TRUNCATED;
        }
        final int udpLength = length();
        if (udpLength < HEADER_LENGTH || udpLength > length) {
            return ValidationResult.UDP_BAD_LENGTH;
        }
        return ValidationResult.OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int sourcePort() {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int destinationPort() {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** The UDP length field (header included). */
    public int length() {
        return buffer.getShort(offset + LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** {@code length() - 8} (after {@link #validate} returned OK). */
    public int payloadLength() {
        return length() - HEADER_LENGTH;
    }

    /** True when the checksum, pseudo-header included, verifies over {@link #length()} bytes. */
    public boolean verifyChecksum(int sourceAddress, int destinationAddress) {
        final int udpLength = length();
        final int sum = InternetChecksum.add(
            InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, Ipv4Flyweight.PROTOCOL_UDP, udpLength),
            InternetChecksum.sum(buffer, offset, udpLength));
        return sum == 0xFFFF;
    }

    /**
     * The checksum this datagram should carry ({@link #length()} bytes, checksum field taken as zero);
     * never 0: a computed 0 is returned as 0xFFFF.
     */
    public int computeChecksum(int sourceAddress, int destinationAddress) {
        final int udpLength = length();
        int sum = InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, Ipv4Flyweight.PROTOCOL_UDP,
            udpLength);
        sum = InternetChecksum.add(sum, InternetChecksum.sum(buffer, offset, CHECKSUM_OFFSET));
        sum = InternetChecksum.add(sum,
            InternetChecksum.sum(buffer, offset + HEADER_LENGTH, udpLength - HEADER_LENGTH));
        final int checksum = InternetChecksum.complement(sum);
        return checksum == 0 ? 0xFFFF : checksum;
    }

    public UdpFlyweight sourcePort(int port) {
        mutable().putShort(offset + SOURCE_PORT_OFFSET, (short) port, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public UdpFlyweight destinationPort(int port) {
        mutable().putShort(offset + DESTINATION_PORT_OFFSET, (short) port, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public UdpFlyweight length(int udpLength) {
        mutable().putShort(offset + LENGTH_OFFSET, (short) udpLength, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public UdpFlyweight checksum(int checksum) {
        mutable().putShort(offset + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Computes and stores the checksum; the field's old content is ignored, so this also completes a
     * partial (pseudo-header only) checksum left by a sender's checksum offload.
     */
    public UdpFlyweight updateChecksum(int sourceAddress, int destinationAddress) {
        return checksum(computeChecksum(sourceAddress, destinationAddress));
    }

    private MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    /** Writes an 8-byte header with checksum 0 (none); returns 8. */
    public static int writeHeader(MutableDirectBuffer buffer, int offset, int sourcePort, int destinationPort,
        int udpLength) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) sourcePort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) destinationPort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + LENGTH_OFFSET, (short) udpLength, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) NO_CHECKSUM);
        return HEADER_LENGTH;
    }
}
