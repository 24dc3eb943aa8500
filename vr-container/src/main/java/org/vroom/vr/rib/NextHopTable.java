package org.vroom.vr.rib;

import java.util.Arrays;

/**
 * Interned next-hop sets with reference counts: id → {@link NextHopSet}, and content → id through an
 * open-addressing table (linear probing, backward-shift deletion, so no tombstones build up under
 * churn). Lookups by content work on a caller's scratch array, so combining or truncating sets during
 * route selection allocates only when a set is new. Ids are dense and reused after release.
 *
 * <p>Single-threaded (the VR loop).
 */
final class NextHopTable {
    private static final int EMPTY = -1;

    private NextHopSet[] sets = new NextHopSet[16];
    private int[] refs = new int[16];
    private int[] free = new int[16];
    private int freeCount;
    private int highWater;
    private int live;
    private int[] slots = filled(32);
    private int mask = 31;

    /** Interns {@code set} (or finds its equal) and takes a reference; returns its id. */
    int acquire(NextHopSet set) {
        long[] h = set.hops();
        int id = find(h, h.length, set.hashCode());
        if (id == EMPTY) {
            id = insert(set);
        }
        refs[id]++;
        return id;
    }

    /** As {@link #acquire(NextHopSet)} for the sorted, unique, valid hops {@code hops[0..n)}. */
    int acquire(long[] hops, int n) {
        int hash = NextHopSet.hash(hops, n);
        int id = find(hops, n, hash);
        if (id == EMPTY) {
            id = insert(NextHopSet.ofSorted(hops, n));
        }
        refs[id]++;
        return id;
    }

    void retain(int id) {
        refs[id]++;
    }

    void release(int id) {
        if (--refs[id] > 0) {
            return;
        }
        if (refs[id] < 0) {
            throw new IllegalStateException("next-hop set " + id + " released more often than acquired");
        }
        removeSlot(id);
        sets[id] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = id;
        live--;
    }

    NextHopSet get(int id) {
        return sets[id];
    }

    int refs(int id) {
        return refs[id];
    }

    /** One past the highest id ever used: live ids lie in {@code [0, highWater())} ({@link #get} is null for free ones). */
    int highWater() {
        return highWater;
    }

    /** Number of distinct sets alive. */
    int size() {
        return live;
    }

    void clear() {
        Arrays.fill(sets, null);
        Arrays.fill(refs, 0);
        Arrays.fill(slots, EMPTY);
        freeCount = 0;
        highWater = 0;
        live = 0;
    }

    long footprintBytes() {
        long b = 16L + 8L * sets.length + 4L * refs.length + 4L * free.length + 4L * slots.length;
        for (int i = 0; i < highWater; i++) {
            if (sets[i] != null) {
                b += 32 + 16 + 8L * sets[i].size();
            }
        }
        return b;
    }

    private int find(long[] hops, int n, int hash) {
        for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
            int id = slots[i];
            if (id == EMPTY) {
                return EMPTY;
            }
            NextHopSet s = sets[id];
            if (s.hashCode() == hash && s.contentEquals(hops, n)) {
                return id;
            }
        }
    }

    private int insert(NextHopSet set) {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
        } else {
            id = highWater++;
            if (id == sets.length) {
                sets = Arrays.copyOf(sets, id * 2);
                refs = Arrays.copyOf(refs, id * 2);
            }
        }
        sets[id] = set;
        refs[id] = 0;
        live++;
        if (live * 2 > slots.length) {
            rehash(slots.length * 2);
        } else {
            place(id);
        }
        return id;
    }

    private void place(int id) {
        int i = mix(sets[id].hashCode()) & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = id;
    }

    private void rehash(int capacity) {
        slots = filled(capacity);
        mask = capacity - 1;
        for (int id = 0; id < highWater; id++) {
            if (sets[id] != null) {
                place(id);
            }
        }
    }

    private void removeSlot(int id) {
        int i = mix(sets[id].hashCode()) & mask;
        while (slots[i] != id) {
            i = (i + 1) & mask;
        }
        // backward-shift deletion: move later members of the probe run into the hole when allowed
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int other = slots[j];
            if (other == EMPTY) {
                break;
            }
            int home = mix(sets[other].hashCode()) & mask;
            boolean movable = j > i ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                slots[i] = other;
                i = j;
            }
        }
        slots[i] = EMPTY;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, EMPTY);
        return a;
    }
}
