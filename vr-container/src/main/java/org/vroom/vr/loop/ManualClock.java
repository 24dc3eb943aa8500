package org.vroom.vr.loop;

import org.agrona.concurrent.NanoClock;

/**
 * A clock that moves only when told: the deterministic mode of VR loops. Usually driven by a
 * {@link DeterministicScheduler}, which advances it from deadline to deadline.
 */
public final class ManualClock implements NanoClock {
    private long now;

    public ManualClock() {
        this(0);
    }

    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves the clock forward by {@code nanos} (≥ 0). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time does not run backwards: " + nanos);
        }
        now += nanos;
    }

    /** Sets the clock to {@code nanos}, which must not be earlier than now. */
    public void set(long nanos) {
        if (nanos - now < 0) {
            throw new IllegalArgumentException("time does not run backwards: " + nanos + " < " + now);
        }
        now = nanos;
    }
}
