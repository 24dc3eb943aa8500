package org.vroom.fib;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Quiescent-state-based reclamation (QSBR, the user-space RCU flavour) for memory that lock-free
 * readers may still be looking at.
 *
 * <p>Readers (forwarding workers) {@link #register()} once and call {@link Reader#quiescent()} between
 * batches of lookups, at a point where they hold no reference into any table of this domain. A reader
 * that blocks (idle in {@code poll(2)}) goes {@link Reader#offline()} first and {@link Reader#online()}
 * after, so it never holds up reclamation.
 *
 * <p>A writer that unlinks memory calls {@link #retire(Runnable)} (or uses {@link #advance()} and
 * {@link #safeUpTo()} itself): the memory is handed back only once every online reader has reported a
 * quiescent state after the unlink. Readers never wait for writers; writers never wait for readers.
 *
 * <p>Ordering: the writer publishes the unlink (release store) before {@link #advance()} (a volatile
 * increment); a reader's {@link Reader#quiescent()} reads the epoch with acquire and publishes it with
 * release, so once the writer sees a reader at epoch T, that reader's later loads see every unlink made
 * before T, and its earlier loads cannot observe memory the writer reuses afterwards.
 */
public final class QuiescentStateDomain {
    private static final long OFFLINE = Long.MAX_VALUE;
    private static final VarHandle SEEN;

    static {
        try {
            SEEN = MethodHandles.lookup().findVarHandle(Reader.class, "seen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicLong epoch = new AtomicLong(1);
    private volatile Reader[] readers = new Reader[0];
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();

    /** Registers the calling reader thread; the reader starts online at the current epoch. */
    public synchronized Reader register() {
        Reader r = new Reader(this);
        r.online();
        Reader[] next = Arrays.copyOf(readers, readers.length + 1);
        next[next.length - 1] = r;
        readers = next;
        return r;
    }

    private synchronized void deregister(Reader r) {
        Reader[] cur = readers;
        for (int i = 0; i < cur.length; i++) {
            if (cur[i] == r) {
                Reader[] next = new Reader[cur.length - 1];
                System.arraycopy(cur, 0, next, 0, i);
                System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
                readers = next;
                return;
            }
        }
    }

    /** Number of registered readers. */
    public int readerCount() {
        return readers.length;
    }

    /**
     * Starts a new grace period: everything unlinked before this call may be reclaimed once
     * {@link #safeUpTo()} is at least the returned tag.
     */
    public long advance() {
        return epoch.incrementAndGet();
    }

    /** The newest tag whose grace period has ended: every online reader has passed a quiescent point since. */
    public long safeUpTo() {
        long min = OFFLINE;
        for (Reader r : readers) {
            long s = (long) SEEN.getAcquire(r);
            if (s < min) {
                min = s;
            }
        }
        return min == OFFLINE ? epoch.get() : min;
    }

    /** Runs {@code free} once the grace period for memory unlinked before this call has ended. */
    public void retire(Runnable free) {
        long tag = advance();
        synchronized (retired) {
            retired.add(new Retired(tag, free));
        }
        reclaim();
    }

    /** Runs the retired actions whose grace period has ended; returns how many ran. Called by writers. */
    public int reclaim() {
        long safe = safeUpTo();
        int n = 0;
        while (true) {
            Retired r;
            synchronized (retired) {
                r = retired.peek();
                if (r == null || r.tag > safe) {
                    return n;
                }
                retired.poll();
            }
            r.free.run();
            n++;
        }
    }

    /** Retired actions still waiting for their grace period. */
    public int pendingReclaims() {
        synchronized (retired) {
            return retired.size();
        }
    }

    private record Retired(long tag, Runnable free) {
    }

    /** A registered reader; used only by its own thread (except for the writer reading its epoch). */
    public static final class Reader implements AutoCloseable {
        // padding keeps readers' hot slots on separate cache lines
        long p01, p02, p03, p04, p05, p06, p07;
        volatile long seen = OFFLINE;
        long p11, p12, p13, p14, p15, p16, p17;
        private final QuiescentStateDomain domain;

        private Reader(QuiescentStateDomain domain) {
            this.domain = domain;
        }

        /** Reports that this reader holds no reference into the domain's tables right now. Cheap. */
        public void quiescent() {
            SEEN.setRelease(this, domain.epoch.getAcquire());
        }

        /** Before blocking: this reader will not touch the tables until {@link #online()}. */
        public void offline() {
            SEEN.setRelease(this, OFFLINE);
        }

        /** After blocking, before the next lookup. */
        public void online() {
            SEEN.setVolatile(this, domain.epoch.get());
            VarHandle.fullFence();
        }

        public boolean isOnline() {
            return (long) SEEN.getAcquire(this) != OFFLINE;
        }

        @Override
        public void close() {
            offline();
            domain.deregister(this);
        }
    }
}
