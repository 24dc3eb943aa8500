package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of a
 * byte range read as big-endian 16-bit words, with an odd trailing byte padded by a zero byte.
 *
 * <p>Values: a <em>sum</em> is a folded 16-bit one's complement sum in {@code [0, 0xFFFF]}, not yet
 * complemented; sums combine with {@link #add(int, int)}. A <em>checksum</em> is {@code ~sum & 0xFFFF},
 * the value a header field carries. A range whose checksum field is correct sums to {@code 0xFFFF}
 * (its {@link #checksum} is 0).
 *
 * <p>{@link #sum(DirectBuffer, int, int)} adds 64-bit words in native byte order and swaps the
 * folded result at the end: the one's complement sum is byte-order independent (RFC 1071 section 2(B)),
 * so this equals the big-endian word sum. Ranges chained with {@link #add} must start at an even
 * position of the checksummed stream (every range but the last has an even length).
 *
 * <p>Incremental updates follow RFC 1624 equation 3, {@code HC' = ~(~HC + ~m + m')}, which, unlike
 * the RFC 1141 form, never produces 0xFFFF (-0) where a full recomputation gives 0x0000.
 *
 * <p>All methods are static, allocation-free and never throw for ranges inside the buffer.
 */
public final class InternetChecksum {
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private InternetChecksum() {
    }

    /**
     * One's complement sum of {@code length} bytes at {@code offset}, as big-endian 16-bit words; an odd
     * last byte is the high byte of a final word.
     */
    public static int sum(DirectBuffer buffer, int offset, int length) {
        long acc = 0;
        int i = offset;
        final int end = offset + length;
        // 64-bit loads; the two 32-bit halves go into a 64-bit accumulator, which cannot overflow for
        // any int length (< 2^28 words, each adding < 2^33).
        for (final int last8 = end - 8; i <= last8; i += 8) {
            final long word = buffer.getLong(i);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        if (end - i >= 4) {
            acc += buffer.getInt(i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2) {
            acc += buffer.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < end) {
            final int last = buffer.getByte(i) & 0xFF;
            acc += NATIVE_LITTLE_ENDIAN ? last : last << 8;
        }
        final int folded = fold(acc);
        return NATIVE_LITTLE_ENDIAN ? ((folded & 0xFF) << 8) | (folded >>> 8) : folded;
    }

    /** The checksum of a range: {@code ~sum(buffer, offset, length) & 0xFFFF}. */
    public static int checksum(DirectBuffer buffer, int offset, int length) {
        return ~sum(buffer, offset, length) & 0xFFFF;
    }

    /** True when the range, checksum field included, sums to 0xFFFF. */
    public static boolean verify(DirectBuffer buffer, int offset, int length) {
        return sum(buffer, offset, length) == 0xFFFF;
    }

    /**
     * Sum of the IPv4 pseudo-header for TCP/UDP (RFC 768, RFC 793): source, destination, zero byte,
     * protocol and transport length.
     */
    public static int pseudoHeaderSum(int source, int destination, int protocol, int transportLength) {
        final long acc = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
            + (protocol & 0xFF) + (transportLength & 0xFFFF);
        return fold(acc);
    }

    /** One's complement addition of two sums (or 16-bit words). */
    public static int add(int sumA, int sumB) {
        final int s = (sumA & 0xFFFF) + (sumB & 0xFFFF);
        return (s & 0xFFFF) + (s >>> 16);
    }

    /** Folds a non-negative wide accumulator to a 16-bit one's complement sum. */
    public static int fold(long acc) {
        long s = (acc >>> 32) + (acc & 0xFFFF_FFFFL);
        s = (s >>> 32) + (s & 0xFFFF_FFFFL);
        int t = (int) ((s >>> 16) + (s & 0xFFFF));
        t = (t >>> 16) + (t & 0xFFFF);
        return (t >>> 16) + (t & 0xFFFF);
    }

    /** Complements a sum into a checksum field value. */
    public static int complement(int sum) {
        return ~sum & 0xFFFF;
    }

    /**
     * RFC 1624 equation 3: the new checksum after one 16-bit word of the covered data changed from
     * {@code oldWord} to {@code newWord}.
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        final int s = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /**
     * RFC 1624 equation 3 for a 32-bit field (an address) that changed from {@code oldValue} to
     * {@code newValue}; the field must start at an even offset of the covered data.
     */
    public static int update32(int checksum, int oldValue, int newValue) {
        final long s = (~checksum & 0xFFFF)
            + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
            + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }
}
