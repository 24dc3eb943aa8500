package org.vroom.vr.shadow;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.vroom.vr.rib.NextHop;

import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FibBatchCodecTest {
    static FibUpdateBatch varied() {
        return new FibUpdateBatch.Builder()
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 0, NextHop.FORWARD, 1, 0xC0000201)
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 1, NextHop.FORWARD, 65534, 0xC0000202)
                .nextHop(FibUpdateBatch.NextHopOp.UPDATE, 2, NextHop.GLEAN, 3, 0)
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 3, NextHop.LOCAL, -1, 0)
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 4, NextHop.DROP, -1, 0)
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 5, NextHop.REJECT, -1, 0)
                .group(FibUpdateBatch.NextHopOp.ADD, 6, new int[] {0, 1, 2}, 3)
                .group(FibUpdateBatch.NextHopOp.UPDATE, Integer.MAX_VALUE, new int[] {0, 1}, 2)
                .route(FibUpdateBatch.RouteOp.ADD, 0, 0, 6)
                .route(FibUpdateBatch.RouteOp.REPLACE, 0xFFFFFFFF, 32, 3)
                .route(FibUpdateBatch.RouteOp.REMOVE, 0x0A000000, 8, FibUpdateBatch.NO_NEXT_HOP)
                .removeNextHop(9)
                .removeNextHop(0x7FFF_FFFF)
                .build(0x0123_4567_89AB_CDEFL, true);
    }

    static byte[] encode(FibUpdateBatch b) {
        byte[] bytes = new byte[FibBatchCodec.encodedLength(b)];
        assertEquals(bytes.length, FibBatchCodec.encode(b, new UnsafeBuffer(bytes), 0));
        return bytes;
    }

    static FibBatchCodec.Result decode(byte[] bytes) {
        return FibBatchCodec.decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    @Test
    void roundTrip() {
        FibUpdateBatch b = varied();
        byte[] bytes = encode(b);
        FibBatchCodec.Result r = decode(bytes);
        assertTrue(r.ok(), () -> r.error() + " at " + r.errorOffset());
        assertEquals(b, r.batch());
        assertEquals(b.toString(), r.batch().toString());
        assertEquals(3, r.batch().groupSize(6));
        assertEquals(-1, r.batch().nextHopInterface(3));
        // at an offset inside a larger buffer too
        UnsafeBuffer big = new UnsafeBuffer(new byte[bytes.length + 100]);
        FibBatchCodec.encode(b, big, 37);
        assertEquals(b, FibBatchCodec.decode(big, 37, bytes.length).batch());
        // and the shadowd output of a real RIB round-trips
        FibUpdateBatch empty = new FibUpdateBatch.Builder().build(1, false);
        assertEquals(empty, decode(encode(empty)).batch());
    }

    @Test
    void byteVector() {
        FibUpdateBatch b = new FibUpdateBatch.Builder()
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 5, NextHop.FORWARD, 2, 0x0A000001)
                .group(FibUpdateBatch.NextHopOp.ADD, 6, new int[] {5, 8}, 2)
                .route(FibUpdateBatch.RouteOp.ADD, 0x0A010000, 16, 5)
                .removeNextHop(7)
                .build(1, false);
        String expected = "5646" + "01" + "00" + "0000000000000001" + "00000002" + "00000001" + "00000001" + "00000002"
                + "00000000"
                + "01" + "01" + "0002" + "00000005" + "0a000001"
                + "01" + "06" + "0002" + "00000006" + "00000000" + "00000005" + "00000008"
                + "01" + "10" + "0a010000" + "00000005"
                + "00000007";
        assertEquals(expected, HexFormat.of().formatHex(encode(b)));
        assertEquals(b, decode(HexFormat.of().parseHex(expected)).batch());
    }

    @Test
    void everyTruncationIsATypedError() {
        byte[] bytes = encode(varied());
        for (int n = 0; n < bytes.length; n++) {
            FibBatchCodec.Result r = FibBatchCodec.decode(new UnsafeBuffer(bytes), 0, n);
            assertFalse(r.ok(), "length " + n);
            assertNull(r.batch());
            assertTrue(r.error() == FibBatchCodec.Error.TOO_SHORT || r.error() == FibBatchCodec.Error.LENGTH_MISMATCH,
                    n + ": " + r.error());
        }
        assertEquals(FibBatchCodec.Error.TOO_SHORT, FibBatchCodec.decode(new UnsafeBuffer(bytes), 10, bytes.length).error(),
                "range beyond the buffer");
    }

    @Test
    void badInputs() {
        byte[] good = encode(new FibUpdateBatch.Builder()
                .nextHop(FibUpdateBatch.NextHopOp.ADD, 5, NextHop.FORWARD, 2, 0x0A000001)
                .group(FibUpdateBatch.NextHopOp.ADD, 6, new int[] {5, 8}, 2)
                .route(FibUpdateBatch.RouteOp.ADD, 0x0A010000, 16, 5)
                .removeNextHop(7)
                .build(1, false));
        int nh = FibBatchCodec.HEADER_LENGTH;
        int group = nh + FibBatchCodec.NH_RECORD_LENGTH;
        int route = group + FibBatchCodec.NH_RECORD_LENGTH + 8;
        int removal = route + FibBatchCodec.ROUTE_RECORD_LENGTH;
        expect(good, 0, 0x00, FibBatchCodec.Error.BAD_MAGIC);
        expect(good, 2, 0x02, FibBatchCodec.Error.UNSUPPORTED_VERSION);
        expect(good, 3, 0x02, FibBatchCodec.Error.BAD_FLAGS);
        expect(good, 12, 0x80, FibBatchCodec.Error.BAD_COUNT);
        expect(good, 15, 0x03, FibBatchCodec.Error.LENGTH_MISMATCH);
        expect(good, 31, 0x01, FibBatchCodec.Error.RESERVED_NOT_ZERO);
        expect(good, nh, 0x03, FibBatchCodec.Error.BAD_NEXT_HOP_OP);
        expect(good, nh + 1, 0x09, FibBatchCodec.Error.BAD_NEXT_HOP);              // unknown kind
        expect(good, nh + 1, NextHop.GLEAN, FibBatchCodec.Error.BAD_NEXT_HOP);     // glean with an address
        expect(good, nh + 1, NextHop.DROP, FibBatchCodec.Error.BAD_NEXT_HOP);      // drop with interface
        expect(good, nh + 4, 0x80, FibBatchCodec.Error.BAD_NEXT_HOP_ID);
        expect(good, group + 3, 0x00, FibBatchCodec.Error.BAD_GROUP);              // zero members
        expect(good, group + 3, 0x03, FibBatchCodec.Error.BAD_GROUP);              // more than counted
        expect(good, group + 12, 0x80, FibBatchCodec.Error.BAD_NEXT_HOP_ID);       // negative member
        expect(good, route, 0x04, FibBatchCodec.Error.BAD_ROUTE_OP);
        expect(good, route + 1, 33, FibBatchCodec.Error.BAD_PREFIX_LENGTH);
        expect(good, route, 0x03, FibBatchCodec.Error.BAD_NEXT_HOP_ID);            // remove with a next hop
        expect(good, route + 6, 0xFF, FibBatchCodec.Error.BAD_NEXT_HOP_ID);        // add with a negative id
        expect(good, removal, 0xFF, FibBatchCodec.Error.BAD_NEXT_HOP_ID);
    }

    private static void expect(byte[] good, int index, int value, FibBatchCodec.Error error) {
        byte[] bad = good.clone();
        bad[index] = (byte) value;
        FibBatchCodec.Result r = decode(bad);
        assertEquals(error, r.error(), "byte " + index + " = " + value);
    }

    @Test
    void fuzzedInputNeverThrowsAndWhatDecodesReencodesIdentically() {
        SplittableRandom rnd = new SplittableRandom(2024);
        byte[] seed = encode(varied());
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = seed.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            int length = rnd.nextInt(10) == 0 ? rnd.nextInt(b.length + 1) : b.length;
            FibBatchCodec.Result r = FibBatchCodec.decode(new UnsafeBuffer(b), 0, length);
            if (r.ok()) {
                decoded++;
                byte[] again = encode(r.batch());
                assertArrayEquals(java.util.Arrays.copyOf(b, length), again);
            }
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            if (junk.length > 3 && rnd.nextBoolean()) {
                junk[0] = 0x56;
                junk[1] = 0x46;
                junk[2] = 1;
                junk[3] = 0;
            }
            decode(junk);
        }
        assertTrue(decoded > 0, "some mutations stay valid (ids, addresses)");
    }
}
