package org.vroom.packetio;

import org.agrona.concurrent.IdleStrategy;

/**
 * Agrona idle strategy for a forwarding worker: after a duty cycle with no work it spins a little,
 * then yields a little, then sleeps in {@link PollSet#await(long)} until a port has frames, someone
 * calls {@link PollSet#wakeup()}, or the timeout passes. Spins and yields are few by default because
 * these boxes have two cores and a spinning worker starves the control plane.
 */
public final class PortIdleStrategy implements IdleStrategy {
    private final PollSet pollSet;
    private final int maxSpins;
    private final int maxYields;
    private final long pollTimeoutMillis;
    private int spins;
    private int yields;

    /** 10 spins, 2 yields, then poll(2) for at most 10 ms. */
    public PortIdleStrategy(PollSet pollSet) {
        this(pollSet, 10, 2, 10);
    }

    public PortIdleStrategy(PollSet pollSet, int maxSpins, int maxYields, long pollTimeoutMillis) {
        if (maxSpins < 0 || maxYields < 0 || pollTimeoutMillis < 0) {
            throw new IllegalArgumentException("spins, yields and timeout must not be negative");
        }
        this.pollSet = pollSet;
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.pollTimeoutMillis = pollTimeoutMillis;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            pollSet.await(pollTimeoutMillis);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
    }

    @Override
    public String alias() {
        return "port-poll";
    }
}
