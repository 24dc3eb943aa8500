package org.vroom.kernel.stats;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The counters of one entity (a port, a VR, ...) on one shard: one {@link AtomicCounter} per constant
 * of {@code E}, allocated together by {@link NodeCounters} and freed together by {@link #close()}.
 *
 * <p><b>Single writer.</b> A set belongs to one writer thread (the worker that owns the port or VR
 * shard). That thread updates it in one of two ways, both without atomic read-modify-write:
 * <ul>
 *   <li>direct: {@code get(k).incrementRelease()} / {@code getAndAddRelease(n)} (a plain load plus a
 *       release store: an ordinary {@code mov} on x86), or {@code setRelease(total)} to mirror a total
 *       kept elsewhere (e.g. a packet-io {@code PortCounters});</li>
 *   <li>tallied: {@link #add(CounterKind)} / {@link #add(CounterKind, long)} per packet touch only a
 *       plain {@code long[]} private to the set, and {@link #publish()} once per batch adds the tallies
 *       to the shared counters with release stores.</li>
 * </ul>
 * Never call {@code increment()}, {@code getAndAdd()} or {@code compareAndSet()} per packet: they are
 * locked instructions. If a set really has several writer threads, each of them must add with atomic
 * {@code get(k).getAndAdd(n)} once per batch instead, and none may use {@link #add}/{@link #publish()} or
 * the release methods (they would overwrite each other's adds); prefer one shard per writer.
 *
 * <p>{@link #close()} is called by the control thread that removes the entity, after the writer thread
 * has stopped using the set (the worker has dropped the VR/port). It is idempotent.
 */
public final class CounterSet<E extends Enum<E> & CounterKind> implements AutoCloseable {
    private final NodeCounters owner;
    private final Class<E> kinds;
    private final int typeId;
    private final int entityId;
    private final String entityName;
    private final int shard;
    private final AtomicCounter[] counters;
    private final long[] pending;
    private volatile boolean closed;

    CounterSet(
        final NodeCounters owner,
        final Class<E> kinds,
        final int typeId,
        final int entityId,
        final String entityName,
        final int shard,
        final AtomicCounter[] counters) {
        this.owner = owner;
        this.kinds = kinds;
        this.typeId = typeId;
        this.entityId = entityId;
        this.entityName = entityName;
        this.shard = shard;
        this.counters = counters;
        this.pending = new long[counters.length];
    }

    /** The counter of {@code kind}. */
    public AtomicCounter get(final E kind) {
        return counters[kind.ordinal()];
    }

    /** Adds one to the private tally of {@code kind}; visible to readers after {@link #publish()}. */
    public void add(final E kind) {
        pending[kind.ordinal()]++;
    }

    /** Adds {@code delta} to the private tally of {@code kind}; visible to readers after {@link #publish()}. */
    public void add(final E kind, final long delta) {
        pending[kind.ordinal()] += delta;
    }

    /**
     * Adds every non-zero tally to its counter with a release store, then clears the tallies. Call once
     * per batch from the writer thread. Returns the number of counters updated.
     */
    public int publish() {
        int updated = 0;
        final long[] pending = this.pending;
        for (int i = 0; i < pending.length; i++) {
            final long delta = pending[i];
            if (delta != 0) {
                counters[i].getAndAddRelease(delta);
                pending[i] = 0;
                updated++;
            }
        }
        return updated;
    }

    /** The enum of this set's counters. */
    public Class<E> kinds() {
        return kinds;
    }

    /** Counter type id ({@link CounterTypes#PORT}, {@link CounterTypes#VR}, ...). */
    public int typeId() {
        return typeId;
    }

    /** VR id, or 0 for ports. */
    public int entityId() {
        return entityId;
    }

    /** Port or VR name. */
    public String entityName() {
        return entityName;
    }

    /** Index of the writer thread owning this set (0 with one writer). */
    public int shard() {
        return shard;
    }

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees every counter of the set (ids are reused by later allocations only after the node's
     * free-to-reuse timeout). Tallies not yet published are lost. Idempotent.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.release(this, counters);
        }
    }

    @Override
    public String toString() {
        return "CounterSet{" + CounterTypes.entityKindName(typeId) + " " + entityId + " " + entityName
            + " shard=" + shard + ", first id=" + counters[0].id() + ", n=" + counters.length + '}';
    }
}
