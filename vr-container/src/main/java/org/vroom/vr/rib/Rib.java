package org.vroom.vr.rib;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A VR's routing information base: per IPv4 prefix, candidates from several sources, and the best
 * route chosen among them.
 *
 * <h2>Candidates</h2>
 * A candidate is identified by (source, origin, prefix): {@code origin} is a key the source chooses to
 * tell its candidates for one prefix apart (a static route uses its gateway, BGP and OSPF use 0 per
 * instance). Adding an existing candidate replaces it. Each candidate has an administrative distance
 * (default: {@link RouteSource#defaultDistance()}), a metric (the source's own, ≥ 0) and a
 * {@link NextHopSet}. Next hops must be resolved (gateway plus interface); a protocol that learns an
 * unresolved gateway resolves it with {@link #lookup(int)} first.
 *
 * <h2>Selection</h2>
 * The best candidate has the lowest distance, then the lowest metric, then the source declared first
 * in {@link RouteSource}, then the lowest origin (unsigned, so gateways as origins sort as addresses). Its next hops become the route's, except that the
 * forwarding next hops of <em>every</em> candidate of the same source, distance and metric are merged
 * (ECMP), in the sorted order of packed next hops, and cut to the first {@link #ecmpWidth()} of them.
 * Special next hops (local, drop, reject) never merge: a special winner forwards alone, and special
 * candidates tying with a forwarding winner are ignored.
 *
 * <h2>Storage</h2>
 * No object per route: entries and candidates live in parallel primitive arrays (struct of arrays,
 * free lists), prefixes are found through one Agrona {@link Int2IntHashMap} per prefix length (also
 * giving longest-prefix match in at most 33 probes, only over lengths in use), and next-hop sets are
 * interned and reference-counted: 21 bytes per prefix, 20 per candidate, about 16 per prefix in the
 * maps, plus array growth slack. See {@link #footprintBytes()}; {@code RibFullTableTest} measures about
 * 105 bytes per prefix for a million prefixes with 2.3 candidates each (about 130 on the heap).
 *
 * <h2>Change tracking</h2>
 * For checkpoint deltas ({@link RibCheckpoint}) the RIB can record which prefixes had their candidates
 * changed (added, replaced, removed) since the last round: {@link #startChangeTracking()}. The record
 * is a set of prefixes (an Agrona {@link LongHashSet}, no boxing), so a prefix changed many times in a
 * round is written once. Off by default: a RIB that is never checkpointed pays nothing.
 *
 * <h2>Handles</h2>
 * Queries return int handles to entries and candidates ({@link #NONE} when absent) that stay valid
 * until the next modification; accessor methods read through them without allocating.
 *
 * <p>Threads: single-threaded (the VR loop). Listeners run synchronously inside the modifying call
 * and must not modify the RIB.
 */
public final class Rib {
    /** Returned by queries when there is no such entry or candidate. */
    public static final int NONE = -1;
    /** Upper bound of the ECMP width. */
    public static final int MAX_ECMP_WIDTH = 64;

    private static final float LOAD_FACTOR = 0.7f;
    private static final byte FREE = -1;

    private final Int2IntHashMap[] byLength = new Int2IntHashMap[33];
    private long lengthMask;

    // entries: one per prefix that has at least one candidate
    private int[] ePrefix;
    private byte[] eLength;
    private int[] eHead;
    private int[] eBestNh;
    private int[] eBestAttr;
    private int[] eBestMetric;
    private int entryHigh;
    private int entryFree = NONE;
    private int entryCount;

    // candidates, chained per entry through cNext
    private int[] cNext;
    private int[] cOrigin;
    private int[] cAttr;
    private int[] cMetric;
    private int[] cNh;
    private int candHigh;
    private int candFree = NONE;
    private int candCount;

    private final NextHopTable nextHops = new NextHopTable();
    private final int initialCapacity;
    private int ecmpWidth;
    private RibListener[] listeners = new RibListener[0];
    private final RibChange change = new RibChange();
    private boolean notifying;
    private long[] scratch = new long[16];
    private LongHashSet changed;
    private static final int SMALL_CHANGE_SET = 1024;

    /** A RIB with the given ECMP width (1 disables multipath) and room for a small table. */
    public Rib(int ecmpWidth) {
        this(ecmpWidth, 64);
    }

    /** As {@link #Rib(int)}, presized for {@code expectedPrefixes} entries (grows beyond as needed). */
    public Rib(int ecmpWidth, int expectedPrefixes) {
        checkEcmpWidth(ecmpWidth);
        this.ecmpWidth = ecmpWidth;
        this.initialCapacity = Math.max(16, expectedPrefixes);
        allocate(initialCapacity);
    }

    private void allocate(int capacity) {
        ePrefix = new int[capacity];
        eLength = new byte[capacity];
        eHead = new int[capacity];
        eBestNh = new int[capacity];
        eBestAttr = new int[capacity];
        eBestMetric = new int[capacity];
        cNext = new int[capacity];
        cOrigin = new int[capacity];
        cAttr = new int[capacity];
        cMetric = new int[capacity];
        cNh = new int[capacity];
    }

    // ------------------------------------------------------------------------------------------
    // listeners and configuration
    // ------------------------------------------------------------------------------------------

    public void addListener(RibListener listener) {
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    public boolean removeListener(RibListener listener) {
        for (int i = 0; i < listeners.length; i++) {
            if (listeners[i] == listener) {
                RibListener[] next = new RibListener[listeners.length - 1];
                System.arraycopy(listeners, 0, next, 0, i);
                System.arraycopy(listeners, i + 1, next, i, next.length - i);
                listeners = next;
                return true;
            }
        }
        return false;
    }

    public int ecmpWidth() {
        return ecmpWidth;
    }

    /** Changes the ECMP width and selects every prefix again (listeners hear of each changed best). */
    public void setEcmpWidth(int width) {
        checkEcmpWidth(width);
        checkNotNotifying();
        if (width == ecmpWidth) {
            return;
        }
        ecmpWidth = width;
        for (int e = 0; e < entryHigh; e++) {
            if (eLength[e] != FREE) {
                select(e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // modification
    // ------------------------------------------------------------------------------------------

    /** Adds or replaces a candidate with the source's default distance. Returns whether anything changed. */
    public boolean add(RouteSource source, int origin, int prefix, int length, int metric, NextHopSet nextHopSet) {
        return add(source, origin, prefix, length, source.defaultDistance(), metric, nextHopSet);
    }

    /**
     * Adds or replaces the candidate (source, origin) of {@code prefix/length} (host bits are cleared).
     * Returns whether anything changed; listeners hear of a change of the best route before it returns.
     */
    public boolean add(RouteSource source, int origin, int prefix, int length, int distance, int metric,
                       NextHopSet nextHopSet) {
        checkNotNotifying();
        checkLength(length);
        if (distance < 0 || distance > RouteSource.MAX_DISTANCE) {
            throw new IllegalArgumentException("distance " + distance + " is out of range 0.." + RouteSource.MAX_DISTANCE);
        }
        if (metric < 0) {
            throw new IllegalArgumentException("metric " + metric + " is negative");
        }
        if (nextHopSet == null) {
            throw new IllegalArgumentException("next hops must not be null");
        }
        prefix &= mask(length);
        int attr = source.ordinal() << 8 | distance;
        int e = find(prefix, length);
        if (e == NONE) {
            e = newEntry(prefix, length);
        }
        int c = eHead[e];
        while (c != NONE && !(cAttr[c] >>> 8 == source.ordinal() && cOrigin[c] == origin)) {
            c = cNext[c];
        }
        if (c != NONE) {
            if (cAttr[c] == attr && cMetric[c] == metric && nextHops.get(cNh[c]).equals(nextHopSet)) {
                return false;
            }
            int old = cNh[c];
            cNh[c] = nextHops.acquire(nextHopSet);
            nextHops.release(old);
        } else {
            c = newCandidate();
            cOrigin[c] = origin;
            cNh[c] = nextHops.acquire(nextHopSet);
            cNext[c] = eHead[e];
            eHead[e] = c;
        }
        cAttr[c] = attr;
        cMetric[c] = metric;
        markChanged(prefix, length);
        select(e);
        return true;
    }

    /** Removes the candidate (source, origin) of {@code prefix/length}. Returns false if there was none. */
    public boolean remove(RouteSource source, int origin, int prefix, int length) {
        checkNotNotifying();
        checkLength(length);
        prefix &= mask(length);
        int e = find(prefix, length);
        if (e == NONE) {
            return false;
        }
        int prev = NONE;
        int c = eHead[e];
        while (c != NONE && !(cAttr[c] >>> 8 == source.ordinal() && cOrigin[c] == origin)) {
            prev = c;
            c = cNext[c];
        }
        if (c == NONE) {
            return false;
        }
        markChanged(prefix, length);
        unlinkCandidate(e, prev, c);
        afterCandidateRemoval(e);
        return true;
    }

    /** Removes every candidate of {@code source} (any origin); returns how many. */
    public int removeAll(RouteSource source) {
        return removeWhere(source, false, 0);
    }

    /** Removes every candidate of ({@code source}, {@code origin}); returns how many. */
    public int removeAll(RouteSource source, int origin) {
        return removeWhere(source, true, origin);
    }

    private int removeWhere(RouteSource source, boolean matchOrigin, int origin) {
        checkNotNotifying();
        int removed = 0;
        for (int e = 0; e < entryHigh; e++) {
            if (eLength[e] == FREE) {
                continue;
            }
            boolean any = false;
            int prev = NONE;
            int c = eHead[e];
            while (c != NONE) {
                int next = cNext[c];
                if (cAttr[c] >>> 8 == source.ordinal() && (!matchOrigin || cOrigin[c] == origin)) {
                    unlinkCandidate(e, prev, c);
                    any = true;
                    removed++;
                } else {
                    prev = c;
                }
                c = next;
            }
            if (any) {
                markChanged(ePrefix[e], eLength[e]);
                afterCandidateRemoval(e);
            }
        }
        return removed;
    }

    /**
     * Forgets everything without telling the listeners (a stopped VR, or a restore that replaces the
     * table) and gives the memory of a large table back.
     */
    public void clear() {
        checkNotNotifying();
        if (changed != null) {
            for (int e = 0; e < entryHigh; e++) {
                if (eLength[e] != FREE) {
                    markChanged(ePrefix[e], eLength[e]);
                }
            }
        }
        Arrays.fill(byLength, null);
        lengthMask = 0;
        allocate(initialCapacity);
        entryHigh = 0;
        entryFree = NONE;
        entryCount = 0;
        candHigh = 0;
        candFree = NONE;
        candCount = 0;
        nextHops.clear();
    }

    /**
     * Replaces all candidates of {@code prefix/length} (host bits clear) by the {@code n} given ones, then
     * selects once: listeners hear one change at most. {@code n == 0} removes the prefix. The arrays are
     * the caller's scratch, read at {@code [0, n)}; values are trusted to be valid (the checkpoint reader
     * checks them). The chain keeps the given order. Returns whether the prefix existed or was created.
     */
    boolean replaceCandidates(int prefix, int length, int n, RouteSource[] sources, int[] origins, int[] distances,
                              int[] metrics, NextHopSet[] sets) {
        checkNotNotifying();
        int e = find(prefix, length);
        if (n == 0) {
            if (e == NONE) {
                return false;
            }
            markChanged(prefix, length);
            while (eHead[e] != NONE) {
                unlinkCandidate(e, NONE, eHead[e]);
            }
            afterCandidateRemoval(e);
            return true;
        }
        if (e == NONE) {
            e = newEntry(prefix, length);
        }
        int old = eHead[e];
        eHead[e] = NONE;
        for (int i = n - 1; i >= 0; i--) {
            int c = newCandidate();
            cOrigin[c] = origins[i];
            cAttr[c] = sources[i].ordinal() << 8 | distances[i];
            cMetric[c] = metrics[i];
            cNh[c] = nextHops.acquire(sets[i]);
            cNext[c] = eHead[e];
            eHead[e] = c;
        }
        while (old != NONE) {
            int next = cNext[old];
            nextHops.release(cNh[old]);
            cNh[old] = NONE;
            cNext[old] = candFree;
            candFree = old;
            candCount--;
            old = next;
        }
        markChanged(prefix, length);
        select(e);
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // change tracking (checkpoint deltas)
    // ------------------------------------------------------------------------------------------

    /** Starts recording changed prefixes, forgetting any recorded so far. */
    public void startChangeTracking() {
        changed = new LongHashSet(SMALL_CHANGE_SET);
    }

    /** Stops recording changed prefixes and drops the record. */
    public void stopChangeTracking() {
        changed = null;
    }

    public boolean tracksChanges() {
        return changed != null;
    }

    /** Prefixes whose candidates changed since tracking started or the last {@link #clearChanges()}; 0 when not tracking. */
    public int changedPrefixCount() {
        return changed == null ? 0 : changed.size();
    }

    /** The changed prefixes as keys ({@link #key}); null when not tracking. Do not modify it. */
    LongHashSet changes() {
        return changed;
    }

    /** Forgets the recorded changes (after a delta was written); gives the memory of a large record back. */
    void clearChanges() {
        if (changed != null) {
            if (changed.capacity() > 4 * SMALL_CHANGE_SET && changed.size() < changed.capacity() / 8) {
                changed = new LongHashSet(SMALL_CHANGE_SET);
            } else {
                changed.clear();
            }
        }
    }

    private void markChanged(int prefix, int length) {
        if (changed != null) {
            changed.add(key(prefix, length));
        }
    }

    /** {@code prefix/length} as one long: the prefix (unsigned) above 6 bits of length. */
    public static long key(int prefix, int length) {
        return (prefix & 0xFFFF_FFFFL) << 6 | length;
    }

    public static int keyPrefix(long key) {
        return (int) (key >>> 6);
    }

    public static int keyLength(long key) {
        return (int) (key & 63);
    }

    /** The interned next-hop table (checkpoint dictionary). */
    NextHopTable nextHopTable() {
        return nextHops;
    }

    /** The next-hop set id of candidate {@code c} in {@link #nextHopTable()}. */
    int candidateNextHopId(int candidate) {
        return cNh[candidate];
    }

    // ------------------------------------------------------------------------------------------
    // queries
    // ------------------------------------------------------------------------------------------

    /** Number of prefixes (each has a best route). */
    public int size() {
        return entryCount;
    }

    /** Number of candidates over all prefixes. */
    public int candidateCount() {
        return candCount;
    }

    /** Number of distinct next-hop sets in use. */
    public int nextHopSetCount() {
        return nextHops.size();
    }

    /** Exact match: the entry of {@code prefix/length}, or {@link #NONE}. */
    public int find(int prefix, int length) {
        checkLength(length);
        Int2IntHashMap m = byLength[length];
        return m == null ? NONE : m.get(prefix & mask(length));
    }

    /**
     * The best next hops of the route to {@code destination} when it leaves by an interface (a gateway
     * or an attached subnet), or null (no route, or a local, drop or reject route). Hosts route their
     * own datagrams with it: the first member's interface is the outgoing one.
     */
    public NextHopSet outgoingHops(int destination) {
        int e = lookup(destination);
        if (e == NONE) {
            return null;
        }
        NextHopSet hops = bestNextHops(e);
        int kind = hops.kind(0);
        return kind == NextHop.FORWARD || kind == NextHop.GLEAN ? hops : null;
    }

    /** Longest-prefix match over best routes: the entry covering {@code address}, or {@link #NONE}. */
    public int lookup(int address) {
        long m = lengthMask;
        while (m != 0) {
            int length = 63 - Long.numberOfLeadingZeros(m);
            int e = byLength[length].get(address & mask(length));
            if (e != NONE) {
                return e;
            }
            m &= ~(1L << length);
        }
        return NONE;
    }

    public int prefix(int entry) {
        return ePrefix[entry];
    }

    public int length(int entry) {
        return eLength[entry];
    }

    public RouteSource bestSource(int entry) {
        return RouteSource.fromOrdinal(eBestAttr[entry] >>> 8);
    }

    public int bestDistance(int entry) {
        return eBestAttr[entry] & 0xFF;
    }

    public int bestMetric(int entry) {
        return eBestMetric[entry];
    }

    public NextHopSet bestNextHops(int entry) {
        return nextHops.get(eBestNh[entry]);
    }

    /** The first live entry (in storage order), or {@link #NONE}; with {@link #nextEntry} a cursor. */
    public int firstEntry() {
        return nextEntry(-1);
    }

    public int nextEntry(int entry) {
        for (int e = entry + 1; e < entryHigh; e++) {
            if (eLength[e] != FREE) {
                return e;
            }
        }
        return NONE;
    }

    public int firstCandidate(int entry) {
        return eHead[entry];
    }

    public int nextCandidate(int candidate) {
        return cNext[candidate];
    }

    public RouteSource candidateSource(int candidate) {
        return RouteSource.fromOrdinal(cAttr[candidate] >>> 8);
    }

    public int candidateOrigin(int candidate) {
        return cOrigin[candidate];
    }

    public int candidateDistance(int candidate) {
        return cAttr[candidate] & 0xFF;
    }

    public int candidateMetric(int candidate) {
        return cMetric[candidate];
    }

    public NextHopSet candidateNextHops(int candidate) {
        return nextHops.get(cNh[candidate]);
    }

    /** Receives best routes from {@link #forEachBest}. */
    @FunctionalInterface
    public interface BestRouteConsumer {
        void accept(int prefix, int length, RouteSource source, int distance, int metric, NextHopSet nextHops);
    }

    /** Visits every best route in storage order. */
    public void forEachBest(BestRouteConsumer consumer) {
        for (int e = 0; e < entryHigh; e++) {
            if (eLength[e] != FREE) {
                consumer.accept(ePrefix[e], eLength[e], bestSource(e), bestDistance(e), eBestMetric[e],
                        nextHops.get(eBestNh[e]));
            }
        }
    }

    /** The best route of {@code prefix/length} as a value, or null (allocates: management and tests). */
    public Route best(int prefix, int length) {
        int e = find(prefix, length);
        if (e == NONE) {
            return null;
        }
        int winner = winner(e);
        return new Route(ePrefix[e], eLength[e], bestSource(e), cOrigin[winner], bestDistance(e), eBestMetric[e],
                bestNextHops(e));
    }

    /** The candidates of {@code prefix/length}, best first by the selection order (allocates). */
    public List<Route> candidates(int prefix, int length) {
        int e = find(prefix, length);
        List<Route> list = new ArrayList<>();
        if (e == NONE) {
            return list;
        }
        for (int c = eHead[e]; c != NONE; c = cNext[c]) {
            list.add(new Route(ePrefix[e], eLength[e], candidateSource(c), cOrigin[c], candidateDistance(c), cMetric[c],
                    candidateNextHops(c)));
        }
        list.sort((a, b) -> {
            int d = Integer.compare(a.distance(), b.distance());
            d = d != 0 ? d : Integer.compare(a.metric(), b.metric());
            d = d != 0 ? d : Integer.compare(a.source().ordinal(), b.source().ordinal());
            return d != 0 ? d : Integer.compareUnsigned(a.origin(), b.origin());
        });
        return list;
    }

    /**
     * Bytes held by this RIB's own arrays and maps (capacities, not just sizes), excluding the JVM's
     * object headers of the maps themselves. The figure the full-table test reports per route.
     */
    public long footprintBytes() {
        long b = (long) ePrefix.length * (4 + 1 + 4 + 4 + 4 + 4) + (long) cNext.length * (4 * 5);
        for (Int2IntHashMap m : byLength) {
            if (m != null) {
                b += 8L * m.capacity() + 64;
            }
        }
        return b + nextHops.footprintBytes();
    }

    // ------------------------------------------------------------------------------------------
    // selection
    // ------------------------------------------------------------------------------------------

    /** True if candidate a is preferred to candidate b. */
    private boolean better(int a, int b) {
        int da = cAttr[a] & 0xFF;
        int db = cAttr[b] & 0xFF;
        if (da != db) {
            return da < db;
        }
        if (cMetric[a] != cMetric[b]) {
            return cMetric[a] < cMetric[b];
        }
        int sa = cAttr[a] >>> 8;
        int sb = cAttr[b] >>> 8;
        if (sa != sb) {
            return sa < sb;
        }
        return Integer.compareUnsigned(cOrigin[a], cOrigin[b]) < 0;
    }

    private int winner(int e) {
        int best = eHead[e];
        for (int c = cNext[best]; c != NONE; c = cNext[c]) {
            if (better(c, best)) {
                best = c;
            }
        }
        return best;
    }

    /** Chooses the best route of entry e and tells the listeners when it changed. */
    private void select(int e) {
        int best = winner(e);
        int attr = cAttr[best];
        int metric = cMetric[best];
        NextHopSet winnerSet = nextHops.get(cNh[best]);
        int nh;
        boolean merge = false;
        if (ecmpWidth > 1 && !winnerSet.isSpecial()) {
            for (int c = eHead[e]; c != NONE; c = cNext[c]) {
                if (c != best && cAttr[c] == attr && cMetric[c] == metric && !nextHops.get(cNh[c]).isSpecial()) {
                    merge = true;
                    break;
                }
            }
        }
        if (merge) {
            int n = 0;
            for (int c = eHead[e]; c != NONE; c = cNext[c]) {
                if (cAttr[c] == attr && cMetric[c] == metric) {
                    NextHopSet s = nextHops.get(cNh[c]);
                    if (!s.isSpecial()) {
                        ensureScratch(n + s.size());
                        System.arraycopy(s.hops(), 0, scratch, n, s.size());
                        n += s.size();
                    }
                }
            }
            Arrays.sort(scratch, 0, n);
            int u = 1;
            for (int i = 1; i < n; i++) {
                if (scratch[i] != scratch[u - 1]) {
                    scratch[u++] = scratch[i];
                }
            }
            nh = nextHops.acquire(scratch, Math.min(u, ecmpWidth));
        } else if (winnerSet.size() > ecmpWidth) {
            nh = nextHops.acquire(winnerSet.hops(), ecmpWidth);
        } else {
            nh = cNh[best];
            nextHops.retain(nh);
        }

        int oldNh = eBestNh[e];
        if (oldNh == NONE) {
            eBestNh[e] = nh;
            eBestAttr[e] = attr;
            eBestMetric[e] = metric;
            fillCurrent(e);
            change.previousSource = null;
            change.previousDistance = 0;
            change.previousMetric = 0;
            change.previousNextHops = null;
            notify(RibChange.Kind.ADDED, e);
            return;
        }
        if (oldNh == nh && eBestAttr[e] == attr && eBestMetric[e] == metric) {
            nextHops.release(nh); // unchanged: drop the extra reference taken above
            return;
        }
        fillPrevious(e);
        eBestNh[e] = nh;
        eBestAttr[e] = attr;
        eBestMetric[e] = metric;
        fillCurrent(e);
        notify(RibChange.Kind.CHANGED, e);
        nextHops.release(oldNh);
    }

    private void afterCandidateRemoval(int e) {
        if (eHead[e] != NONE) {
            select(e);
            return;
        }
        fillPrevious(e);
        change.source = null;
        change.distance = 0;
        change.metric = 0;
        change.nextHops = null;
        int oldNh = eBestNh[e];
        int prefix = ePrefix[e];
        int length = eLength[e];
        freeEntry(e, prefix, length);
        change.prefix = prefix;
        change.length = length;
        notifyPrepared(RibChange.Kind.REMOVED);
        nextHops.release(oldNh);
    }

    private void fillPrevious(int e) {
        change.previousSource = bestSource(e);
        change.previousDistance = bestDistance(e);
        change.previousMetric = eBestMetric[e];
        change.previousNextHops = nextHops.get(eBestNh[e]);
    }

    private void fillCurrent(int e) {
        change.source = bestSource(e);
        change.distance = bestDistance(e);
        change.metric = eBestMetric[e];
        change.nextHops = nextHops.get(eBestNh[e]);
    }

    private void notify(RibChange.Kind kind, int e) {
        change.prefix = ePrefix[e];
        change.length = eLength[e];
        notifyPrepared(kind);
    }

    private void notifyPrepared(RibChange.Kind kind) {
        change.kind = kind;
        RibListener[] ls = listeners;
        if (ls.length == 0) {
            return;
        }
        notifying = true;
        try {
            for (RibListener l : ls) {
                l.onBestRouteChange(change);
            }
        } finally {
            notifying = false;
        }
    }

    // ------------------------------------------------------------------------------------------
    // storage
    // ------------------------------------------------------------------------------------------

    private int newEntry(int prefix, int length) {
        int e;
        if (entryFree != NONE) {
            e = entryFree;
            entryFree = eHead[e];
        } else {
            if (entryHigh == ePrefix.length) {
                growEntries();
            }
            e = entryHigh++;
        }
        ePrefix[e] = prefix;
        eLength[e] = (byte) length;
        eHead[e] = NONE;
        eBestNh[e] = NONE;
        eBestAttr[e] = 0;
        eBestMetric[e] = 0;
        Int2IntHashMap m = byLength[length];
        if (m == null) {
            m = new Int2IntHashMap(16, LOAD_FACTOR, NONE);
            byLength[length] = m;
        }
        m.put(prefix, e);
        lengthMask |= 1L << length;
        entryCount++;
        return e;
    }

    private void freeEntry(int e, int prefix, int length) {
        Int2IntHashMap m = byLength[length];
        m.remove(prefix);
        if (m.isEmpty()) {
            byLength[length] = null;
            lengthMask &= ~(1L << length);
        }
        eLength[e] = FREE;
        eBestNh[e] = NONE;
        eHead[e] = entryFree;
        entryFree = e;
        entryCount--;
    }

    private int newCandidate() {
        int c;
        if (candFree != NONE) {
            c = candFree;
            candFree = cNext[c];
        } else {
            if (candHigh == cNext.length) {
                growCandidates();
            }
            c = candHigh++;
        }
        candCount++;
        return c;
    }

    private void unlinkCandidate(int e, int prev, int c) {
        if (prev == NONE) {
            eHead[e] = cNext[c];
        } else {
            cNext[prev] = cNext[c];
        }
        nextHops.release(cNh[c]);
        cNh[c] = NONE;
        cNext[c] = candFree;
        candFree = c;
        candCount--;
    }

    private void growEntries() {
        int n = grow(ePrefix.length);
        ePrefix = Arrays.copyOf(ePrefix, n);
        eLength = Arrays.copyOf(eLength, n);
        eHead = Arrays.copyOf(eHead, n);
        eBestNh = Arrays.copyOf(eBestNh, n);
        eBestAttr = Arrays.copyOf(eBestAttr, n);
        eBestMetric = Arrays.copyOf(eBestMetric, n);
    }

    private void growCandidates() {
        int n = grow(cNext.length);
        cNext = Arrays.copyOf(cNext, n);
        cOrigin = Arrays.copyOf(cOrigin, n);
        cAttr = Arrays.copyOf(cAttr, n);
        cMetric = Arrays.copyOf(cMetric, n);
        cNh = Arrays.copyOf(cNh, n);
    }

    private static int grow(int n) {
        long next = n + (n >> 1) + 16;
        if (next > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("RIB is full");
        }
        return (int) next;
    }

    private void ensureScratch(int n) {
        if (n > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(n, scratch.length * 2));
        }
    }

    private void checkNotNotifying() {
        if (notifying) {
            throw new IllegalStateException("a RIB listener must not modify the RIB from its callback");
        }
    }

    private static void checkLength(int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range 0..32");
        }
    }

    private static void checkEcmpWidth(int width) {
        if (width < 1 || width > MAX_ECMP_WIDTH) {
            throw new IllegalArgumentException("ECMP width " + width + " is out of range 1.." + MAX_ECMP_WIDTH);
        }
    }

    /** The netmask of a prefix length, host order ({@code /0} is 0). */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }
}
