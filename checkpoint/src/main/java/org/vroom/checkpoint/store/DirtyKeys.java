package org.vroom.checkpoint.store;

import org.agrona.collections.LongHashSet;

import java.util.function.LongConsumer;

/**
 * The keys of a {@link StateStore} changed since the last {@link #clear()}: the dirty set behind a
 * store's checkpoint deltas. An Agrona {@link LongHashSet} (no boxing); after a round with many changes
 * the set is replaced by a small one, so a quiet round costs little to iterate and clear (what matters
 * for the final, frozen round).
 *
 * <p>Threads: the VR loop.
 */
public final class DirtyKeys implements StateStore.ChangeListener {
    private static final int SMALL = 1024;
    private LongHashSet keys = new LongHashSet(SMALL);

    @Override
    public void onChange(long key, boolean removed) {
        keys.add(key);
    }

    public void add(long key) {
        keys.add(key);
    }

    public boolean contains(long key) {
        return keys.contains(key);
    }

    public int size() {
        return keys.size();
    }

    /** Visits every dirty key (in no particular order). */
    public void forEach(LongConsumer consumer) {
        keys.forEachLong(consumer);
    }

    /** Forgets every key; gives the memory of a large set back. */
    public void clear() {
        if (keys.capacity() > 4 * SMALL) {
            keys = new LongHashSet(SMALL);
        } else {
            keys.clear();
        }
    }
}
