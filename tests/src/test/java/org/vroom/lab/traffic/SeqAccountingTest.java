package org.vroom.lab.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeqAccountingTest {

    private static SeqAccounting feed(long expected, long... seqs) {
        SeqAccounting a = new SeqAccounting(expected);
        long t = 1_000;
        for (long s : seqs) {
            a.onPacket(s, t, 10);
            t += 1_000;
        }
        return a;
    }

    @Test
    void inOrderRunIsComplete() {
        SeqAccounting a = feed(5, 0, 1, 2, 3, 4);
        assertTrue(a.complete());
        assertTrue(a.lastSeen());
        assertEquals(5, a.received());
        assertEquals(0, a.lost());
        assertEquals(0, a.duplicates());
        assertEquals(0, a.reordered());
        assertEquals(0, a.maxLossBurst());
        assertEquals(0, a.lossBursts());
        assertEquals(4, a.highest());
    }

    @Test
    void lossIsCountedWithBursts() {
        SeqAccounting a = feed(10, 0, 3, 4, 5, 9);
        assertEquals(5, a.lost());
        assertEquals(3, a.maxLossBurst(), "6,7,8");
        assertEquals(2, a.lossBursts(), "1-2 and 6-8");
        assertTrue(a.lastSeen());
        assertFalse(a.complete());
    }

    @Test
    void lossAtTheEndLeavesLastUnseen() {
        SeqAccounting a = feed(4, 0, 1);
        assertFalse(a.lastSeen());
        assertEquals(2, a.lost());
        assertEquals(2, a.maxLossBurst());
    }

    @Test
    void duplicatesAreNotUniqueAndNotReordered() {
        SeqAccounting a = feed(3, 0, 1, 1, 0, 2, 2);
        assertEquals(6, a.received());
        assertEquals(3, a.unique());
        assertEquals(3, a.duplicates());
        assertEquals(0, a.reordered());
        assertTrue(a.complete());
    }

    @Test
    void reorderedCountsLateFirstArrivalsAndTheirDistance() {
        // 0 2 1 5 3 4 6: 1 arrives after 2 (distance 1); 3 and 4 after 5 (distances 2, 1)
        SeqAccounting a = feed(7, 0, 2, 1, 5, 3, 4, 6);
        assertEquals(3, a.reordered());
        assertEquals(2, a.maxReorderDistance());
        assertEquals(0, a.lost());
    }

    @Test
    void outOfRangeSequenceNumbersAreSeparate() {
        SeqAccounting a = feed(2, 0, 7, -1, 1);
        assertEquals(4, a.received());
        assertEquals(2, a.outOfRange());
        assertEquals(2, a.unique());
        assertTrue(a.complete());
    }

    @Test
    void wordBoundariesOfTheBitmap() {
        SeqAccounting a = new SeqAccounting(130);
        for (long s : new long[] {63, 64, 127, 128, 129, 0}) {
            a.onPacket(s, 0, 0);
        }
        assertTrue(a.has(63) && a.has(64) && a.has(127) && a.has(128) && a.has(129) && a.has(0));
        assertFalse(a.has(1) || a.has(62) || a.has(65) || a.has(126));
        assertEquals(124, a.lost());
        assertEquals(62, a.maxLossBurst(), "1..62 and 65..126");
        assertEquals(2, a.lossBursts());
        assertEquals(1, a.reordered());
    }

    @Test
    void gapsAndLatency() {
        SeqAccounting a = new SeqAccounting(4);
        a.onPacket(0, 100, 5);
        a.onPacket(1, 200, 7);
        a.onPacket(2, 900, 3);
        a.onPacket(3, 950, SeqAccounting.NO_LATENCY);
        assertEquals(700, a.maxGapNanos());
        assertEquals(100, a.firstArrivalNanos());
        assertEquals(950, a.lastArrivalNanos());
        assertEquals(3, a.latencyMinNanos());
        assertEquals(7, a.latencyMaxNanos());
        assertEquals(5, a.latencyAvgNanos());
    }

    @Test
    void nonsenseSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SeqAccounting(0));
        assertThrows(IllegalArgumentException.class, () -> new SeqAccounting(SeqAccounting.MAX_EXPECTED + 1));
    }
}
