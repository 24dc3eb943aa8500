package org.vroom.checkpoint.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A large table of VR state kept off the Java heap: fixed-width keys (a {@code long}: a prefix and its
 * length, a peer index and a prefix, …) mapped to variable-length values (a route's candidates, a path's
 * attributes) of at most {@link #maxValueLength()} bytes.
 *
 * <p>Values go in and out as byte ranges of Agrona buffers, so callers encode them with flyweights and
 * nothing is allocated per operation. A {@link ChangeListener} hears every change (dirty tracking for
 * checkpoint deltas: {@link DirtyKeys}, {@link StoreCheckpoint}).
 *
 * <p>Implementations: {@link StateStores#offHeap} (purpose-built, single-threaded, in memory) and
 * {@link StateStores#chronicle} (Chronicle Map: thread-safe, optionally persisted to a file and
 * recovered after a crash).
 *
 * <p>Threads: the VR loop. Only the Chronicle implementation tolerates other threads.
 */
public interface StateStore extends AutoCloseable {
    /** Receives every entry of {@link #forEach}; the value range is valid only during the call. */
    @FunctionalInterface
    interface EntryVisitor {
        void accept(long key, DirectBuffer value, int offset, int length);
    }

    /** Told after each change: a put (new or replaced value) or the removal of an existing key. */
    @FunctionalInterface
    interface ChangeListener {
        void onChange(long key, boolean removed);
    }

    /** The store's name (for messages and the file of a persisted store). */
    String name();

    /** The longest value accepted. */
    int maxValueLength();

    /** Number of keys. */
    long size();

    /**
     * Stores {@code value[offset, offset + length)} under {@code key}, replacing any value. Returns true if
     * the key is new. A value longer than {@link #maxValueLength()} is refused (IllegalArgumentException).
     */
    boolean put(long key, DirectBuffer value, int offset, int length);

    /**
     * Copies the value of {@code key} into {@code dst} at {@code dstOffset} and returns its length, or -1 if
     * the key is absent. {@code dst} must have room for {@link #maxValueLength()} bytes (or be expandable).
     */
    int get(long key, MutableDirectBuffer dst, int dstOffset);

    boolean containsKey(long key);

    /** Removes {@code key}; returns whether it was there. */
    boolean remove(long key);

    /** Visits every entry (in no particular order). The visitor must not modify the store. */
    void forEach(EntryVisitor visitor);

    /** Removes every key (the listener hears each). */
    void clear();

    /** Off-heap bytes reserved by this store (index and values, or the Chronicle Map's mapping). */
    long offHeapBytes();

    /** Sets the one change listener (null removes it). */
    void changeListener(ChangeListener listener);

    /** Whether the contents survive the process (a persisted Chronicle store). */
    boolean persistent();

    /** Frees the memory (and closes the file); the store is unusable afterwards. */
    @Override
    void close();
}
