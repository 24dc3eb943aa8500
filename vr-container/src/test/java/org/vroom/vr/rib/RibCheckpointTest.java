package org.vroom.vr.rib;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vroom.checkpoint.CheckpointFormatException;
import org.vroom.checkpoint.Checkpointer;
import org.vroom.checkpoint.Restorer;
import org.vroom.vr.shadow.Shadowd;
import org.vroom.vr.testkit.FibModel;
import org.vroom.vr.testkit.RecordingHypervisor;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The RIB as checkpoint part "rib": a restored RIB has the same candidates and best routes as the
 * original, round after round of deltas, and the FIB of the restored VR (through shadowd) follows.
 */
class RibCheckpointTest {
    static final int VR = 9;
    static final NextHopSet[] SETS = {
            NextHopSet.via(0x0A00_0001, 1), NextHopSet.via(0x0A00_0002, 1), NextHopSet.via(0x0A00_0101, 2),
            NextHopSet.of(NextHop.forward(0x0A00_0001, 1), NextHop.forward(0x0A00_0101, 2)),
            NextHopSet.of(NextHop.forward(0x0A00_0003, 1), NextHop.forward(0x0A00_0102, 2), NextHop.forward(0x0A00_0201, 3)),
            NextHopSet.attached(1), NextHopSet.DROP, NextHopSet.REJECT, NextHopSet.LOCAL};
    static final RouteSource[] SOURCES = {RouteSource.STATIC, RouteSource.EBGP, RouteSource.OSPF, RouteSource.IBGP,
            RouteSource.CONNECTED};

    /** Every prefix with its best route and its candidates in selection order, as text. */
    static List<String> dump(Rib rib) {
        List<String> out = new ArrayList<>();
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            Route best = rib.best(rib.prefix(e), rib.length(e));
            out.add(best + " = " + rib.candidates(rib.prefix(e), rib.length(e)));
        }
        out.sort(null);
        return out;
    }

    /** The restored VR's FIB holds exactly the RIB's best routes. */
    static void assertFibFollows(Rib rib, FibModel fib) {
        assertEquals(rib.size(), fib.routeCount(), "FIB routes");
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            assertEquals(rib.bestNextHops(e), fib.nextHops(rib.prefix(e), rib.length(e)));
        }
    }

    static byte[] copy(DirectBuffer image) {
        byte[] b = new byte[image.capacity()];
        image.getBytes(0, b);
        return b;
    }

    static void randomOperation(Rib rib, SplittableRandom rnd, int prefixPool) {
        randomOperation(rib, rnd, prefixPool, true);
    }

    /** {@code clear}: whether to include {@link Rib#clear()}, which listeners do not hear (not with shadowd). */
    static void randomOperation(Rib rib, SplittableRandom rnd, int prefixPool, boolean clear) {
        int i = rnd.nextInt(prefixPool);
        int length = 8 + i % 25;
        int prefix = (i * 0x9E37_79B9) & Rib.mask(length);
        RouteSource source = SOURCES[rnd.nextInt(SOURCES.length)];
        int origin = rnd.nextInt(3) - 1; // includes -1: origins are unsigned keys
        int what = rnd.nextInt(100);
        if (what < 60) {
            int distance = rnd.nextInt(4) == 0 ? rnd.nextInt(RouteSource.MAX_DISTANCE + 1) : source.defaultDistance();
            rib.add(source, origin, prefix, length, distance, rnd.nextInt(3), SETS[rnd.nextInt(SETS.length)]);
        } else if (what < 90) {
            rib.remove(source, origin, prefix, length);
        } else if (what < 93) {
            rib.removeAll(source, origin);
        } else if (what < 94) {
            rib.removeAll(source);
        } else if (what < 98) {
            rib.setEcmpWidth(1 + rnd.nextInt(4));
        } else if (clear && what < 99 && rnd.nextInt(4) == 0) {
            rib.clear();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void restoringSnapshotAndDeltasReproducesTheRibAndItsFib(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Rib source = new Rib(4);
        RibCheckpoint sourcePart = new RibCheckpoint(source);
        Checkpointer checkpointer = new Checkpointer(VR, "vr9", List.of(sourcePart), () -> 0L, rnd::nextLong, 1024);

        Rib target = new Rib(1);
        RecordingHypervisor hv = new RecordingHypervisor().keepBatches(false);
        Shadowd shadowd = new Shadowd(VR, target, hv);
        Restorer restorer = new Restorer(List.of(new RibCheckpoint(target)));

        for (int op = 0; op < 600; op++) {
            randomOperation(source, rnd, 300);
        }
        restorer.apply(checkpointer.snapshot());
        shadowd.flush();
        assertEquals(dump(source), dump(target), "after the snapshot");
        assertEquals(source.ecmpWidth(), target.ecmpWidth());
        assertFibFollows(target, hv.model(VR));

        for (int round = 1; round <= 12; round++) {
            int ops = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(200);
            for (int op = 0; op < ops; op++) {
                randomOperation(source, rnd, 300);
            }
            int changed = source.changedPrefixCount();
            assertTrue(changed <= Math.max(ops, source.size() + 300), "changed " + changed + " after " + ops + " ops");
            restorer.apply(checkpointer.delta());
            assertEquals(0, source.changedPrefixCount(), "a delta clears the record");
            shadowd.flush();
            assertEquals(dump(source), dump(target), "after round " + round);
            assertFibFollows(target, hv.model(VR));
        }
    }

    @Test
    void aDeltaCarriesOnlyTheChangedPrefixes() {
        Rib rib = new Rib(8);
        for (int i = 0; i < 1_000; i++) {
            rib.add(RouteSource.EBGP, 0, i << 8, 24, 0, SETS[i % 3]);
        }
        RibCheckpoint part = new RibCheckpoint(rib);
        Checkpointer c = new Checkpointer(VR, "vr9", List.of(part), () -> 0L, () -> 1L, 1024);
        c.snapshot();
        int snapshotBytes = c.sectionLength(0);
        assertTrue(snapshotBytes > 1_000 * 14, "a snapshot holds every prefix: " + snapshotBytes);

        assertEquals(0, rib.changedPrefixCount());
        c.delta();
        assertEquals(1 + 1 + 1, c.sectionLength(0), "an empty delta: width, no sets, no prefixes");

        rib.add(RouteSource.EBGP, 0, 5 << 8, 24, 7, SETS[0]);  // changed twice, written once
        rib.add(RouteSource.EBGP, 0, 5 << 8, 24, 9, SETS[0]);
        rib.remove(RouteSource.EBGP, 0, 6 << 8, 24);            // gone
        rib.add(RouteSource.EBGP, 0, 5 << 8, 24, 9, SETS[0]);   // no change, not recorded again
        assertEquals(2, rib.changedPrefixCount());
        c.delta();
        // width 1 + set count 1 + one set (id 1 + size 1 + 8) + prefix count 1
        // + prefix 5 (4 + 1 + count 1 + candidate 1 + 4 + 1 + 1 + 1) + prefix 6 removed (4 + 1 + 1)
        assertEquals(3 + 10 + 14 + 6, c.sectionLength(0));
    }

    @Test
    void aSnapshotRestoredIntoABusyRibReplacesItAndShadowdFollows() {
        Rib source = new Rib(4);
        Rib target = new Rib(2);
        RecordingHypervisor hv = new RecordingHypervisor().keepBatches(false);
        Shadowd shadowd = new Shadowd(VR, target, hv);
        SplittableRandom rnd = new SplittableRandom(77);
        for (int op = 0; op < 400; op++) {
            randomOperation(source, rnd, 200);
            randomOperation(target, rnd, 200, false);
        }
        shadowd.flush();
        Checkpointer c = new Checkpointer(VR, "vr9", List.of(new RibCheckpoint(source)), () -> 0L, () -> 1L, 1024);
        new Restorer(List.of(new RibCheckpoint(target))).apply(c.snapshot());
        shadowd.flush();
        assertEquals(dump(source), dump(target));
        assertFibFollows(target, hv.model(VR));
    }

    @Test
    void badPayloadsAreRefusedWithTheReason() {
        Rib source = new Rib(4);
        source.add(RouteSource.STATIC, 0, 0x0A00_0000, 8, 0, SETS[0]);
        Checkpointer c = new Checkpointer(VR, "vr9", List.of(new RibCheckpoint(source)), () -> 0L, () -> 1L, 256);
        byte[] image = copy(c.snapshot());
        // payload: width(1) sets(1) id(1) size(1) hop(8) prefixes(1) prefix(4) len(1) n(1) source(1) ...
        int payload = payloadOffset(image);
        int sourceAt = payload + 1 + 1 + 1 + 1 + 8 + 1 + 4 + 1 + 1;
        assertEquals(RouteSource.STATIC.code(), image[sourceAt]);

        byte[] bad = image.clone();
        bad[sourceAt] = 15;
        reseal(bad);
        assertTrue(refusal(bad).endsWith("unknown route source code 15"), refusal(bad));

        bad = image.clone();
        bad[payload] = 65;
        reseal(bad);
        assertTrue(refusal(bad).endsWith("ECMP width 65 is out of range 1..64"), refusal(bad));

        bad = image.clone();
        bad[payload + 1 + 1 + 1 + 1 + 8 + 1 + 3] = 1; // a host bit of 10.0.0.0/8
        reseal(bad);
        assertTrue(refusal(bad).endsWith("prefix a000001/8 has host bits set"), refusal(bad));

        bad = image.clone();
        bad[sourceAt + 1 + 4 + 1 + 1] = 5; // next-hop set id 5 is not in the dictionary
        reseal(bad);
        assertTrue(refusal(bad).endsWith("candidate refers to next-hop set 5, which the image does not define"),
                refusal(bad));
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void corruptPayloadsThatPassTheCrcNeverThrowAnythingElse(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Rib source = new Rib(4);
        for (int op = 0; op < 200; op++) {
            randomOperation(source, rnd, 100);
        }
        Checkpointer c = new Checkpointer(VR, "vr9", List.of(new RibCheckpoint(source)), () -> 0L, () -> 1L, 1024);
        byte[] image = copy(c.snapshot());
        int from = payloadOffset(image);
        int to = image.length - 12 - 4;
        int refused = 0;
        for (int i = 0; i < 1_500; i++) {
            byte[] bad = image.clone();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                int at = from + rnd.nextInt(to - from);
                bad[at] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : (byte) (bad[at] ^ (1 << rnd.nextInt(8)));
            }
            reseal(bad);
            Rib target = new Rib(1);
            new Shadowd(VR, target, new RecordingHypervisor().keepBatches(false));
            try {
                new Restorer(List.of(new RibCheckpoint(target))).apply(new UnsafeBuffer(bad));
            } catch (CheckpointFormatException expected) {
                refused++;
                if (expected.getCause() != null && !(expected.getCause() instanceof CheckpointFormatException)) {
                    fail("mutation " + i + ": the part failed with " + expected.getCause() + " instead of refusing",
                            expected);
                }
            } catch (Throwable t) {
                fail("mutation " + i + " threw " + t, t);
            }
        }
        assertTrue(refused > 100, "refused " + refused);
    }

    String refusal(byte[] image) {
        Rib target = new Rib(1);
        return assertThrows(CheckpointFormatException.class,
                () -> new Restorer(List.of(new RibCheckpoint(target))).apply(new UnsafeBuffer(image))).getMessage();
    }

    /** Offset of the first section's payload (one section named "rib"). */
    static int payloadOffset(byte[] image) {
        int header = new UnsafeBuffer(image).getShort(8, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return header + 1 + 3 + 4 + 4;
    }

    /** Recomputes the CRC of the single section so that a payload change reaches the part's decoder. */
    static void reseal(byte[] image) {
        UnsafeBuffer u = new UnsafeBuffer(image);
        int header = u.getShort(8, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int payload = u.getInt(header + 1 + 3 + 4, ByteOrder.BIG_ENDIAN);
        int end = header + 1 + 3 + 4 + 4 + payload;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(image, header, end - header);
        u.putInt(end, (int) crc.getValue(), ByteOrder.BIG_ENDIAN);
    }
}
