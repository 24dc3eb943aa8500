package org.vroom.fib;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readers check an invariant while a writer churns tbl8 groups.
 *
 * <p>Block k is the /24 {@code 10.0.k.0}: it always routes to next hop {@code 2k}, and its upper half
 * {@code 10.0.k.128/25} is added (next hop {@code 2k+1}) and deleted over and over, so its tbl8 group is
 * created, collapsed and freed again and again. A lookup in block k may only ever answer {@code 2k}
 * or {@code 2k+1}; anything else means the reader read a tbl8 group that had been recycled for
 * another block. Readers use batched lookups (all tbl24 loads first, then the tbl8 loads), which widens
 * the window in which a group can be recycled under them.
 *
 * <p>{@link #failsWithoutGracePeriod()} runs the same workload with reclamation disabled and must see
 * violations: that proves this test can fail.
 */
class QsbrStressTest {
    private static final int BLOCKS = 256;
    private static final int READERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    @Test
    void readersNeverSeeARecycledGroup() throws Exception {
        Result r = run(false, 3_000, Long.MAX_VALUE);
        assertEquals(0, r.violations, "violations (first: " + r.firstViolation + ") in " + r.lookups + " lookups");
        assertTrue(r.lookups > 100_000, "readers ran: " + r.lookups);
        assertTrue(r.churns > 1_000, "writer churned groups: " + r.churns);
    }

    @Test
    void failsWithoutGracePeriod() throws Exception {
        Result r = run(true, 20_000, 1);
        assertTrue(r.violations > 0, "reusing tbl8 groups without a grace period must be caught; lookups "
                + r.lookups + ", churns " + r.churns);
    }

    private record Result(long lookups, long violations, long churns, String firstViolation) {
    }

    private static Result run(boolean unsafeReuse, long millis, long stopAfterViolations) throws Exception {
        QuiescentStateDomain domain = new QuiescentStateDomain();
        Dir24_8Fib fib = new Dir24_8Fib(1 << 16, BLOCKS + 8, domain, unsafeReuse);
        int base = 10 << 24;
        for (int k = 0; k < BLOCKS; k++) {
            fib.add(base | k << 8, 24, 2 * k);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lookups = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        StringBuffer first = new StringBuffer();
        CountDownLatch started = new CountDownLatch(READERS);
        Thread[] readers = new Thread[READERS];
        for (int t = 0; t < READERS; t++) {
            final long seed = t;
            readers[t] = new Thread(() -> {
                QuiescentStateDomain.Reader reader = domain.register();
                started.countDown();
                SplittableRandom rnd = new SplittableRandom(seed);
                int[] in = new int[64];
                int[] out = new int[64];
                long n = 0;
                try {
                    while (!stop.get()) {
                        for (int i = 0; i < in.length; i++) {
                            in[i] = base | rnd.nextInt(BLOCKS) << 8 | 128 | rnd.nextInt(128);
                        }
                        fib.lookupBatch(in, out, in.length);
                        for (int i = 0; i < in.length; i++) {
                            int k = (in[i] >>> 8) & 0xFF;
                            if (out[i] != 2 * k && out[i] != 2 * k + 1) {
                                if (violations.incrementAndGet() == 1) {
                                    first.append("block ").append(k).append(" answered ").append(out[i]);
                                }
                            }
                        }
                        n += in.length;
                        reader.quiescent();
                        if (violations.get() >= stopAfterViolations) {
                            break;
                        }
                    }
                } finally {
                    lookups.addAndGet(n);
                    reader.close();
                }
            }, "fib-reader-" + t);
            readers[t].start();
        }
        started.await();
        long churns = 0;
        long deadline = System.nanoTime() + millis * 1_000_000;
        SplittableRandom rnd = new SplittableRandom(42);
        boolean[] longPresent = new boolean[BLOCKS];
        while (System.nanoTime() < deadline && violations.get() < stopAfterViolations) {
            int k = rnd.nextInt(BLOCKS);
            int upper = base | k << 8 | 128;
            if (longPresent[k]) {
                fib.delete(upper, 25);
            } else {
                fib.add(upper, 25, 2 * k + 1);
            }
            longPresent[k] = !longPresent[k];
            churns++;
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        fib.close();
        return new Result(lookups.get(), violations.get(), churns, first.toString());
    }
}
