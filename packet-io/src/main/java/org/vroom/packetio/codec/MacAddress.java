package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * 48-bit MAC addresses held in the low 48 bits of a {@code long}, first octet most significant
 * ({@code 02:00:00:00:0a:01 == 0x02000000_0a01L}). Reading and writing are allocation-free; only
 * {@link #format} and {@link #parse} (for configuration and logs) allocate.
 */
public final class MacAddress {
    /** Length of a MAC address in bytes. */
    public static final int LENGTH = 6;
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** 00:00:00:00:00:00, the unknown target of an ARP request. */
    public static final long ZERO = 0L;

    private static final long MASK = 0xFFFF_FFFF_FFFFL;
    private static final long GROUP_BIT = 0x0100_0000_0000L;

    private MacAddress() {
    }

    /** Reads six bytes at {@code index}. */
    public static long read(DirectBuffer buffer, int index) {
        return ((long) (buffer.getShort(index, ByteOrder.BIG_ENDIAN) & 0xFFFF) << 32)
            | (buffer.getInt(index + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    /** Writes the low 48 bits of {@code mac} as six bytes at {@code index}. */
    public static void write(MutableDirectBuffer buffer, int index, long mac) {
        buffer.putShort(index, (short) (mac >>> 32), ByteOrder.BIG_ENDIAN);
        buffer.putInt(index + 2, (int) mac, ByteOrder.BIG_ENDIAN);
    }

    /** True for group (multicast or broadcast) addresses: the I/G bit of the first octet. */
    public static boolean isMulticast(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    /** The Ethernet multicast MAC of IPv4 group {@code group} (RFC 1112: 01:00:5e + the low 23 bits). */
    public static long ipv4Multicast(int group) {
        return 0x01_00_5E_00_00_00L | (group & 0x7F_FFFFL);
    }

    /** True for ff:ff:ff:ff:ff:ff. */
    public static boolean isBroadcast(long mac) {
        return (mac & MASK) == BROADCAST;
    }

    /** {@code "02:00:00:00:0a:01"}. Allocates. */
    public static String format(long mac) {
        final StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            final int octet = (int) (mac >>> shift) & 0xFF;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /**
     * Parses {@code "02:00:00:00:0a:01"} (or with {@code '-'}); for configuration, not for packets.
     *
     * @throws IllegalArgumentException if the text is not six hex octets
     */
    public static long parse(CharSequence text) {
        if (text.length() != 17) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            final int hi = Character.digit(text.charAt(i * 3), 16);
            final int lo = Character.digit(text.charAt(i * 3 + 1), 16);
            if (hi < 0 || lo < 0 || (i < 5 && text.charAt(i * 3 + 2) != ':' && text.charAt(i * 3 + 2) != '-')) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            mac = (mac << 8) | (hi << 4) | lo;
        }
        return mac;
    }
}
