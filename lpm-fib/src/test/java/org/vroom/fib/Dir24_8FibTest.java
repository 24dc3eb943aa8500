package org.vroom.fib;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Dir24_8FibTest {
    private final Ipv4Fib fib = Ipv4Fib.dir24_8(1 << 20, 64);

    @AfterEach
    void close() {
        fib.close();
    }

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    @Test
    void emptyTableMisses() {
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("10.1.2.3")));
        assertEquals(0, fib.size());
    }

    @Test
    void defaultRouteIsKeptOutsideTbl24() {
        long before = fib.residentBytes();
        fib.add(ip("1.2.3.4"), 0, 7); // host bits of /0 are ignored
        assertEquals(before, fib.residentBytes());
        assertEquals(7, fib.lookup(ip("0.0.0.0")));
        assertEquals(7, fib.lookup(ip("255.255.255.255")));
        fib.add(ip("10.0.0.0"), 8, 3);
        assertEquals(3, fib.lookup(ip("10.9.9.9")));
        assertEquals(7, fib.lookup(ip("11.0.0.0")));
        assertTrue(fib.delete(0, 0));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("11.0.0.0")));
        assertFalse(fib.delete(0, 0));
    }

    @Test
    void slashOneCoversHalfTheSpace() {
        fib.add(ip("128.0.0.0"), 1, 1);
        assertEquals(1, fib.lookup(ip("128.0.0.0")));
        assertEquals(1, fib.lookup(ip("255.255.255.255")));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("127.255.255.255")));
        assertTrue(fib.delete(ip("128.0.0.0"), 1));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("200.0.0.0")));
    }

    @Test
    void longestPrefixWinsAcrossTheTbl24Tbl8Boundary() {
        fib.add(ip("10.0.0.0"), 8, 8);
        fib.add(ip("10.1.0.0"), 16, 16);
        fib.add(ip("10.1.2.0"), 24, 24);
        fib.add(ip("10.1.2.128"), 25, 25);
        fib.add(ip("10.1.2.200"), 32, 32);
        assertEquals(8, fib.lookup(ip("10.2.0.1")));
        assertEquals(16, fib.lookup(ip("10.1.3.1")));
        assertEquals(24, fib.lookup(ip("10.1.2.127")));
        assertEquals(25, fib.lookup(ip("10.1.2.128")));
        assertEquals(25, fib.lookup(ip("10.1.2.199")));
        assertEquals(32, fib.lookup(ip("10.1.2.200")));
        assertEquals(25, fib.lookup(ip("10.1.2.201")));
        // Shorter prefixes added later do not override longer ones.
        fib.add(ip("10.1.0.0"), 20, 20);
        assertEquals(24, fib.lookup(ip("10.1.2.1")));
        assertEquals(32, fib.lookup(ip("10.1.2.200")));
        assertEquals(20, fib.lookup(ip("10.1.3.1")));
    }

    @Test
    void deleteRestoresTheCoveringPrefix() {
        fib.add(ip("10.0.0.0"), 8, 8);
        fib.add(ip("10.1.2.0"), 24, 24);
        fib.add(ip("10.1.2.0"), 25, 25);
        fib.add(ip("10.1.2.64"), 26, 26);
        assertTrue(fib.delete(ip("10.1.2.0"), 25));
        assertEquals(24, fib.lookup(ip("10.1.2.1")));
        assertEquals(26, fib.lookup(ip("10.1.2.65")));
        assertTrue(fib.delete(ip("10.1.2.0"), 24));
        assertEquals(8, fib.lookup(ip("10.1.2.1")));
        assertEquals(26, fib.lookup(ip("10.1.2.65")));
        assertTrue(fib.delete(ip("10.1.2.64"), 26));
        assertEquals(8, fib.lookup(ip("10.1.2.65")));
        assertEquals(0, ((Dir24_8Fib) fib).groupsInUse(), "tbl8 group collapses when its last long route goes");
        assertTrue(fib.delete(ip("10.0.0.0"), 8));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("10.1.2.65")));
        assertEquals(0, fib.size());
    }

    @Test
    void deleteOfMissingRouteChangesNothing() {
        fib.add(ip("10.1.0.0"), 16, 1);
        assertFalse(fib.delete(ip("10.1.0.0"), 17));
        assertFalse(fib.delete(ip("10.2.0.0"), 16));
        assertFalse(fib.delete(ip("10.1.0.0"), 32));
        assertEquals(1, fib.lookup(ip("10.1.0.0")));
        assertEquals(1, fib.size());
    }

    @Test
    void replaceChangesNextHopInPlace() {
        fib.add(ip("192.168.1.0"), 24, 1);
        fib.add(ip("192.168.1.7"), 32, 2);
        fib.add(ip("192.168.1.0"), 24, 3);
        fib.add(ip("192.168.1.7"), 32, 4);
        assertEquals(2, fib.size());
        assertEquals(3, fib.lookup(ip("192.168.1.1")));
        assertEquals(4, fib.lookup(ip("192.168.1.7")));
        assertEquals(4, fib.get(ip("192.168.1.7"), 32));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.get(ip("192.168.1.7"), 31));
    }

    @Test
    void hostBitsBeyondTheLengthAreIgnored() {
        fib.add(ip("172.16.5.5"), 12, 9);
        assertEquals(9, fib.get(ip("172.16.0.0"), 12));
        assertEquals(9, fib.lookup(ip("172.31.255.255")));
        assertTrue(fib.delete(ip("172.17.0.0"), 12));
    }

    @Test
    void slash32AndSlash25() {
        fib.add(ip("1.2.3.4"), 32, 1);
        fib.add(ip("1.2.3.0"), 25, 2);
        assertEquals(1, fib.lookup(ip("1.2.3.4")));
        assertEquals(2, fib.lookup(ip("1.2.3.5")));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("1.2.3.128")));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("1.2.4.4")));
    }

    @Test
    void nextHopLimits() {
        Ipv4Fib small = Ipv4Fib.dir24_8(16, 4);
        try {
            small.add(ip("10.0.0.0"), 8, 15);
            assertEquals(15, small.lookup(ip("10.0.0.1")));
            assertThrows(IllegalArgumentException.class, () -> small.add(ip("10.0.0.0"), 8, 16));
            assertThrows(IllegalArgumentException.class, () -> small.add(ip("10.0.0.0"), 8, -1));
            assertThrows(IllegalArgumentException.class, () -> small.add(ip("10.0.0.0"), 33, 1));
            assertThrows(IllegalArgumentException.class, () -> small.add(ip("10.0.0.0"), -1, 1));
            assertEquals(15, small.lookup(ip("10.0.0.1")));
        } finally {
            small.close();
        }
        Ipv4Fib max = Ipv4Fib.dir24_8(1 << 24, 4);
        try {
            max.add(ip("10.0.0.0"), 8, (1 << 24) - 1);
            max.add(ip("10.0.0.0"), 30, (1 << 24) - 2);
            assertEquals((1 << 24) - 1, max.lookup(ip("10.0.0.4")));
            assertEquals((1 << 24) - 2, max.lookup(ip("10.0.0.3")));
        } finally {
            max.close();
        }
        assertThrows(IllegalArgumentException.class, () -> Ipv4Fib.dir24_8((1 << 24) + 1, 4));
    }

    @Test
    void tbl8ExhaustionIsAClearErrorAndLeavesTheTableIntact() {
        Ipv4Fib small = Ipv4Fib.dir24_8(256, 2);
        try {
            small.add(ip("10.0.0.0"), 8, 1);
            small.add(ip("10.0.1.0"), 25, 2);
            small.add(ip("10.0.2.0"), 25, 3);
            small.add(ip("10.0.2.128"), 26, 4); // same /24: no new group needed
            FibFullException e = assertThrows(FibFullException.class, () -> small.add(ip("10.0.3.0"), 32, 5));
            assertTrue(e.getMessage().contains("tbl8"), e.getMessage());
            assertEquals(4, small.size());
            assertEquals(1, small.lookup(ip("10.0.3.0")));
            assertEquals(Ipv4Fib.NO_ROUTE, small.get(ip("10.0.3.0"), 32));
            assertEquals(2, small.lookup(ip("10.0.1.1")));
            assertEquals(4, small.lookup(ip("10.0.2.130")));
            // freeing a group (no readers registered: reusable at once) makes room again
            assertTrue(small.delete(ip("10.0.1.0"), 25));
            small.add(ip("10.0.3.0"), 32, 5);
            assertEquals(5, small.lookup(ip("10.0.3.0")));
        } finally {
            small.close();
        }
    }

    @Test
    void lookupBatchMatchesSingleLookups() {
        fib.add(ip("10.0.0.0"), 8, 1);
        fib.add(ip("10.1.1.0"), 24, 2);
        fib.add(ip("10.1.1.64"), 27, 3);
        fib.add(0, 0, 4);
        int[] a = {ip("10.1.1.65"), ip("10.1.1.1"), ip("10.200.0.1"), ip("11.0.0.0"), ip("10.1.1.95"), ip("10.1.1.96")};
        int[] out = new int[8];
        fib.lookupBatch(a, out, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(fib.lookup(a[i]), out[i], "address " + i);
        }
        assertEquals(3, out[0]);
        assertEquals(4, out[3]);
        assertThrows(IndexOutOfBoundsException.class, () -> fib.lookupBatch(a, out, 7));
    }

    @Test
    void bulkLoadReplacesTheWholeTable() {
        fib.add(ip("10.0.0.0"), 8, 1);
        fib.add(ip("10.1.1.128"), 25, 2);
        fib.add(0, 0, 3);
        int[] p = {ip("10.1.1.0"), ip("10.0.0.0"), ip("10.1.1.128"), ip("20.0.0.0")};
        byte[] l = {24, 8, 25, 16};
        int[] nh = {5, 6, 7, 8};
        fib.load(p, l, nh, 4);
        assertEquals(4, fib.size());
        assertEquals(Ipv4Fib.NO_ROUTE, fib.get(0, 0));
        assertEquals(5, fib.lookup(ip("10.1.1.1")));
        assertEquals(6, fib.lookup(ip("10.2.0.0")));
        assertEquals(7, fib.lookup(ip("10.1.1.200")));
        assertEquals(8, fib.lookup(ip("20.0.255.1")));
        assertEquals(Ipv4Fib.NO_ROUTE, fib.lookup(ip("30.0.0.0")));
    }

    @Test
    void closedFibAnswersNoRouteAndRefusesWrites() {
        Ipv4Fib f = Ipv4Fib.dir24_8(16, 4);
        f.add(ip("10.0.0.0"), 8, 1);
        f.add(ip("10.0.0.0"), 28, 2);
        f.close();
        assertEquals(Ipv4Fib.NO_ROUTE, f.lookup(ip("10.0.0.1")));
        assertThrows(IllegalStateException.class, () -> f.add(ip("10.0.0.0"), 8, 1));
        f.close(); // idempotent
    }

    @Test
    void smallFibStaysSmall() {
        fib.add(ip("10.0.0.0"), 24, 1);
        fib.add(ip("172.16.0.0"), 24, 2);
        fib.add(ip("192.168.0.0"), 24, 3);
        assertTrue(fib.residentBytes() < 256 * 1024, "resident " + fib.residentBytes());
    }
}
