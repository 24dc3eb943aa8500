package org.vroom.packetio;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Test frames: Ethernet header (optionally 802.1Q tagged), EtherType 0x88B5 (IEEE local experimental),
 * then magic, sequence number and total length, then a pattern that depends on the sequence number
 * and the byte position, so a frame that arrives shifted, truncated, mixed with another or out of
 * order is detected.
 */
final class TestFrames {
    static final int ETHERTYPE = 0x88b5;
    static final int MAGIC = 0x56524f4f; // "VROO"
    static final int NO_VLAN = -1;
    static final int MIN_LENGTH = 64;
    static final int MAX_LENGTH = 1514;

    private TestFrames() {
    }

    /** Writes a frame of {@code length} bytes at {@code offset}. */
    static void write(MutableDirectBuffer b, int offset, long dstMac, long srcMac, int vlanTci, int seq, int length) {
        putMac(b, offset, dstMac);
        putMac(b, offset + 6, srcMac);
        int p = offset + 12;
        if (vlanTci != NO_VLAN) {
            b.putShort(p, (short) 0x8100, ByteOrder.BIG_ENDIAN);
            b.putShort(p + 2, (short) vlanTci, ByteOrder.BIG_ENDIAN);
            p += 4;
        }
        b.putShort(p, (short) ETHERTYPE, ByteOrder.BIG_ENDIAN);
        b.putInt(p + 2, MAGIC, ByteOrder.BIG_ENDIAN);
        b.putInt(p + 6, seq, ByteOrder.BIG_ENDIAN);
        b.putInt(p + 10, length, ByteOrder.BIG_ENDIAN);
        for (int i = p + 14 - offset; i < length; i++) {
            b.putByte(offset + i, pattern(seq, i));
        }
    }

    static byte pattern(int seq, int i) {
        return (byte) (seq * 31 + i * 7 + (i >> 8));
    }

    /** Length cycling through 64..1514 so every size class is exercised. */
    static int lengthFor(int seq) {
        return MIN_LENGTH + (int) ((seq * 97L) % (MAX_LENGTH - MIN_LENGTH + 1));
    }

    static boolean isTestFrame(UnsafeBuffer f) {
        if (f.capacity() < 26) {
            return false;
        }
        int p = 12;
        if ((f.getShort(p, ByteOrder.BIG_ENDIAN) & 0xffff) == 0x8100) {
            p += 4;
        }
        return (f.getShort(p, ByteOrder.BIG_ENDIAN) & 0xffff) == ETHERTYPE && f.getInt(p + 2, ByteOrder.BIG_ENDIAN) == MAGIC;
    }

    /**
     * Checks a received test frame and returns its sequence number.
     *
     * @throws AssertionError describing the first difference
     */
    static int check(UnsafeBuffer f, long dstMac, long srcMac, int vlanTci) {
        final int length = f.capacity();
        expect(getMac(f, 0) == dstMac, "destination MAC %012x, expected %012x", getMac(f, 0), dstMac);
        expect(getMac(f, 6) == srcMac, "source MAC %012x, expected %012x", getMac(f, 6), srcMac);
        int p = 12;
        if (vlanTci != NO_VLAN) {
            expect((f.getShort(12, ByteOrder.BIG_ENDIAN) & 0xffff) == 0x8100, "TPID %04x, expected 8100",
                f.getShort(12, ByteOrder.BIG_ENDIAN) & 0xffff);
            expect((f.getShort(14, ByteOrder.BIG_ENDIAN) & 0xffff) == vlanTci, "TCI %04x, expected %04x",
                f.getShort(14, ByteOrder.BIG_ENDIAN) & 0xffff, vlanTci);
            p += 4;
        }
        expect((f.getShort(p, ByteOrder.BIG_ENDIAN) & 0xffff) == ETHERTYPE, "EtherType %04x",
            f.getShort(p, ByteOrder.BIG_ENDIAN) & 0xffff);
        expect(f.getInt(p + 2, ByteOrder.BIG_ENDIAN) == MAGIC, "magic %08x", f.getInt(p + 2, ByteOrder.BIG_ENDIAN));
        final int seq = f.getInt(p + 6, ByteOrder.BIG_ENDIAN);
        final int sentLength = f.getInt(p + 10, ByteOrder.BIG_ENDIAN);
        expect(sentLength == length, "frame %d: length %d, sent %d", seq, length, sentLength);
        for (int i = p + 14; i < length; i++) {
            if (f.getByte(i) != pattern(seq, i)) {
                throw new AssertionError(String.format("frame %d (length %d): byte %d is %02x, expected %02x",
                    seq, length, i, f.getByte(i) & 0xff, pattern(seq, i) & 0xff));
            }
        }
        return seq;
    }

    static void putMac(MutableDirectBuffer b, int offset, long mac) {
        for (int i = 0; i < 6; i++) {
            b.putByte(offset + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    static long getMac(UnsafeBuffer b, int offset) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (b.getByte(offset + i) & 0xff);
        }
        return mac;
    }

    private static void expect(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
