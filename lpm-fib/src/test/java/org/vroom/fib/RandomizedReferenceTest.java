package org.vroom.fib;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random adds, replaces, deletes (of present and absent routes) and lookups against {@link ReferenceTrie}.
 * Prefixes are drawn from a few clusters so that they nest and overlap across the /24 boundary. The seed
 * is printed on failure; rerun with {@code -Dvroom.fib.seed=N}.
 */
class RandomizedReferenceTest {
    private static final int OPERATIONS = 1_200_000;

    @Test
    void matchesReferenceTrie() {
        long seed = Long.getLong("vroom.fib.seed", System.nanoTime());
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            fail("failed with seed " + seed + " (rerun with -Dvroom.fib.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static void run(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] clusters = new int[6];
        for (int i = 0; i < clusters.length; i++) {
            clusters[i] = rnd.nextInt();
        }
        Ipv4Fib fib = Ipv4Fib.dir24_8(1 << 16, 1 << 15);
        ReferenceTrie ref = new ReferenceTrie();
        List<long[]> present = new ArrayList<>();
        int[] batchIn = new int[64];
        int[] batchOut = new int[64];
        try {
            for (int op = 0; op < OPERATIONS; op++) {
                int kind = rnd.nextInt(100);
                if (kind < 30) {
                    int len = randomLength(rnd);
                    int prefix = randomAddress(rnd, clusters) & Dir24_8Fib.mask(len);
                    int nh = rnd.nextInt(1 << 16);
                    fib.add(prefix, len, nh);
                    if (ref.get(prefix, len) == Ipv4Fib.NO_ROUTE) {
                        present.add(new long[] {prefix, len});
                    }
                    ref.add(prefix, len, nh);
                } else if (kind < 45 && !present.isEmpty()) {
                    int i = rnd.nextInt(present.size());
                    long[] r = present.get(i);
                    present.set(i, present.get(present.size() - 1));
                    present.remove(present.size() - 1);
                    assertEquals(true, fib.delete((int) r[0], (int) r[1]), "delete present " + r[0] + "/" + r[1]);
                    ref.delete((int) r[0], (int) r[1]);
                } else if (kind < 50) {
                    int len = randomLength(rnd);
                    int prefix = randomAddress(rnd, clusters);
                    boolean expected = ref.delete(prefix & Dir24_8Fib.mask(len), len);
                    assertEquals(expected, fib.delete(prefix, len), "delete maybe-absent");
                    if (expected) {
                        present.removeIf(r -> r[0] == (prefix & Dir24_8Fib.mask(len)) && r[1] == len);
                    }
                } else if (kind < 95) {
                    int a = randomAddress(rnd, clusters);
                    assertEquals(ref.lookup(a), fib.lookup(a), () -> "lookup " + Dir24_8Fib.format(a, 32));
                } else {
                    int n = 1 + rnd.nextInt(64);
                    for (int i = 0; i < n; i++) {
                        batchIn[i] = randomAddress(rnd, clusters);
                    }
                    fib.lookupBatch(batchIn, batchOut, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(ref.lookup(batchIn[i]), batchOut[i], "batch lookup " + i);
                    }
                }
                if (op % 100_000 == 0) {
                    assertEquals(ref.size(), fib.size(), "size");
                }
            }
            assertEquals(ref.size(), fib.size(), "size");
            // delete everything that is left: the table must end empty, with every tbl8 group collapsed
            for (long[] r : present) {
                assertEquals(true, fib.delete((int) r[0], (int) r[1]));
                ref.delete((int) r[0], (int) r[1]);
            }
            for (int i = 0; i < 10_000; i++) {
                int a = randomAddress(rnd, clusters);
                assertEquals(ref.lookup(a), fib.lookup(a));
            }
            assertEquals(ref.size(), fib.size());
            assertEquals(0, ((Dir24_8Fib) fib).groupsInUse(), "tbl8 groups left in use on an empty table");
        } finally {
            fib.close();
        }
    }

    /** Lengths in the mix of a real table, plus the edges: /0, /1, /8, /24, /25, /32. */
    private static int randomLength(SplittableRandom rnd) {
        int r = rnd.nextInt(1000);
        if (r == 0) {
            return rnd.nextInt(2); // /0 or /1: rare, they paint half the table
        }
        if (r < 4) {
            return 2 + rnd.nextInt(6); // /2../7
        }
        if (r < 30) {
            return 8 + rnd.nextInt(6); // /8../13
        }
        if (r < 400) {
            return 14 + rnd.nextInt(10); // /14../23
        }
        if (r < 700) {
            return 24;
        }
        return 25 + rnd.nextInt(8); // /25../32
    }

    private static int randomAddress(SplittableRandom rnd, int[] clusters) {
        if (rnd.nextInt(20) == 0) {
            return rnd.nextInt();
        }
        int c = clusters[rnd.nextInt(clusters.length)];
        return (c & 0xFFF0_0000) | (rnd.nextInt() & 0x000F_FFFF & (rnd.nextBoolean() ? 0x0000_0FFF : -1)) ;
    }
}
