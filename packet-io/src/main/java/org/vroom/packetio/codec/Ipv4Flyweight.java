package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * IPv4 header (RFC 791) with the receive checks of RFC 1812 section 5.2.2 and the in-place rewrites
 * a forwarding loop needs.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |  DSCP     |ECN|         Total Length          |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |R|D|M|     Fragment Offset     |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Options (IHL > 5), skipped                    | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Usage in a forwarding loop:
 * <pre>{@code
 * int code = ip.wrap(buf, eth.payloadOffset(), eth.payloadLength()).validate();
 * if (code != OK) { drops[code]++; return; }
 * ...lookup ip.destination()...
 * if (ip.ttl() <= 1) { ...ICMP time exceeded from the unmodified packet... }
 * ip.decrementTtl();
 * }</pre>
 * {@code length} is what the link layer delivered; bytes beyond {@link #totalLength()} (Ethernet
 * padding) are ignored. Accessors read the buffer directly; after {@link #validate()} returned OK every
 * header byte and {@code totalLength()} bytes are inside {@code [offset, offset + length)}. Addresses
 * are host-order ints. Mutators need a {@link MutableDirectBuffer}. Not thread-safe; reused per packet.
 */
public final class Ipv4Flyweight {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;

    public static final int VERSION = 4;
    /** Don't Fragment, in {@link #flagsAndFragmentOffset()}. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments, in {@link #flagsAndFragmentOffset()}. */
    public static final int FLAG_MF = 0x2000;
    /** Fragment offset (8-byte units), in {@link #flagsAndFragmentOffset()}. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    /** TTL for packets the router originates (RFC 1700 / Linux default). */
    public static final int DEFAULT_TTL = 64;
    /** Precedence "internetwork control" (0xc0) that Linux puts in the TOS of ICMP errors. */
    public static final int TOS_INTERNETWORK_CONTROL = 0xC0;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_IGMP = 2;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_OSPF = 89;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Wraps the IPv4 packet at {@code offset}, with {@code length} bytes delivered by the link layer. */
    public Ipv4Flyweight wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * RFC 1812 5.2.2 receive checks, in an order that never reads past {@code length}: at least 20 bytes,
     * version 4, IHL at least 5, header within the bytes delivered, total length at least the header
     * and at most the bytes delivered, header checksum. Returns OK or the IPV4_* code of the first failure.
     * Options are not interpreted.
     */
    public int validate() {
        if (length < MIN_HEADER_LENGTH) {
            return ValidationResult.IPV4_TRUNCATED;
        }
        final int versionIhl = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xFF;
        if ((versionIhl >>> 4) != VERSION) {
            return ValidationResult.IPV4_BAD_VERSION;
        }
        final int headerLength = (versionIhl & 0x0F) << 2;
        if (headerLength < MIN_HEADER_LENGTH) {
            return ValidationResult.IPV4_BAD_IHL;
        }
        if (headerLength > length) {
            return ValidationResult.IPV4_HEADER_TRUNCATED;
        }
        final int totalLength = totalLength();
        if (totalLength < headerLength) {
            return ValidationResult.IPV4_TOTAL_LENGTH_TOO_SHORT;
        }
        if (totalLength > length) {
            return ValidationResult.IPV4_TOTAL_LENGTH_TOO_LONG;
        }
        if (InternetChecksum.sum(buffer, offset, headerLength) != 0xFFFF) {
            return ValidationResult.IPV4_BAD_CHECKSUM;
        }
        return ValidationResult.OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Bytes delivered by the link layer (may exceed {@link #totalLength()} by padding). */
    public int length() {
        return length;
    }

    public int version() {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xFF) >>> 4;
    }

    /** Header length in 32-bit words. */
    public int ihl() {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    /** Header length in bytes, options included. */
    public int headerLength() {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F) << 2;
    }

    /** The whole TOS byte (DSCP and ECN). */
    public int tos() {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    public int dscp() {
        return tos() >>> 2;
    }

    public int ecn() {
        return tos() & 0x03;
    }

    public int totalLength() {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int identification() {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Flags and fragment offset as one 16-bit field; see {@link #FLAG_DF}, {@link #FLAG_MF}. */
    public int flagsAndFragmentOffset() {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset() {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /** True for any fragment: MF set or a non-zero offset. */
    public boolean isFragment() {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /** True for a fragment other than the first (offset non-zero): it carries no transport header. */
    public boolean isNonInitialFragment() {
        return fragmentOffset() != 0;
    }

    public int ttl() {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public int protocol() {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int source() {
        return buffer.getInt(offset + SOURCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int destination() {
        return buffer.getInt(offset + DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Absolute index of the first option byte. */
    public int optionsOffset() {
        return offset + OPTIONS_OFFSET;
    }

    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Absolute index of the transport header (after options). */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** {@code totalLength() - headerLength()}: payload bytes, padding excluded. */
    public int payloadLength() {
        return totalLength() - headerLength();
    }

    /** True when the header checksum verifies (as {@link #validate()} checks). */
    public boolean verifyChecksum() {
        return InternetChecksum.sum(buffer, offset, headerLength()) == 0xFFFF;
    }

    /** The checksum the header should carry, computed over the header with its checksum field as zero. */
    public int computeChecksum() {
        // the two ranges around the checksum field, so the buffer need not be written
        final int before = InternetChecksum.sum(buffer, offset, CHECKSUM_OFFSET);
        final int after = InternetChecksum.sum(buffer, offset + SOURCE_OFFSET, headerLength() - SOURCE_OFFSET);
        return InternetChecksum.complement(InternetChecksum.add(before, after));
    }

    public Ipv4Flyweight tos(int tos) {
        mutable().putByte(offset + TOS_OFFSET, (byte) tos);
        return this;
    }

    public Ipv4Flyweight totalLength(int totalLength) {
        mutable().putShort(offset + TOTAL_LENGTH_OFFSET, (short) totalLength, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Flyweight identification(int identification) {
        mutable().putShort(offset + IDENTIFICATION_OFFSET, (short) identification, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Flyweight flagsAndFragmentOffset(int value) {
        mutable().putShort(offset + FLAGS_FRAGMENT_OFFSET, (short) value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Flyweight ttl(int ttl) {
        mutable().putByte(offset + TTL_OFFSET, (byte) ttl);
        return this;
    }

    public Ipv4Flyweight protocol(int protocol) {
        mutable().putByte(offset + PROTOCOL_OFFSET, (byte) protocol);
        return this;
    }

    public Ipv4Flyweight checksum(int checksum) {
        mutable().putShort(offset + CHECKSUM_OFFSET, (short) checksum, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Flyweight source(int address) {
        mutable().putInt(offset + SOURCE_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public Ipv4Flyweight destination(int address) {
        mutable().putInt(offset + DESTINATION_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Recomputes and stores the header checksum (after setters, which do not maintain it). */
    public Ipv4Flyweight updateChecksum() {
        return checksum(computeChecksum());
    }

    /**
     * Decrements the TTL and updates the checksum incrementally (RFC 1624 eqn. 3) on the TTL/protocol
     * word. Returns the new TTL. A TTL of 0 is left alone (returns 0): the caller sends time exceeded
     * for TTL 0 or 1 instead of forwarding (RFC 1812 5.3.1).
     */
    public int decrementTtl() {
        final MutableDirectBuffer out = mutable();
        final int word = out.getShort(offset + TTL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (word < 0x100) {
            return 0;
        }
        final int newWord = word - 0x100;
        out.putByte(offset + TTL_OFFSET, (byte) (newWord >>> 8));
        checksum(InternetChecksum.update16(checksum(), word, newWord));
        return newWord >>> 8;
    }

    /** Sets the TTL, updating the checksum incrementally. */
    public Ipv4Flyweight rewriteTtl(int ttl) {
        final int word = buffer.getShort(offset + TTL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newWord = ((ttl & 0xFF) << 8) | (word & 0xFF);
        ttl(ttl);
        return checksum(InternetChecksum.update16(checksum(), word, newWord));
    }

    /** Sets the source address, updating the checksum incrementally (NAT-style rewrite). */
    public Ipv4Flyweight rewriteSource(int address) {
        final int old = source();
        source(address);
        return checksum(InternetChecksum.update32(checksum(), old, address));
    }

    /** Sets the destination address, updating the checksum incrementally (NAT-style rewrite). */
    public Ipv4Flyweight rewriteDestination(int address) {
        final int old = destination();
        destination(address);
        return checksum(InternetChecksum.update32(checksum(), old, address));
    }

    /** Exchanges source and destination; the checksum is unchanged (the sum is commutative). */
    public Ipv4Flyweight swapAddresses() {
        final int src = source();
        source(destination());
        return destination(src);
    }

    private MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    /**
     * Writes a 20-byte header without options, checksum computed; returns 20.
     *
     * @param flagsAndFragmentOffset e.g. {@link #FLAG_DF}, or 0
     */
    public static int writeHeader(MutableDirectBuffer buffer, int offset, int tos, int totalLength,
        int identification, int flagsAndFragmentOffset, int ttl, int protocol, int source, int destination) {
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte) 0x45);
        buffer.putByte(offset + TOS_OFFSET, (byte) tos);
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short) totalLength, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short) identification, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short) flagsAndFragmentOffset, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + TTL_OFFSET, (byte) ttl);
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte) protocol);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) 0);
        buffer.putInt(offset + SOURCE_OFFSET, source, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + DESTINATION_OFFSET, destination, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + CHECKSUM_OFFSET,
            (short) InternetChecksum.checksum(buffer, offset, MIN_HEADER_LENGTH), ByteOrder.BIG_ENDIAN);
        return MIN_HEADER_LENGTH;
    }
}
