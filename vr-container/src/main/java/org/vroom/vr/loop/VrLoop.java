package org.vroom.vr.loop;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.MpscArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The single-threaded executor of one virtual router: an Agrona {@link Agent} whose {@link #doWork()}
 * runs, in this order, on each turn:
 * <ol>
 *   <li>control commands ({@link #offerControl}), which run even while the loop is frozen (freeze,
 *       thaw, checkpoint, stop);</li>
 *   <li>inbound pollers ({@link #addPoller}), which hand packets to {@link #receive}: delivered to the
 *       {@link InboundHandler} while running, buffered while frozen;</li>
 *   <li>unless frozen: due timers in (deadline, scheduling order), then local tasks
 *       ({@link #execute}) queued before the turn, then tasks from other threads ({@link #offer});</li>
 *   <li>end-of-turn listeners ({@link #addTurnListener}) if the turn did anything: shadowd sends the
 *       turn's RIB changes as one batch here.</li>
 * </ol>
 * Everything a VR's protocols own is touched only from this loop, so protocol code has no locks.
 *
 * <h2>Threads</h2>
 * {@link #offer}, {@link #offerControl} and {@link #counter} are for any thread; everything else is
 * for the loop thread (the thread running {@code doWork}, captured on {@link #onStart()} or the first
 * turn; before that, configuration code may call them). The task and control queues are bounded
 * JCTools MPSC queues: a full queue refuses the offer, counts it and returns false; nothing is dropped
 * silently.
 *
 * <h2>Freeze</h2>
 * {@link #freeze()} stops timers and tasks: time stands still for the VR (remaining times do not
 * shrink). Inbound packets are copied into a bounded off-heap buffer (allocated at the first freeze)
 * and the ones that do not fit are counted as dropped. {@link #thaw()} moves every deadline by the
 * time spent frozen, so each timer keeps the remaining time it had, then replays the buffered packets
 * in arrival order before anything else runs.
 *
 * <h2>Deterministic mode</h2>
 * With a {@link ManualClock} and no thread, {@link #runUntilIdle()} (or a {@link DeterministicScheduler}
 * driving several loops) makes every run reproducible.
 */
public final class VrLoop implements Agent, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VrLoop.class.getName());
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int RECORD_HEADER = 8;
    private static final int MAX_IDLE_TURNS = 1_000_000;

    private final String name;
    private final NanoClock clock;
    private final LoopOptions options;
    private final ErrorHandler errorHandler;
    private final MpscArrayQueue<Runnable> tasks;
    private final MpscArrayQueue<Runnable> control;
    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    private final long[] counts = new long[LoopCounter.values().length];
    /** TASKS_REJECTED and CONTROL_REJECTED: written by any thread. */
    private final AtomicLongArray rejected = new AtomicLongArray(2);

    private TimerHandle[] heap = new TimerHandle[16];
    private int heapSize;
    private long timerSequence;

    private InboundHandler inbound = (ifIndex, buffer, offset, length) -> {
    };
    private InboundPoller[] pollers = new InboundPoller[0];
    private Runnable[] turnListeners = new Runnable[0];

    private volatile boolean frozen;
    private long frozenAt;
    private ByteBuffer frozenMemory;
    private UnsafeBuffer frozenBuffer;
    private int frozenPosition;
    private boolean replaying;

    private volatile Thread owner;
    private volatile boolean closed;

    public VrLoop(String name, NanoClock clock) {
        this(name, clock, LoopOptions.DEFAULT, null);
    }

    /**
     * @param errorHandler told about tasks, timers and handlers that throw (the loop carries on); null
     *                     logs them
     */
    public VrLoop(String name, NanoClock clock, LoopOptions options, ErrorHandler errorHandler) {
        this.name = name;
        this.clock = clock;
        this.options = options;
        this.errorHandler = errorHandler != null ? errorHandler
                : t -> LOG.log(System.Logger.Level.ERROR, "VR loop " + name + ": task failed", t);
        this.tasks = new MpscArrayQueue<>(options.taskQueueCapacity());
        this.control = new MpscArrayQueue<>(options.controlQueueCapacity());
    }

    public String name() {
        return name;
    }

    public NanoClock clock() {
        return clock;
    }

    public LoopOptions options() {
        return options;
    }

    /** The loop's time: the clock, or the instant of the freeze while frozen. */
    public long nanoTime() {
        return effectiveNow();
    }

    long effectiveNow() {
        return frozen ? frozenAt : clock.nanoTime();
    }

    // ------------------------------------------------------------------------------------------
    // any thread
    // ------------------------------------------------------------------------------------------

    /** Queues a task from another thread. Returns false (and counts) if the queue is full or the loop closed. */
    public boolean offer(Runnable task) {
        if (closed || !tasks.offer(task)) {
            rejected.incrementAndGet(0);
            return false;
        }
        return true;
    }

    /**
     * Queues a control command that runs at the start of the next turn even while frozen (freeze, thaw,
     * checkpoint, stop). Returns false (and counts) if the control queue is full or the loop closed.
     */
    public boolean offerControl(Runnable command) {
        if (closed || !control.offer(command)) {
            rejected.incrementAndGet(1);
            return false;
        }
        return true;
    }

    /** A counter's current value (may lag slightly when read from another thread). */
    public long counter(LoopCounter counter) {
        return switch (counter) {
            case TASKS_REJECTED -> rejected.get(0);
            case CONTROL_REJECTED -> rejected.get(1);
            default -> (long) COUNTS.getOpaque(counts, counter.ordinal());
        };
    }

    /** Whether the loop is frozen (volatile: readable from any thread). */
    public boolean isFrozen() {
        return frozen;
    }

    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------------------
    // loop thread: tasks and timers
    // ------------------------------------------------------------------------------------------

    /** Runs {@code task} later on this loop (next turn), after the tasks already queued locally. */
    public void execute(Runnable task) {
        checkThread();
        checkOpen();
        local.add(task);
    }

    /** Schedules {@code task} to run once after {@code delayNanos} (negative counts as 0). */
    public TimerHandle schedule(long delayNanos, Runnable task) {
        return schedule(null, delayNanos, task);
    }

    /** As {@link #schedule(long, Runnable)}, tagged with {@code owner} so that {@link #cancelAll} finds it. */
    public TimerHandle schedule(Object owner, long delayNanos, Runnable task) {
        checkThread();
        checkOpen();
        TimerHandle t = new TimerHandle(this, owner, task);
        arm(t, delayNanos);
        return t;
    }

    void reschedule(TimerHandle t, long delayNanos) {
        checkThread();
        checkOpen();
        if (t.heapIndex >= 0) {
            removeAt(t.heapIndex);
        }
        arm(t, delayNanos);
    }

    boolean cancel(TimerHandle t) {
        checkThread();
        if (t.heapIndex < 0) {
            return false;
        }
        removeAt(t.heapIndex);
        return true;
    }

    /** Cancels every timer scheduled for {@code owner}; returns how many. */
    public int cancelAll(Object owner) {
        checkThread();
        int kept = 0;
        int cancelled = 0;
        for (int i = 0; i < heapSize; i++) {
            TimerHandle t = heap[i];
            if (t.owner == owner) {
                t.heapIndex = -1;
                cancelled++;
            } else {
                heap[kept++] = t;
            }
        }
        if (cancelled > 0) {
            Arrays.fill(heap, kept, heapSize, null);
            heapSize = kept;
            for (int i = 0; i < heapSize; i++) {
                heap[i].heapIndex = i;
            }
            for (int i = (heapSize >>> 1) - 1; i >= 0; i--) {
                siftDown(i);
            }
        }
        return cancelled;
    }

    /** Number of scheduled timers. */
    public int timerCount() {
        return heapSize;
    }

    /** Whether a timer is scheduled and the loop is not frozen (for schedulers deciding how far to jump). */
    public boolean hasRunnableTimer() {
        return heapSize > 0 && !frozen;
    }

    /** The earliest deadline; only meaningful when {@link #timerCount()} is positive. */
    public long nextDeadline() {
        return heapSize > 0 ? heap[0].deadline : 0;
    }

    // ------------------------------------------------------------------------------------------
    // loop thread: inbound packets, freeze and thaw
    // ------------------------------------------------------------------------------------------

    public void setInboundHandler(InboundHandler handler) {
        checkThread();
        this.inbound = handler;
    }

    public void addPoller(InboundPoller poller) {
        checkThread();
        pollers = Arrays.copyOf(pollers, pollers.length + 1);
        pollers[pollers.length - 1] = poller;
    }

    public boolean removePoller(InboundPoller poller) {
        checkThread();
        for (int i = 0; i < pollers.length; i++) {
            if (pollers[i] == poller) {
                InboundPoller[] next = new InboundPoller[pollers.length - 1];
                System.arraycopy(pollers, 0, next, 0, i);
                System.arraycopy(pollers, i + 1, next, i, next.length - i);
                pollers = next;
                return true;
            }
        }
        return false;
    }

    /** Runs {@code listener} at the end of every turn that did some work. */
    public void addTurnListener(Runnable listener) {
        checkThread();
        turnListeners = Arrays.copyOf(turnListeners, turnListeners.length + 1);
        turnListeners[turnListeners.length - 1] = listener;
    }

    public boolean removeTurnListener(Runnable listener) {
        checkThread();
        for (int i = 0; i < turnListeners.length; i++) {
            if (turnListeners[i] == listener) {
                Runnable[] next = new Runnable[turnListeners.length - 1];
                System.arraycopy(turnListeners, 0, next, 0, i);
                System.arraycopy(turnListeners, i + 1, next, i, next.length - i);
                turnListeners = next;
                return true;
            }
        }
        return false;
    }

    /**
     * An inbound control packet (an IPv4 datagram received on {@code ifIndex}). Running: delivered now.
     * Frozen: copied into the frozen buffer, or counted as dropped when it does not fit. Returns false
     * only when dropped.
     */
    public boolean receive(int ifIndex, DirectBuffer buffer, int offset, int length) {
        checkThread();
        if (closed) {
            count(LoopCounter.INBOUND_DROPPED);
            return false;
        }
        if (!frozen) {
            count(LoopCounter.INBOUND_DELIVERED);
            deliver(ifIndex, buffer, offset, length);
            return true;
        }
        if (frozenBuffer == null) {
            frozenMemory = ByteBuffer.allocateDirect(options.frozenBufferBytes()); // not a slice: freeable at once
            frozenBuffer = new UnsafeBuffer(frozenMemory);
        }
        if (length < 0 || (long) frozenPosition + RECORD_HEADER + length > frozenBuffer.capacity()) {
            count(LoopCounter.INBOUND_DROPPED);
            return false;
        }
        frozenBuffer.putInt(frozenPosition, ifIndex);
        frozenBuffer.putInt(frozenPosition + 4, length);
        frozenBuffer.putBytes(frozenPosition + RECORD_HEADER, buffer, offset, length);
        frozenPosition += RECORD_HEADER + length;
        count(LoopCounter.INBOUND_BUFFERED);
        return true;
    }

    /** Stops timers and tasks; inbound packets are buffered from now on. No-op when already frozen. */
    public void freeze() {
        checkThread();
        checkOpen();
        if (frozen) {
            return;
        }
        frozenAt = clock.nanoTime();
        frozen = true;
    }

    /**
     * Resumes: every timer keeps the remaining time it had at the freeze, then the packets buffered
     * while frozen are delivered in arrival order. No-op when not frozen.
     */
    public void thaw() {
        checkThread();
        checkOpen();
        if (!frozen) {
            return;
        }
        long shift = clock.nanoTime() - frozenAt;
        for (int i = 0; i < heapSize; i++) {
            heap[i].deadline += shift; // the same shift for all keeps the heap order
        }
        frozen = false;
        replay();
    }

    /** Bytes of packets currently buffered (frozen). */
    public int frozenBytes() {
        return frozenPosition;
    }

    /**
     * Hands the buffered packets, in order, to {@code sink} instead of replaying them here (a VR that
     * moved: its frozen packets go to the new node), and empties the buffer. Returns how many.
     */
    public int transferFrozen(InboundHandler sink) {
        checkThread();
        int n = 0;
        int p = 0;
        while (p < frozenPosition) {
            int ifIndex = frozenBuffer.getInt(p);
            int length = frozenBuffer.getInt(p + 4);
            sink.onPacket(ifIndex, frozenBuffer, p + RECORD_HEADER, length);
            p += RECORD_HEADER + length;
            n++;
        }
        frozenPosition = 0;
        return n;
    }

    /** Drops what is buffered (counted as dropped); for a frozen VR being stopped. Returns how many. */
    public int discardFrozen() {
        checkThread();
        int n = transferFrozen((ifIndex, buffer, offset, length) -> {
        });
        count(LoopCounter.INBOUND_DROPPED, n);
        return n;
    }

    private void replay() {
        if (replaying || frozenPosition == 0) {
            return;
        }
        replaying = true;
        int p = 0;
        try {
            while (p < frozenPosition && !frozen) {
                int ifIndex = frozenBuffer.getInt(p);
                int length = frozenBuffer.getInt(p + 4);
                p += RECORD_HEADER + length;
                count(LoopCounter.INBOUND_REPLAYED);
                deliver(ifIndex, frozenBuffer, p - length, length);
            }
        } finally {
            replaying = false;
            // frozen again by a handler: keep the rest, in order, at the front
            int rest = frozenPosition - p;
            if (rest > 0) {
                frozenBuffer.putBytes(0, frozenBuffer, p, rest);
            }
            frozenPosition = rest;
        }
    }

    private void deliver(int ifIndex, DirectBuffer buffer, int offset, int length) {
        try {
            inbound.onPacket(ifIndex, buffer, offset, length);
        } catch (Throwable t) {
            failed(t);
        }
    }

    // ------------------------------------------------------------------------------------------
    // the agent
    // ------------------------------------------------------------------------------------------

    @Override
    public String roleName() {
        return "vr-loop-" + name;
    }

    @Override
    public void onStart() {
        owner = Thread.currentThread();
    }

    @Override
    public void onClose() {
        owner = null;
    }

    @Override
    public int doWork() {
        if (closed) {
            return 0;
        }
        if (owner == null) {
            owner = Thread.currentThread();
        }
        int work = 0;
        for (int i = options.controlQueueCapacity(); i > 0 && !closed; i--) {
            Runnable c = control.poll();
            if (c == null) {
                break;
            }
            work++;
            runTask(c);
        }
        for (InboundPoller p : pollers) {
            try {
                work += p.poll(this, options.packetsPerTurn());
            } catch (Throwable t) {
                failed(t);
            }
        }
        if (!frozen && !closed) {
            work += runTimers();
            work += runLocal();
            for (int i = options.tasksPerTurn(); i > 0 && !frozen && !closed; i--) {
                Runnable r = tasks.poll();
                if (r == null) {
                    break;
                }
                work++;
                runTask(r);
            }
        }
        if (work > 0 && !closed) {
            count(LoopCounter.TURNS);
            for (Runnable r : turnListeners) {
                try {
                    r.run();
                } catch (Throwable t) {
                    failed(t);
                }
            }
        }
        return work;
    }

    /** Deterministic mode: runs turns until one does nothing. Returns the work done. */
    public int runUntilIdle() {
        int total = 0;
        for (int turns = 0; turns < MAX_IDLE_TURNS; turns++) {
            int w = doWork();
            if (w == 0) {
                return total;
            }
            total += w;
        }
        throw new IllegalStateException("VR loop " + name + " did not become idle in " + MAX_IDLE_TURNS
                + " turns (a task or timer that re-arms itself at once?)");
    }

    private int runTimers() {
        long now = clock.nanoTime();
        int fired = 0;
        while (heapSize > 0 && fired < options.timersPerTurn() && !frozen && !closed) {
            TimerHandle t = heap[0];
            if (t.deadline - now > 0) {
                break;
            }
            removeAt(0);
            fired++;
            count(LoopCounter.TIMERS_FIRED);
            try {
                t.task.run();
            } catch (Throwable e) {
                failed(e);
            }
        }
        return fired;
    }

    private int runLocal() {
        int n = local.size();
        int ran = 0;
        while (ran < n && !frozen && !closed) {
            Runnable r = local.poll();
            ran++;
            runTask(r);
        }
        return ran;
    }

    private void runTask(Runnable r) {
        count(LoopCounter.TASKS_RUN);
        try {
            r.run();
        } catch (Throwable t) {
            failed(t);
        }
    }

    private void failed(Throwable t) {
        if (t instanceof OutOfMemoryError || t instanceof InternalError) {
            throw (Error) t;
        }
        count(LoopCounter.ERRORS);
        errorHandler.onError(t);
    }

    /**
     * Frees everything the loop holds: the frozen buffer (off-heap), queued tasks, timers. Further
     * offers are refused and counted. Idempotent; call on the loop thread or after it stopped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < heapSize; i++) {
            heap[i].heapIndex = -1;
        }
        heap = new TimerHandle[0];
        heapSize = 0;
        local.clear();
        tasks.clear();
        control.clear();
        pollers = new InboundPoller[0];
        turnListeners = new Runnable[0];
        inbound = (ifIndex, buffer, offset, length) -> {
        };
        frozenPosition = 0;
        if (frozenMemory != null) {
            BufferUtil.free(frozenMemory);
            frozenMemory = null;
            frozenBuffer = null;
        }
    }

    /** Off-heap bytes this loop holds now (the frozen buffer once allocated). */
    public long offHeapBytes() {
        return frozenMemory == null ? 0 : frozenMemory.capacity();
    }

    @Override
    public String toString() {
        return "VrLoop[" + name + (frozen ? ", frozen" : "") + (closed ? ", closed" : "") + ", timers=" + heapSize + "]";
    }

    // ------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------

    private void count(LoopCounter c) {
        int i = c.ordinal();
        COUNTS.setOpaque(counts, i, counts[i] + 1);
    }

    private void count(LoopCounter c, long n) {
        int i = c.ordinal();
        COUNTS.setOpaque(counts, i, counts[i] + n);
    }

    private void checkThread() {
        Thread o = owner;
        if (o != null && o != Thread.currentThread()) {
            throw new IllegalStateException("VR loop " + name + " is run by " + o.getName() + "; called from "
                    + Thread.currentThread().getName() + " (use offer() or offerControl())");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("VR loop " + name + " is closed");
        }
    }

    private void arm(TimerHandle t, long delayNanos) {
        t.deadline = effectiveNow() + Math.max(0, delayNanos);
        t.sequence = timerSequence++;
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, Math.max(16, heapSize * 2));
        }
        heap[heapSize] = t;
        t.heapIndex = heapSize++;
        siftUp(t.heapIndex);
    }

    private void removeAt(int i) {
        TimerHandle removed = heap[i];
        removed.heapIndex = -1;
        int last = --heapSize;
        if (i != last) {
            TimerHandle moved = heap[last];
            heap[i] = moved;
            moved.heapIndex = i;
            heap[last] = null;
            siftDown(i);
            if (heap[i] == moved) {
                siftUp(i);
            }
        } else {
            heap[last] = null;
        }
    }

    private static boolean earlier(TimerHandle a, TimerHandle b) {
        long d = a.deadline - b.deadline;
        return d != 0 ? d < 0 : a.sequence < b.sequence;
    }

    private void siftUp(int i) {
        TimerHandle t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerHandle p = heap[parent];
            if (!earlier(t, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerHandle t = heap[i];
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < heapSize && earlier(heap[right], heap[child])) {
                child = right;
            }
            if (!earlier(heap[child], t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
