package org.vroom.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferCheckpointIoTest {
    static final long[] VAR_LONGS = {0, 1, 127, 128, 255, 16_383, 16_384, Integer.MAX_VALUE, 1L << 35, Long.MAX_VALUE,
            Long.MIN_VALUE, -1L};
    static final String[] STRINGS = {null, "", "rib", "ÿ", "Zürich–Genève", "路由器", "\uD83D\uDE80 rocket",
            "x".repeat(300)};

    static void writeAll(CheckpointWriter w) {
        w.putByte(0).putByte(255).putBoolean(true).putBoolean(false).putInt(Integer.MIN_VALUE).putInt(-1)
                .putLong(Long.MIN_VALUE).putLong(0x0123_4567_89AB_CDEFL);
        for (long v : VAR_LONGS) {
            w.putVarLong(v);
        }
        for (int v : new int[] {0, 127, 128, 300, Integer.MAX_VALUE}) {
            w.putVarInt(v);
        }
        for (String s : STRINGS) {
            w.putString(s);
        }
        w.putBytes(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        w.putBytes(new UnsafeBuffer(new byte[] {9, 8, 7}), 0, 3);
        w.putBytes(new byte[0], 0, 0);
    }

    static void readAll(CheckpointReader r) {
        assertEquals(0, r.getByte());
        assertEquals(255, r.getByte());
        assertTrue(r.getBoolean());
        assertFalse(r.getBoolean());
        assertEquals(Integer.MIN_VALUE, r.getInt());
        assertEquals(-1, r.getInt());
        assertEquals(Long.MIN_VALUE, r.getLong());
        assertEquals(0x0123_4567_89AB_CDEFL, r.getLong());
        for (long v : VAR_LONGS) {
            assertEquals(v, r.getVarLong());
        }
        for (int v : new int[] {0, 127, 128, 300, Integer.MAX_VALUE}) {
            assertEquals(v, r.getVarInt());
        }
        for (String s : STRINGS) {
            assertEquals(s, r.getString());
        }
        assertArrayEquals(new byte[] {2, 3, 4}, r.getBytes());
        ExpandableArrayBuffer dst = new ExpandableArrayBuffer(1);
        assertEquals(3, r.getBytes(dst, 5));
        assertEquals(9, dst.getByte(5));
        assertEquals(7, dst.getByte(7));
        assertArrayEquals(new byte[0], r.getBytes());
        assertEquals(0, r.remaining());
    }

    @Test
    void everyValueRoundTripsFromOffHeapAndFromAByteArray() {
        BufferCheckpointWriter w = new BufferCheckpointWriter(16);
        writeAll(w);
        assertEquals(w.length(), w.position());
        readAll(new BufferCheckpointReader().wrap(w.buffer(), 0, w.length(), "t"));

        byte[] copy = new byte[w.length() + 7];
        w.buffer().getBytes(0, copy, 7, w.length());
        readAll(new BufferCheckpointReader().wrap(new UnsafeBuffer(copy), 7, w.length(), "t"));
        readAll(new BufferCheckpointReader().wrap(new UnsafeBuffer(ByteBuffer.wrap(copy)), 7, w.length(), "t"));
    }

    @Test
    void varIntsAreLeb128AndStringsCarryLengthPlusOne() {
        BufferCheckpointWriter w = new BufferCheckpointWriter(16);
        w.putVarInt(300).putString(null).putString("").putString("é").putInt(0x01020304);
        byte[] b = new byte[w.length()];
        w.buffer().getBytes(0, b);
        assertArrayEquals(new byte[] {(byte) 0xAC, 0x02, 0, 1, 3, (byte) 0xC3, (byte) 0xA9, 1, 2, 3, 4}, b);
    }

    @Test
    void theWriterGrowsAndAllocatesNothingPerValueOnceGrown() {
        BufferCheckpointWriter w = new BufferCheckpointWriter(64);
        for (int i = 0; i < 100_000; i++) {
            w.putVarLong(i * 31L).putInt(i).putString("abc");
        }
        int length = w.length();
        assertTrue(w.buffer().capacity() >= length);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        if (mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemoryEnabled()) {
            for (int warm = 0; warm < 3; warm++) {
                w.reset();
                long before = sun.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    w.putVarLong(i * 31L).putInt(i).putString("abc");
                }
                long allocated = sun.getCurrentThreadAllocatedBytes() - before;
                if (warm == 2) {
                    assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 300,000 values");
                }
            }
        }
        assertEquals(length, w.length());
    }

    @Test
    void negativeVarIntIsACallerBug() {
        assertThrows(IllegalArgumentException.class, () -> new BufferCheckpointWriter(8).putVarInt(-1));
    }

    static BufferCheckpointReader reader(int... bytes) {
        byte[] b = new byte[bytes.length + 10];
        for (int i = 0; i < bytes.length; i++) {
            b[10 + i] = (byte) bytes[i];
        }
        // the image starts at 4, the section at 10: positions are reported from the image start
        return new BufferCheckpointReader().wrap(new UnsafeBuffer(b), 4, 10, 10 + bytes.length, "rib");
    }

    @Test
    void errorsNameThePartAndThePosition() {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> reader(1, 2).getInt());
        assertEquals("part 'rib' at byte 6 of the image: truncated: an int needs 4 bytes but 2 are left in the section",
                e.getMessage());
        BufferCheckpointReader r = reader(0, 7);
        r.getByte();
        e = assertThrows(CheckpointFormatException.class, r::getBoolean);
        assertEquals("part 'rib' at byte 7 of the image: boolean byte 7 is neither 0 nor 1", e.getMessage());
        assertEquals(1, r.remaining(), "a refused value is not consumed");
    }

    @Test
    void malformedValuesAreRefused() {
        assertThrows(CheckpointFormatException.class, () -> reader(0x80, 0x80).getVarLong(), "runs past the end");
        assertThrows(CheckpointFormatException.class,
                () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).getVarLong(), "65 bits");
        assertThrows(CheckpointFormatException.class,
                () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0).getVarLong(), "11 bytes");
        assertEquals(-1L, reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01).getVarLong());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> reader(0x80, 0x80, 0x80, 0x80, 0x08).getVarInt());
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        assertThrows(CheckpointFormatException.class, () -> reader(5, 'a', 'b').getString(), "string past the end");
        assertThrows(CheckpointFormatException.class, () -> reader(3, 0xC3, 0x28).getString(), "bad UTF-8");
        assertThrows(CheckpointFormatException.class, () -> reader(3, 0xED, 0xA0).getString(), "truncated UTF-8");
        assertThrows(CheckpointFormatException.class, () -> reader(4, 1, 2).getBytes(), "bytes past the end");
        assertThrows(CheckpointFormatException.class,
                () -> reader(2, 1, 2).getBytes(new UnsafeBuffer(new byte[1]), 0), "does not fit");
        assertNull(reader(0).getString());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomBytesUnderRandomReadsOnlyEverThrowTheFormatException(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ExpandableArrayBuffer dst = new ExpandableArrayBuffer(8);
        for (int round = 0; round < 2_000; round++) {
            byte[] b = new byte[rnd.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(4) == 0 ? 0xFF : rnd.nextInt(3));
            }
            DirectBuffer buf = new UnsafeBuffer(b);
            BufferCheckpointReader r = new BufferCheckpointReader().wrap(buf, 0, b.length, "fuzz");
            try {
                for (int op = 0; op < 20; op++) {
                    switch (rnd.nextInt(9)) {
                        case 0 -> r.getByte();
                        case 1 -> r.getBoolean();
                        case 2 -> r.getInt();
                        case 3 -> r.getLong();
                        case 4 -> r.getVarLong();
                        case 5 -> r.getVarInt();
                        case 6 -> r.getString();
                        case 7 -> r.getBytes();
                        default -> r.getBytes(dst, rnd.nextInt(4));
                    }
                }
            } catch (CheckpointFormatException expected) {
                assertTrue(expected.getMessage().startsWith("part 'fuzz' at byte "), expected.getMessage());
            }
        }
    }

    @Test
    void crc32cIsTheSameOverHeapAndOffHeapMemory() {
        byte[] data = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Crc32cOf crc = new Crc32cOf();
        assertEquals(0xE3069283, crc.compute(new UnsafeBuffer(data), 0, 9), "the CRC-32C check value");
        BufferCheckpointWriter w = new BufferCheckpointWriter(16);
        w.putInt(0);
        for (byte x : data) {
            w.putByte(x);
        }
        assertEquals(0xE3069283, crc.compute(w.buffer(), 4, 9));
        byte[] shifted = new byte[12];
        System.arraycopy(data, 0, shifted, 3, 9);
        assertEquals(0xE3069283, crc.compute(new UnsafeBuffer(shifted, 2, 10), 1, 9));
        ByteBuffer direct = ByteBuffer.allocateDirect(20);
        direct.position(5);
        direct.put(data);
        assertEquals(0xE3069283, crc.compute(new UnsafeBuffer(direct, 3, 15), 2, 9), "a direct ByteBuffer at an offset");
        UnsafeBuffer raw = new UnsafeBuffer(new UnsafeBuffer(direct).addressOffset() + 5, 9);
        assertEquals(0xE3069283, crc.compute(raw, 0, 9), "raw memory without a ByteBuffer");
        UnsafeBuffer big = new UnsafeBuffer(ByteBuffer.allocateDirect(20_000));
        assertEquals(crc.compute(new UnsafeBuffer(new byte[20_000]), 0, 20_000),
                crc.compute(new UnsafeBuffer(big.addressOffset(), 20_000), 0, 20_000), "raw memory over the scratch size");
    }
}
