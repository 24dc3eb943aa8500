package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.TcpOptions;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small parts on their own: sequence arithmetic, SipHash, the rings, the connection table, options. */
class PartsTest {
    @Test
    void sequenceComparisonsWrapAround() {
        assertTrue(Seq.lt(0xFFFF_FFF0, 0x10));
        assertTrue(Seq.gt(0x10, 0xFFFF_FFF0));
        assertTrue(Seq.le(5, 5) && Seq.ge(5, 5));
        assertEquals(0x10, Seq.max(0xFFFF_FFF0, 0x10));
        assertTrue(Seq.inWindow(0x5, 0xFFFF_FFFE, 10));
        assertFalse(Seq.inWindow(0x8, 0xFFFF_FFFE, 10));
        assertFalse(Seq.inWindow(0xFFFF_FFFD, 0xFFFF_FFFE, 10));
        assertFalse(Seq.inWindow(7, 7, 0));
    }

    /** The reference vector of SipHash-2-4 (key 00..0f, message 00..0f). */
    @Test
    void sipHashMatchesTheReferenceVector() {
        IsnGenerator g = new IsnGenerator(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        assertEquals(0x3f2acc7f57c29bdbL, g.sipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    @Test
    void isnsDifferPerConnectionAndAdvanceWithTheClock() {
        IsnGenerator g = new IsnGenerator(42, 43);
        int a = g.isn(1, 1000, 2, 179, 0);
        int b = g.isn(1, 1001, 2, 179, 0);
        assertFalse(a == b);
        assertEquals(a + 250_000, g.isn(1, 1000, 2, 179, 1_000_000_000L), "M ticks every 4 microseconds");
    }

    @Test
    void theSendRingWrapsAndCopiesOutAtAnyOffset() {
        SendRing r = new SendRing(new UnsafeBuffer(ByteBuffer.allocateDirect(10)));
        byte[] data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        assertEquals(10, r.append(new UnsafeBuffer(data), 0, 12));
        r.drop(7);
        assertEquals(3, r.size());
        assertEquals(6, r.append(new UnsafeBuffer(data), 0, 6));
        byte[] out = new byte[9];
        r.copyOut(0, new UnsafeBuffer(out), 0, 9);
        assertEquals("[7, 8, 9, 0, 1, 2, 3, 4, 5]", java.util.Arrays.toString(out));
        r.copyOut(4, new UnsafeBuffer(out), 0, 2);
        assertEquals(1, out[0]);
        assertEquals(2, out[1]);
    }

    /** Random out-of-order writes into the ring against a simple model of the byte stream. */
    @Test
    void theReceiveRingReassemblesRandomOutOfOrderSegments() {
        SplittableRandom random = new SplittableRandom(3);
        for (int run = 0; run < 200; run++) {
            int capacity = 64 + random.nextInt(2000);
            ReceiveRing r = new ReceiveRing(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)));
            int rcvNxt = random.nextInt(); // any starting sequence number, wraps included
            long consumed = 0;
            long base = Integer.toUnsignedLong(rcvNxt);
            for (int step = 0; step < 300; step++) {
                int window = r.free();
                if (window > 0 && random.nextInt(4) > 0) {
                    int offset = random.nextInt(window);
                    int length = 1 + random.nextInt(Math.min(200, window - offset));
                    long stream = (Integer.toUnsignedLong(rcvNxt) - base) & 0xFFFF_FFFFL;
                    byte[] seg = Pattern.bytes(run, stream + offset, length);
                    if (offset == 0) {
                        r.write(0, new UnsafeBuffer(seg), 0, length);
                        r.commit(length);
                        rcvNxt = r.pullInOrder(rcvNxt + length);
                    } else if (r.addInterval(rcvNxt + offset, rcvNxt + offset + length)) {
                        r.write(offset, new UnsafeBuffer(seg), 0, length);
                    }
                } else if (r.readable() > 0) {
                    int n = 1 + random.nextInt(r.readable());
                    byte[] out = new byte[r.readable()];
                    r.copyReadable(new UnsafeBuffer(out), 0);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Pattern.at(run, consumed + i), out[i], "run " + run + " byte " + (consumed + i));
                    }
                    r.consume(n);
                    consumed += n;
                }
                for (int i = 1; i < r.intervals(); i++) {
                    assertTrue(Seq.lt(r.intervalEnd(i - 1), r.intervalStart(i)), "sorted and not touching");
                }
                if (r.intervals() > 0) {
                    assertTrue(Seq.gt(r.intervalStart(0), rcvNxt), "nothing left at or below RCV.NXT");
                }
            }
        }
    }

    @Test
    void theReceiveRingRefusesAThirtyThirdHole() {
        ReceiveRing r = new ReceiveRing(new UnsafeBuffer(ByteBuffer.allocateDirect(1000)));
        for (int i = 0; i < ReceiveRing.MAX_INTERVALS; i++) {
            assertTrue(r.addInterval(10 + 20 * i, 15 + 20 * i));
        }
        assertFalse(r.addInterval(900, 905));
        assertTrue(r.addInterval(15, 30), "merging needs no new slot");
        assertEquals(ReceiveRing.MAX_INTERVALS - 1, r.intervals());
        assertTrue(r.addInterval(0, 1000), "one interval swallows all");
        assertEquals(1, r.intervals());
    }

    @Test
    void theConnectionTableAgreesWithAHashMapUnderRandomChurn() {
        SplittableRandom random = new SplittableRandom(9);
        ConnectionTable table = new ConnectionTable();
        Map<List<Integer>, Tcb> model = new HashMap<>();
        TreeMap<Long, List<Integer>> keys = new TreeMap<>();
        long id = 0;
        for (int step = 0; step < 20_000; step++) {
            if (model.isEmpty() || random.nextInt(3) > 0) {
                List<Integer> k = List.of(random.nextInt(4), random.nextInt(50), random.nextInt(4), random.nextInt(50));
                if (model.containsKey(k)) {
                    continue;
                }
                Tcb t = tcb(id++, k);
                table.put(t);
                model.put(k, t);
                keys.put(t.id, k);
            } else {
                long victim = new ArrayList<>(keys.keySet()).get(random.nextInt(keys.size()));
                List<Integer> k = keys.remove(victim);
                assertTrue(table.remove(model.remove(k)));
            }
            List<Integer> probe = List.of(random.nextInt(4), random.nextInt(50), random.nextInt(4), random.nextInt(50));
            assertSame(model.get(probe), table.get(probe.get(0), probe.get(1), probe.get(2), probe.get(3)));
            assertEquals(model.size(), table.size());
        }
        for (Map.Entry<List<Integer>, Tcb> e : model.entrySet()) {
            List<Integer> k = e.getKey();
            assertSame(e.getValue(), table.get(k.get(0), k.get(1), k.get(2), k.get(3)));
        }
        assertNull(table.get(9, 9, 9, 9));
    }

    private static Tcb tcb(long id, List<Integer> k) {
        Tcb t = new Tcb(null, id, true);
        t.localAddress = k.get(0);
        t.localPort = k.get(1);
        t.remoteAddress = k.get(2);
        t.remotePort = k.get(3);
        return t;
    }

    @Test
    void optionsCopyTheirKeyAndNeverPrintIt() {
        byte[] key = "s3cret".getBytes();
        TcpOptions o = TcpOptions.DEFAULT.withMd5Key(key);
        key[0] = 'X';
        assertEquals('s', o.md5Key()[0], "the record keeps its own copy");
        o.md5Key()[1] = 'Y';
        assertEquals('3', o.md5Key()[1], "and hands out copies");
        assertFalse(o.toString().contains("s3cret"));
        assertEquals(o, TcpOptions.DEFAULT.withMd5Key("s3cret".getBytes()), "equal by content");
        assertEquals(2, TcpOptions.DEFAULT.withReceiveBufferSize(200_000).effectiveWindowScale());
        assertEquals(0, TcpOptions.DEFAULT.withReceiveBufferSize(65535).effectiveWindowScale());
        assertEquals(-1, TcpOptions.DEFAULT.withWindowScale(TcpOptions.WINDOW_SCALE_OFF).effectiveWindowScale());
        assertEquals(255, TcpOptions.DEFAULT.withGtsm(1).ttl());
        assertEquals(255, TcpOptions.DEFAULT.withGtsm(1).minTtl());
        assertEquals(254, TcpOptions.DEFAULT.withGtsm(2).minTtl());
    }
}
