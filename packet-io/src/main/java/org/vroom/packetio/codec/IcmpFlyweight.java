package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ICMP for IPv4 (RFC 792): echo request/reply answered in place, and the error messages a router
 * originates (time exceeded, destination unreachable) built per RFC 1812 4.3.2.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Identifier (echo) / unused / pointer / next-hop MTU (at 6)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  echo data, or the original IP header + leading payload bytes |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Errors: RFC 1812 4.3.2.3 asks for the original IP header and at least its first 8 data bytes,
 * and recommends as much of the original datagram as fits without the error exceeding 576 bytes;
 * {@link #writeErrorDatagram} quotes exactly that (what Linux sends, byte for byte except IP id).
 * A router builds the error from the packet <em>as received</em> (before its TTL is decremented) and
 * first asks {@link #errorSuppression} whether it may send one at all. Rate limiting is the caller's.
 *
 * <p>Wrap the IPv4 payload with its length ({@link Ipv4Flyweight#payloadLength()}); the checksum covers
 * all of it. Not thread-safe; reused per packet.
 */
public final class IcmpFlyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    /** The 32-bit "rest of header" word: identifier+sequence, unused, pointer, gateway or MTU. */
    public static final int REST_OF_HEADER_OFFSET = 4;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    /** Parameter problem: pointer byte. */
    public static final int POINTER_OFFSET = 4;
    /** Fragmentation needed (RFC 1191): next-hop MTU. */
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    public static final int TYPE_TIMESTAMP = 13;
    public static final int TYPE_TIMESTAMP_REPLY = 14;
    /** Highest type Linux knows; higher types are treated as errors (never answered with an error). */
    public static final int MAX_KNOWN_TYPE = 18;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    public static final int CODE_NET_UNKNOWN = 6;
    public static final int CODE_HOST_UNKNOWN = 7;
    public static final int CODE_NET_PROHIBITED = 9;
    public static final int CODE_HOST_PROHIBITED = 10;
    /** RFC 1812: communication administratively prohibited. */
    public static final int CODE_ADMIN_PROHIBITED = 13;
    public static final int CODE_TTL_EXCEEDED_IN_TRANSIT = 0;
    public static final int CODE_FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    /** RFC 1812 4.3.2.3: an ICMP error datagram is at most 576 bytes. */
    public static final int MAX_ERROR_DATAGRAM_LENGTH = 576;
    /** RFC 792: at least the first 8 bytes of the original datagram's data are quoted. */
    public static final int MIN_QUOTED_DATA = 8;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Wraps the ICMP message at {@code offset}, {@code length} bytes (the IPv4 payload length). */
    public IcmpFlyweight wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** OK, ICMP_TRUNCATED (fewer than 8 bytes) or ICMP_BAD_CHECKSUM (over all {@code length} bytes). */
    public int validate() {
        if (length < HEADER_LENGTH) {
            return ValidationResult.ICMP_TRUNCATED;
        }
        if (InternetChecksum.sum(buffer, offset, length) != 0xFFFF) {
            return ValidationResult.ICMP_BAD_CHECKSUM;
        }
        return ValidationResult.OK;
    }

    /** The length check of {@link #validate()} without the checksum. */
    public int validateLength() {
        return length < HEADER_LENGTH ? ValidationResult.ICMP_TRUNCATED : ValidationResult.OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int type() {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public int code() {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** The second 32-bit word, whatever the type makes of it. */
    public int restOfHeader() {
        return buffer.getInt(offset + REST_OF_HEADER_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Echo identifier. */
    public int identifier() {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Echo sequence number. */
    public int sequence() {
        return buffer.getShort(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Parameter problem pointer. */
    public int pointer() {
        return buffer.getByte(offset + POINTER_OFFSET) & 0xFF;
    }

    /** Next-hop MTU of "fragmentation needed" (RFC 1191). */
    public int nextHopMtu() {
        return buffer.getShort(offset + NEXT_HOP_MTU_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Absolute index of the data after the 8-byte header (echo data or the quoted datagram). */
    public int dataOffset() {
        return offset + HEADER_LENGTH;
    }

    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    /** True when this message is an error (see {@link #isErrorType(int)}). */
    public boolean isError() {
        return isErrorType(type());
    }

    /**
     * Error types: unreachable, source quench, redirect, time exceeded, parameter problem, and any type
     * above {@link #MAX_KNOWN_TYPE} (treated as an error, as Linux does, so that it is never answered).
     */
    public static boolean isErrorType(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
            || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM || type > MAX_KNOWN_TYPE;
    }

    public boolean verifyChecksum() {
        return InternetChecksum.sum(buffer, offset, length) == 0xFFFF;
    }

    /** Recomputes and stores the checksum over {@code length} bytes. */
    public IcmpFlyweight updateChecksum() {
        final MutableDirectBuffer out = mutable();
        out.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        out.putShort(offset + CHECKSUM_OFFSET, (short) InternetChecksum.checksum(out, offset, length),
            ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Turns an echo request into the echo reply in place: type 8 to 0, checksum updated incrementally.
     * The IPv4 header is the caller's ({@link Ipv4Flyweight#swapAddresses()}, a fresh TTL). Returns
     * false, changing nothing, when the message is not an echo request.
     */
    public boolean echoRequestToReply() {
        final MutableDirectBuffer out = mutable();
        final int word = out.getShort(offset + TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((word >>> 8) != TYPE_ECHO_REQUEST) {
            return false;
        }
        final int newWord = (TYPE_ECHO_REPLY << 8) | (word & 0xFF);
        out.putByte(offset + TYPE_OFFSET, (byte) TYPE_ECHO_REPLY);
        out.putShort(offset + CHECKSUM_OFFSET, (short) InternetChecksum.update16(checksum(), word, newWord),
            ByteOrder.BIG_ENDIAN);
        return true;
    }

    private MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    /**
     * Writes an echo request or reply with {@code dataLength} bytes of data copied from {@code data};
     * returns the message length. The checksum is computed.
     */
    public static int writeEcho(MutableDirectBuffer buffer, int offset, int type, int identifier, int sequence,
        DirectBuffer data, int dataOffset, int dataLength) {
        buffer.putByte(offset + TYPE_OFFSET, (byte) type);
        buffer.putByte(offset + CODE_OFFSET, (byte) 0);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buffer.putShort(offset + IDENTIFIER_OFFSET, (short) identifier, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + SEQUENCE_OFFSET, (short) sequence, ByteOrder.BIG_ENDIAN);
        if (dataLength > 0) {
            buffer.putBytes(offset + HEADER_LENGTH, data, dataOffset, dataLength);
        }
        final int length = HEADER_LENGTH + dataLength;
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) InternetChecksum.checksum(buffer, offset, length),
            ByteOrder.BIG_ENDIAN);
        return length;
    }

    /**
     * Bytes of the original datagram an error quotes: everything up to its total length, capped so the
     * error datagram (20-byte IP header + 8-byte ICMP header + quote) stays within 576 bytes. Never less
     * than the original header + 8 bytes when the original has them (a header with maximal options and
     * 8 data bytes is 68 bytes, well under the cap).
     */
    public static int quoteLength(Ipv4Flyweight original) {
        final int available = Math.min(original.totalLength(), original.length());
        final int cap = MAX_ERROR_DATAGRAM_LENGTH - Ipv4Flyweight.MIN_HEADER_LENGTH - HEADER_LENGTH;
        return Math.max(0, Math.min(available, cap));
    }

    /**
     * Writes an ICMP error message (header + quote of the original datagram) at {@code offset}; returns
     * its length. {@code restOfHeader} is 0, or the pointer ({@code << 24}) or next-hop MTU.
     */
    public static int writeError(MutableDirectBuffer buffer, int offset, int type, int code, int restOfHeader,
        Ipv4Flyweight original) {
        final int quote = quoteLength(original);
        buffer.putByte(offset + TYPE_OFFSET, (byte) type);
        buffer.putByte(offset + CODE_OFFSET, (byte) code);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buffer.putInt(offset + REST_OF_HEADER_OFFSET, restOfHeader, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(offset + HEADER_LENGTH, original.buffer(), original.offset(), quote);
        final int length = HEADER_LENGTH + quote;
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) InternetChecksum.checksum(buffer, offset, length),
            ByteOrder.BIG_ENDIAN);
        return length;
    }

    /**
     * Writes a whole ICMP error IPv4 datagram at {@code offset} (IP header + ICMP error) to the original's
     * source, from {@code source} (the address of the interface the original arrived on, RFC 1812
     * 4.3.2.4). TOS is {@link Ipv4Flyweight#TOS_INTERNETWORK_CONTROL} as Linux sends it, no DF, TTL
     * {@link Ipv4Flyweight#DEFAULT_TTL}. Returns the datagram length (at most 576). The output must not
     * overlap the original.
     */
    public static int writeErrorDatagram(MutableDirectBuffer buffer, int offset, int source, int identification,
        int type, int code, int restOfHeader, Ipv4Flyweight original) {
        final int icmpLength = writeError(buffer, offset + Ipv4Flyweight.MIN_HEADER_LENGTH, type, code, restOfHeader,
            original);
        final int totalLength = Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength;
        Ipv4Flyweight.writeHeader(buffer, offset, Ipv4Flyweight.TOS_INTERNETWORK_CONTROL, totalLength, identification,
            0, Ipv4Flyweight.DEFAULT_TTL, Ipv4Flyweight.PROTOCOL_ICMP, source, original.source());
        return totalLength;
    }

    /**
     * RFC 1812 4.3.2.7: may an ICMP error be sent about {@code original} (a validated header)? OK, or
     * the ICMP_ERROR_ABOUT_* reason not to, to be counted: the original is an ICMP error (or of an unknown
     * type), a non-initial fragment, addressed to an IP broadcast/multicast or received as a link-layer
     * broadcast/multicast, or its source is not a single host (0/8, 127/8, 224/4, 240/4). A directed
     * broadcast of a subnet is interface knowledge and the caller's to check.
     */
    public static int errorSuppression(Ipv4Flyweight original, boolean linkLayerMulticast) {
        if (linkLayerMulticast || Ipv4Addresses.isMulticast(original.destination())
            || Ipv4Addresses.isLimitedBroadcast(original.destination())) {
            return ValidationResult.ICMP_ERROR_ABOUT_BROADCAST;
        }
        if (original.isNonInitialFragment()) {
            return ValidationResult.ICMP_ERROR_ABOUT_FRAGMENT;
        }
        if (!Ipv4Addresses.isSingleHostSource(original.source())) {
            return ValidationResult.ICMP_ERROR_ABOUT_INVALID_SOURCE;
        }
        if (original.protocol() == Ipv4Flyweight.PROTOCOL_ICMP) {
            final int typeIndex = original.payloadOffset();
            // an ICMP message too short to show its type is treated as an error: never answered
            if (original.payloadLength() < 1 || typeIndex >= original.offset() + original.length()
                || isErrorType(original.buffer().getByte(typeIndex) & 0xFF)) {
                return ValidationResult.ICMP_ERROR_ABOUT_ICMP_ERROR;
            }
        }
        return ValidationResult.OK;
    }
}
