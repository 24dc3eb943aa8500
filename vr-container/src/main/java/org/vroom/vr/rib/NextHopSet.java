package org.vroom.vr.rib;

import java.util.Arrays;

/**
 * An immutable, sorted, duplicate-free set of packed {@link NextHop next hops}: what a route forwards
 * to. A set holding a special next hop (local, drop, reject) holds only that one.
 *
 * <p>Protocols build a set once and pass the same object for many routes (BGP: one per peer next hop);
 * the RIB interns sets, so a million routes over a handful of next hops cost a handful of sets.
 * Equality is by content.
 */
public final class NextHopSet {
    public static final NextHopSet LOCAL = new NextHopSet(new long[] {NextHop.local()});
    public static final NextHopSet DROP = new NextHopSet(new long[] {NextHop.drop()});
    public static final NextHopSet REJECT = new NextHopSet(new long[] {NextHop.reject()});

    private final long[] hops;
    private final int hash;

    private NextHopSet(long[] sortedUnique) {
        this.hops = sortedUnique;
        this.hash = hash(sortedUnique, sortedUnique.length);
    }

    /** A set of the given packed next hops (any order, duplicates collapse). */
    public static NextHopSet of(long... hops) {
        if (hops.length == 0) {
            throw new IllegalArgumentException("a next-hop set needs at least one next hop");
        }
        long[] sorted = hops.clone();
        Arrays.sort(sorted);
        int n = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        long[] unique = n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
        for (long h : unique) {
            String p = NextHop.problem(h);
            if (p != null) {
                throw new IllegalArgumentException(p + ": " + Long.toHexString(h));
            }
            if (unique.length > 1 && NextHop.isSpecial(h)) {
                throw new IllegalArgumentException(NextHop.toString(h) + " cannot be combined with other next hops");
            }
        }
        return new NextHopSet(unique);
    }

    /** One gateway on one interface. */
    public static NextHopSet via(int address, int ifIndex) {
        return new NextHopSet(new long[] {NextHop.forward(address, ifIndex)});
    }

    /** The attached subnet of an interface. */
    public static NextHopSet attached(int ifIndex) {
        return new NextHopSet(new long[] {NextHop.attached(ifIndex)});
    }

    /** Trusted constructor for interned copies: {@code hops[0..n)} is sorted, unique and valid. */
    static NextHopSet ofSorted(long[] hops, int n) {
        return new NextHopSet(Arrays.copyOf(hops, n));
    }

    public int size() {
        return hops.length;
    }

    /** The packed next hop at position {@code i} (sorted order). */
    public long hop(int i) {
        return hops[i];
    }

    public int kind(int i) {
        return NextHop.kind(hops[i]);
    }

    /** Interface of next hop {@code i}, or -1. */
    public int ifIndex(int i) {
        return NextHop.ifIndex(hops[i]);
    }

    public int address(int i) {
        return NextHop.address(hops[i]);
    }

    /** True for the singleton sets local, drop and reject. */
    public boolean isSpecial() {
        return NextHop.isSpecial(hops[0]);
    }

    /** Whether any next hop of this set goes out of interface {@code ifIndex}. */
    public boolean usesInterface(int ifIndex) {
        for (long h : hops) {
            if (NextHop.ifIndex(h) == ifIndex) {
                return true;
            }
        }
        return false;
    }

    boolean contentEquals(long[] other, int n) {
        return Arrays.equals(hops, 0, hops.length, other, 0, n);
    }

    long[] hops() {
        return hops;
    }

    static int hash(long[] hops, int n) {
        long h = 0x9E37_79B9_7F4A_7C15L;
        for (int i = 0; i < n; i++) {
            h = (h ^ hops[i]) * 0xBF58_476D_1CE4_E5B9L;
            h ^= h >>> 31;
        }
        return (int) (h ^ h >>> 32);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof NextHopSet s && s.hash == hash && Arrays.equals(s.hops, hops);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hops.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(NextHop.toString(hops[i]));
        }
        return b.toString();
    }
}
