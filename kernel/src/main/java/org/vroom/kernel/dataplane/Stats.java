package org.vroom.kernel.dataplane;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A fixed set of counters (one per enum constant) backed by shared-memory {@link AtomicCounter}s, and
 * a thread-local tally in front of them: the per-packet code bumps {@code long} slots of the tally,
 * and {@link #flush} adds them to the shared counters once per batch (one atomic add per counter that
 * changed, never one per packet).
 */
public final class Stats {
    private final AtomicCounter[] counters;

    public Stats(AtomicCounter[] counters) {
        this.counters = counters;
    }

    public int size() {
        return counters.length;
    }

    public long get(int i) {
        return counters[i].get();
    }

    public void add(int i, long delta) {
        counters[i].getAndAdd(delta);
    }

    public AtomicCounter counter(int i) {
        return counters[i];
    }

    /** Adds the non-zero slots of {@code tally} to the counters and zeroes them. */
    public void flush(long[] tally) {
        for (int i = 0; i < tally.length; i++) {
            long d = tally[i];
            if (d != 0) {
                counters[i].getAndAdd(d);
                tally[i] = 0;
            }
        }
    }

    public void close() {
        for (AtomicCounter c : counters) {
            c.close();
        }
    }
}
