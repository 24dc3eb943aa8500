package org.vroom.vr.rib;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full Internet table in one RIB: about a million prefixes (mostly /24, like today's table), each with
 * an eBGP and an iBGP candidate and a third for 30 % of them, over 16 next-hop sets. Prints memory per
 * prefix (the RIB's own accounting and the heap as measured by the JVM) and insert/lookup rates; asserts
 * only on memory, never on time.
 *
 * <p>Figures: see {@code target/surefire-reports/org.vroom.vr.rib.RibFullTableTest-output.txt}.
 */
class RibFullTableTest {
    static final int PREFIXES = 1_000_000;

    static int length(int i) {
        int r = i % 100;
        return r < 60 ? 24 : r < 70 ? 23 : r < 80 ? 22 : r < 88 ? 20 : r < 95 ? 19 : 16;
    }

    static int prefix(int i) {
        int scrambled = (int) ((i * 2654435761L) & 0xFF_FFFF); // a bijection on 24 bits
        return (scrambled << 8) & Rib.mask(length(i));
    }

    @Test
    void holdsAFullTableCompactly() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        NextHopSet[] peers = new NextHopSet[16];
        for (int p = 0; p < peers.length; p++) {
            peers[p] = p < 12 ? NextHopSet.via(0xC6336400 + p + 1, p % 4)
                    : NextHopSet.of(NextHop.forward(0xC6336400 + p + 1, 0), NextHop.forward(0xC6336480 + p, 1));
        }
        long before = usedHeap(memory);
        long t0 = System.nanoTime();
        Rib rib = new Rib(8, PREFIXES);
        long[] changes = new long[1];
        rib.addListener(c -> changes[0]++);
        int candidates = 0;
        for (int i = 0; i < PREFIXES; i++) {
            int prefix = prefix(i);
            int length = length(i);
            rib.add(RouteSource.EBGP, 0, prefix, length, 0, peers[i & 7]);
            rib.add(RouteSource.IBGP, 0, prefix, length, 0, peers[8 + (i & 7)]);
            candidates += 2;
            if (i % 10 < 3) {
                rib.add(RouteSource.EBGP, 1, prefix, length, 0, peers[(i + 3) & 7]);
                candidates++;
            }
        }
        long t1 = System.nanoTime();
        long after = usedHeap(memory);
        int prefixes = rib.size();
        assertTrue(prefixes > 900_000, "prefixes " + prefixes);

        int[] addresses = new int[1 << 20];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = prefix(i * 7 % PREFIXES) | (i & 0xFF);
        }
        long hits = 0;
        long t2 = System.nanoTime();
        for (int a : addresses) {
            if (rib.lookup(a) != Rib.NONE) {
                hits++;
            }
        }
        long t3 = System.nanoTime();
        long found = 0;
        for (int i = 0; i < PREFIXES; i++) {
            if (rib.find(prefix(i), length(i)) != Rib.NONE) {
                found++;
            }
        }
        long t4 = System.nanoTime();
        assertEquals(addresses.length, hits, "every address lies in an installed prefix");
        assertEquals(PREFIXES, found);

        double footprint = (double) rib.footprintBytes() / prefixes;
        double measured = (double) (after - before) / prefixes;
        System.out.printf("RIB full table: %d prefixes, %d candidates (%.2f per prefix), %d next-hop sets, %d best changes%n",
                prefixes, rib.candidateCount(), (double) rib.candidateCount() / prefixes, rib.nextHopSetCount(), changes[0]);
        System.out.printf("  memory: %.1f bytes/prefix by the RIB's accounting, %.1f bytes/prefix measured on the heap"
                + " (%.1f MB)%n", footprint, measured, (after - before) / 1e6);
        System.out.printf("  insert: %.0f ns/candidate (%.2f M candidates/s) incl. selection and notification%n",
                (double) (t1 - t0) / candidates, candidates * 1e3 / (t1 - t0));
        System.out.printf("  longest-prefix lookup: %.0f ns; exact find: %.0f ns%n",
                (double) (t3 - t2) / addresses.length, (double) (t4 - t3) / PREFIXES);
        assertTrue(footprint < 140, "RIB accounting " + footprint + " bytes per prefix");
        assertTrue(measured < 200, "heap growth " + measured + " bytes per prefix");

        // withdraw everything from one source: the best falls back everywhere
        int all = rib.candidateCount();
        int removed = rib.removeAll(RouteSource.EBGP);
        assertEquals(all - prefixes, removed, "every prefix keeps exactly its iBGP candidate");
        assertEquals(prefixes, rib.size());
        assertEquals(RouteSource.IBGP, rib.bestSource(rib.lookup(addresses[12345])));
    }

    private static long usedHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
