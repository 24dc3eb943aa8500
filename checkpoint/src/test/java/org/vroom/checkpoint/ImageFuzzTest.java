package org.vroom.checkpoint;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupted images never make the restorer throw anything but {@link CheckpointFormatException}: random
 * bit flips, overwritten bytes, truncations, insertions and deletions, and, so that corruption gets past
 * the CRCs into the parts' decoders, the same mutations inside payloads with the CRCs recomputed.
 */
class ImageFuzzTest {
    /** Recomputes every section CRC and the header CRC of a well-framed image, so a payload change passes. */
    static void reseal(byte[] image) {
        UnsafeBuffer u = new UnsafeBuffer(image);
        Crc32cOf crc = new Crc32cOf();
        int headerLength = u.getShort(8, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        u.putInt(headerLength - 4, crc.compute(u, 0, headerLength - 4), ByteOrder.BIG_ENDIAN);
        int sections = u.getInt(36, ByteOrder.BIG_ENDIAN);
        int p = headerLength;
        for (int i = 0; i < sections; i++) {
            int start = p;
            int nameLength = u.getByte(p) & 0xFF;
            p += 1 + nameLength + 4;
            int payload = u.getInt(p, ByteOrder.BIG_ENDIAN);
            p += 4 + payload;
            u.putInt(p, crc.compute(u, start, p - start), ByteOrder.BIG_ENDIAN);
            p += 4;
        }
    }

    /** Payload ranges [start, end) of a well-framed image. */
    static List<int[]> payloads(byte[] image) {
        UnsafeBuffer u = new UnsafeBuffer(image);
        List<int[]> out = new ArrayList<>();
        int p = u.getShort(8, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int sections = u.getInt(36, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < sections; i++) {
            p += 1 + (u.getByte(p) & 0xFF) + 4;
            int payload = u.getInt(p, ByteOrder.BIG_ENDIAN);
            p += 4;
            out.add(new int[] {p, p + payload});
            p += payload + 4;
        }
        return out;
    }

    static byte[] mutate(byte[] image, SplittableRandom rnd, boolean payloadOnly) {
        byte[] b = image.clone();
        int lo = 0;
        int hi = b.length;
        if (payloadOnly) {
            List<int[]> ps = payloads(b);
            int[] r = ps.get(rnd.nextInt(ps.size()));
            if (r[1] == r[0]) {
                return b;
            }
            lo = r[0];
            hi = r[1];
        }
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = lo + rnd.nextInt(hi - lo);
            switch (rnd.nextInt(payloadOnly ? 3 : 6)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> b[at] = (byte) (rnd.nextBoolean() ? 0xFF : 0x80);
                case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 4 -> {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                default -> {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
            }
            if (b.length == 0) {
                break;
            }
            hi = Math.min(hi, b.length);
            if (hi <= lo) {
                break;
            }
        }
        if (payloadOnly) {
            reseal(b);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void corruptImagesOnlyEverThrowTheFormatException(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MapPart config = new MapPart("config");
        MapPart rib = new MapPart("rib");
        Checkpointer c = new Checkpointer(7, "fuzz-vr", List.of(config, rib), () -> 1L, () -> 77L, 64);
        config.put(1, "x");
        for (int i = 0; i < 30; i++) {
            rib.put(rnd.nextLong(), "r" + rnd.nextInt(1000));
        }
        byte[] snapshot = ImageFuzzTest.copy(c.snapshot());
        rib.put(1, "changed");
        rib.remove(rib.map.firstKey());
        byte[] delta = ImageFuzzTest.copy(c.delta());

        int refused = 0;
        int applied = 0;
        for (int i = 0; i < 3_000; i++) {
            boolean payloadOnly = rnd.nextInt(3) == 0;
            boolean ofDelta = rnd.nextBoolean();
            byte[] bad = mutate(ofDelta ? delta : snapshot, rnd, payloadOnly);
            Restorer r = new Restorer(List.of(new MapPart("config"), new MapPart("rib")));
            try {
                if (ofDelta) {
                    r.apply(new UnsafeBuffer(snapshot));
                }
                r.apply(new UnsafeBuffer(bad));
                applied++;
            } catch (CheckpointFormatException expected) {
                refused++;
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
                if (expected.getCause() != null && !(expected.getCause() instanceof CheckpointFormatException)) {
                    fail("mutation " + i + ": failed with " + expected.getCause() + " instead of refusing", expected);
                }
            } catch (Throwable t) {
                fail("mutation " + i + " threw " + t, t);
            }
        }
        assertEquals(3_000, refused + applied);
        assertTrue(refused > 2_000, "most corruptions are refused: " + refused);
    }

    static byte[] copy(org.agrona.DirectBuffer image) {
        byte[] b = new byte[image.capacity()];
        image.getBytes(0, b);
        return b;
    }
}
