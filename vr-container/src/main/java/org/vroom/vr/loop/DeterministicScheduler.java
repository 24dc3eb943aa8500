package org.vroom.vr.loop;

import java.util.ArrayList;
import java.util.List;

/**
 * Drives any number of {@link VrLoop}s on the calling thread over one {@link ManualClock}: the
 * deterministic mode in which protocol tests (two OSPF routers over an in-memory link, a BGP session)
 * replay exactly. Time moves only through {@link #advance}, which jumps from timer deadline to timer
 * deadline and lets every loop go idle at each instant, so timers fire in deadline order across loops
 * and see the clock at exactly their deadline.
 */
public final class DeterministicScheduler {
    private static final int MAX_ROUNDS = 1_000_000;

    private final ManualClock clock;
    private final List<VrLoop> loops = new ArrayList<>();

    public DeterministicScheduler(ManualClock clock) {
        this.clock = clock;
    }

    public ManualClock clock() {
        return clock;
    }

    public long now() {
        return clock.nanoTime();
    }

    public void add(VrLoop loop) {
        if (loop.clock() != clock) {
            throw new IllegalArgumentException("loop " + loop.name() + " does not use this scheduler's clock");
        }
        loops.add(loop);
    }

    public boolean remove(VrLoop loop) {
        return loops.remove(loop);
    }

    /**
     * Runs turns of every loop, round-robin, until a whole round does nothing; the clock does not move.
     * Returns the work done. Throws if the loops never go idle (a livelock in the code under test).
     */
    public int runUntilIdle() {
        int total = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int work = 0;
            for (int i = 0; i < loops.size(); i++) {
                VrLoop loop = loops.get(i);
                if (!loop.isClosed()) {
                    work += loop.doWork();
                }
            }
            if (work == 0) {
                return total;
            }
            total += work;
        }
        throw new IllegalStateException("loops did not become idle in " + MAX_ROUNDS + " rounds");
    }

    /** Moves time forward by {@code nanos}, firing every timer that falls due on the way, in order. */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time does not run backwards: " + nanos);
        }
        advanceTo(clock.nanoTime() + nanos);
    }

    /** Moves time to {@code target} (not earlier than now), firing due timers on the way. */
    public void advanceTo(long target) {
        runUntilIdle();
        while (true) {
            long next = 0;
            boolean any = false;
            for (VrLoop loop : loops) {
                if (!loop.isClosed() && loop.hasRunnableTimer()) {
                    long d = loop.nextDeadline();
                    if (!any || d - next < 0) {
                        next = d;
                        any = true;
                    }
                }
            }
            if (!any || next - target > 0) {
                break;
            }
            if (next - clock.nanoTime() > 0) {
                clock.set(next);
            }
            runUntilIdle();
        }
        clock.set(target);
        runUntilIdle();
    }
}
