package org.vroom.vr.loop;

/**
 * A timer on a {@link VrLoop}: a task with a deadline. The loop keeps the deadline (in its clock's
 * nanoseconds), so the remaining time can be recorded by a checkpoint and a timer can be re-armed on
 * another node with {@link VrLoop#schedule} and that remaining time.
 *
 * <p>Threads: loop thread only. Methods on a cancelled or fired handle are harmless; a handle can be
 * re-armed with {@link #reschedule} (cheaper than cancel plus schedule, and keeps its identity: an
 * OSPF inactivity timer is re-armed on every Hello).
 */
public final class TimerHandle {
    final VrLoop loop;
    final Runnable task;
    final Object owner;
    long deadline;
    long sequence;
    /** Position in the loop's heap, or -1 when not scheduled. */
    int heapIndex = -1;

    TimerHandle(VrLoop loop, Object owner, Runnable task) {
        this.loop = loop;
        this.owner = owner;
        this.task = task;
    }

    /** Cancels the timer; returns false if it was not scheduled (already fired or cancelled). */
    public boolean cancel() {
        return loop.cancel(this);
    }

    /** Whether the timer is waiting to fire. */
    public boolean isScheduled() {
        return heapIndex >= 0;
    }

    /** The deadline on the loop's clock (frozen loops: as if time had stopped at the freeze). */
    public long deadlineNanos() {
        return deadline;
    }

    /**
     * Time left until the timer fires, never negative; 0 if it is due or no longer scheduled. While
     * the loop is frozen this does not decrease (a frozen VR's clock stands still).
     */
    public long remainingNanos() {
        return heapIndex < 0 ? 0 : Math.max(0, deadline - loop.effectiveNow());
    }

    /** Re-arms the timer to fire {@code delayNanos} from now, whether or not it was still scheduled. */
    public void reschedule(long delayNanos) {
        loop.reschedule(this, delayNanos);
    }

    /** The object the timer was scheduled for (a protocol's context), or null. */
    public Object owner() {
        return owner;
    }
}
