package org.vroom.fib;

import org.agrona.UnsafeApi;
import org.agrona.collections.Int2IntHashMap;

import java.util.Arrays;

/**
 * Off-heap IPv4 DIR-24-8 (Gupta, Lin, McKeown 1998; the layout of DPDK's rte_lpm/rte_fib).
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li><b>tbl24</b>: 2^24 32-bit entries, one per /24, split into 1024 chunks of 16384 entries (64 KiB).
 *       A chunk is allocated (and zeroed) on its first write; until then the chunk directory points at
 *       one shared all-zero chunk. So a FIB with a few routes makes a few chunks resident, not 64 MiB,
 *       and the cost is one load from an 8 KiB directory that stays in L1.</li>
 *   <li><b>tbl8</b>: groups of 256 entries (1 KiB) for /24s that hold prefixes longer than /24,
 *       allocated in slabs of 64 groups.</li>
 *   <li>The <b>default route</b> (/0) lives in a field, not in tbl24: an empty entry means "use the default".</li>
 * </ul>
 *
 * <h2>Entries</h2>
 * <pre>
 *   0                          empty: no prefix longer than /0 covers it
 *   bit 31 = 1                 extended: bits 0..30 are a tbl8 group index (tbl24 only)
 *   bit 31 = 0, non-zero       route: bits 24..29 prefix length (1..32), bits 0..23 next hop
 * </pre>
 * Keeping the prefix length in the entry lets add and delete decide entry by entry which route owns it,
 * without a trie walk. A route index (one hash map per prefix length) gives exact-match lookups and the
 * covering prefix that replaces a deleted one, as DPDK's rte_lpm does.
 *
 * <h2>Concurrency</h2>
 * One writer thread; any number of lock-free readers. Every entry store is a release store of an
 * aligned 32-bit word (never torn); a new tbl8 group and a new chunk are fully written before the store
 * that links them. Readers load entries with opaque loads (never cached or merged by the JIT) and rely
 * on address dependency for the group and chunk contents behind a link, as Linux's
 * {@code rcu_dereference} does: the second load's address comes from the first load's value, so no CPU
 * or compiler can perform it earlier. A tbl8 group that is unlinked goes to a limbo list tagged with a grace period of the
 * {@link QuiescentStateDomain}; it is reused only after every registered reader has passed a quiescent
 * point, so a reader that loaded the old tbl24 entry can never read the group after it was recycled.
 * {@link #close()} swaps in an empty directory and frees the memory after a grace period, so a late
 * lookup on a closed FIB answers {@link #NO_ROUTE} instead of touching freed memory.
 */
final class Dir24_8Fib implements Ipv4Fib {
    static final int CHUNK_BITS = 14;
    static final int DIR_BITS = 24 - CHUNK_BITS;
    static final int CHUNK_ENTRIES = 1 << CHUNK_BITS;
    static final int CHUNK_BYTES = CHUNK_ENTRIES * 4;
    static final int CHUNKS = 1 << (24 - CHUNK_BITS);
    static final int GROUP_ENTRIES = 256;
    static final int GROUP_BYTES = GROUP_ENTRIES * 4;
    static final int SLAB_GROUPS_BITS = 6;
    static final int SLAB_GROUPS = 1 << SLAB_GROUPS_BITS;
    static final int SLAB_BYTES = SLAB_GROUPS * GROUP_BYTES;

    static final int EXT = 0x8000_0000;
    static final int NH_MASK = 0x00FF_FFFF;
    static final int DEPTH_SHIFT = 24;
    static final int MAX_NEXT_HOPS = 1 << 24;
    private static final int MISSING = -1;
    /** How long a writer that needs a tbl8 group waits for readers to release retired ones. */
    private static final long GRACE_WAIT_NANOS = 200_000_000L;

    /** A directory whose chunks are all the shared zero chunk: what a closed FIB reads. */
    private static final long ZERO_CHUNK;
    private static final long EMPTY_DIR;

    static {
        ZERO_CHUNK = UnsafeApi.allocateMemory(CHUNK_BYTES);
        UnsafeApi.setMemory(ZERO_CHUNK, CHUNK_BYTES, (byte) 0);
        EMPTY_DIR = UnsafeApi.allocateMemory((long) CHUNKS * 8);
        for (int i = 0; i < CHUNKS; i++) {
            UnsafeApi.putLong(EMPTY_DIR + i * 8L, ZERO_CHUNK);
        }
    }

    private final int maxNextHops;
    private final int maxTbl8Groups;
    private final QuiescentStateDomain domain;
    private final boolean reuseWithoutGracePeriod;

    /** Chunk directory: CHUNKS native addresses. Read by readers, replaced only by close(). */
    private volatile long dir;
    private final long ownDir;
    /** Default route next hop, or NO_ROUTE. */
    private volatile int defaultNextHop = NO_ROUTE;
    /** tbl8 slab addresses; only the writer changes it, readers reach a slab only through a linked group. */
    private volatile long[] slabs = new long[0];

    // ---- writer-only state ----
    private final Int2IntHashMap[] routesByLength = new Int2IntHashMap[33];
    private int routeCount;
    private int chunksAllocated;
    private int groupsCreated;
    private int[] freeGroups = new int[16];
    private int freeCount;
    private long[] limboTags = new long[16];
    private int[] limboGroups = new int[16];
    private int limboHead;
    private int limboTail;
    /** Routes longer than /24 in each tbl8 group: the group collapses back into tbl24 when it reaches 0. */
    private int[] longRoutesInGroup = new int[0];
    /** The tbl24 index a group is linked from (for checks). */
    private int[] groupOwner = new int[0];
    private boolean closed;

    Dir24_8Fib(int maxNextHops, int maxTbl8Groups, QuiescentStateDomain domain) {
        this(maxNextHops, maxTbl8Groups, domain, false);
    }

    /** {@code reuseWithoutGracePeriod} breaks the reclamation on purpose: only for the test that proves it matters. */
    Dir24_8Fib(int maxNextHops, int maxTbl8Groups, QuiescentStateDomain domain, boolean reuseWithoutGracePeriod) {
        if (maxNextHops < 1 || maxNextHops > MAX_NEXT_HOPS) {
            throw new IllegalArgumentException("maxNextHops must be in 1.." + MAX_NEXT_HOPS + ": " + maxNextHops);
        }
        if (maxTbl8Groups < 0 || maxTbl8Groups > (1 << 24)) {
            throw new IllegalArgumentException("maxTbl8Groups must be in 0.." + (1 << 24) + ": " + maxTbl8Groups);
        }
        this.maxNextHops = maxNextHops;
        this.maxTbl8Groups = maxTbl8Groups;
        this.domain = domain;
        this.reuseWithoutGracePeriod = reuseWithoutGracePeriod;
        long d = UnsafeApi.allocateMemory((long) CHUNKS * 8);
        UnsafeApi.copyMemory(EMPTY_DIR, d, (long) CHUNKS * 8);
        this.ownDir = d;
        this.dir = d;
    }

    // =====================================================================================
    // readers
    // =====================================================================================

    @Override
    public int lookup(int address) {
        long d = dir;
        long chunk = UnsafeApi.getLong(d + ((long) (address >>> (32 - DIR_BITS)) << 3));
        int e = UnsafeApi.getIntOpaque(null, chunk + ((long) ((address >>> 8) & (CHUNK_ENTRIES - 1)) << 2));
        if (e < 0) {
            e = UnsafeApi.getIntOpaque(null, groupAddress(slabs, e & ~EXT) + ((long) (address & 0xFF) << 2));
        }
        return e != 0 ? e & NH_MASK : defaultNextHop;
    }

    /**
     * Two passes so that the cache misses of a batch overlap: first every tbl24 load (independent of each
     * other, so the CPU keeps many in flight), then the rare tbl8 loads and the decoding.
     */
    @Override
    public void lookupBatch(int[] addresses, int[] nextHops, int count) {
        if (count > addresses.length || count > nextHops.length) {
            throw new IndexOutOfBoundsException("count " + count + " exceeds arrays");
        }
        long d = dir;
        for (int i = 0; i < count; i++) {
            int a = addresses[i];
            long chunk = UnsafeApi.getLong(d + ((long) (a >>> (32 - DIR_BITS)) << 3));
            nextHops[i] = UnsafeApi.getIntOpaque(null, chunk + ((long) ((a >>> 8) & (CHUNK_ENTRIES - 1)) << 2));
        }
        int def = defaultNextHop;
        long[] s = slabs;
        for (int i = 0; i < count; i++) {
            int e = nextHops[i];
            if (e < 0) {
                e = UnsafeApi.getIntOpaque(null, groupAddress(s, e & ~EXT) + ((long) (addresses[i] & 0xFF) << 2));
            }
            nextHops[i] = e != 0 ? e & NH_MASK : def;
        }
    }

    private static long groupAddress(long[] slabs, int group) {
        return slabs[group >>> SLAB_GROUPS_BITS] + ((long) (group & (SLAB_GROUPS - 1)) << 10);
    }

    // =====================================================================================
    // writer
    // =====================================================================================

    @Override
    public void add(int prefix, int length, int nextHop) {
        checkOpen();
        checkLength(length);
        if (nextHop < 0 || nextHop >= maxNextHops) {
            throw new IllegalArgumentException("next hop " + nextHop + " outside 0.." + (maxNextHops - 1));
        }
        prefix &= mask(length);
        if (length == 0) {
            if (defaultNextHop == NO_ROUTE) {
                routeCount++;
            }
            defaultNextHop = nextHop;
            return;
        }
        int idx24 = prefix >>> 8;
        int group = -1;
        if (length > 24) {
            int cur = tbl24Get(idx24);
            if (cur >= 0) {
                group = allocateGroup(); // may throw: nothing has been changed yet
            }
        }
        Int2IntHashMap routes = routes(length);
        int old = routes.put(prefix, nextHop);
        if (old == MISSING) {
            routeCount++;
        }
        int entry = routeEntry(length, nextHop);
        if (length <= 24) {
            paint24(idx24, 1 << (24 - length), length, entry, false);
        } else {
            int cur = tbl24Get(idx24);
            if (group >= 0) {
                linkNewGroup(idx24, group, cur);
            } else {
                group = cur & ~EXT;
            }
            if (old == MISSING) {
                longRoutesInGroup[group]++;
            }
            paint8(group, prefix & 0xFF, 1 << (32 - length), length, entry, false);
        }
    }

    @Override
    public boolean delete(int prefix, int length) {
        checkOpen();
        checkLength(length);
        prefix &= mask(length);
        if (length == 0) {
            if (defaultNextHop == NO_ROUTE) {
                return false;
            }
            defaultNextHop = NO_ROUTE;
            routeCount--;
            return true;
        }
        Int2IntHashMap routes = routesByLength[length];
        if (routes == null || routes.remove(prefix) == MISSING) {
            return false;
        }
        routeCount--;
        int cover = coveringEntry(prefix, length);
        int idx24 = prefix >>> 8;
        if (length <= 24) {
            paint24(idx24, 1 << (24 - length), length, cover, true);
        } else {
            int cur = tbl24Get(idx24);
            if (cur >= 0) {
                throw new IllegalStateException("corrupt FIB: route " + format(prefix, length) + " without tbl8 group");
            }
            int group = cur & ~EXT;
            paint8(group, prefix & 0xFF, 1 << (32 - length), length, cover, true);
            if (--longRoutesInGroup[group] == 0) {
                // every entry of the group now comes from one route of length <= 24 (or none): collapse
                int uniform = UnsafeApi.getInt(groupAddress(slabs, group));
                tbl24Put(idx24, uniform);
                retireGroup(group);
            }
        }
        return true;
    }

    @Override
    public void load(int[] prefixes, byte[] lengths, int[] nextHops, int count) {
        checkOpen();
        if (count > prefixes.length || count > lengths.length || count > nextHops.length) {
            throw new IndexOutOfBoundsException("count " + count + " exceeds arrays");
        }
        for (int i = 0; i < count; i++) {
            checkLength(lengths[i]);
            if (nextHops[i] < 0 || nextHops[i] >= maxNextHops) {
                throw new IllegalArgumentException("next hop " + nextHops[i] + " outside 0.." + (maxNextHops - 1));
            }
        }
        // Remove what the new table does not have, then add everything (adds replace in place, so
        // a reader sees each address change at most once, from its old to its new next hop).
        if (routeCount > 0) {
            Int2IntHashMap[] keep = new Int2IntHashMap[33];
            for (int i = 0; i < count; i++) {
                int len = lengths[i];
                if (keep[len] == null) {
                    keep[len] = new Int2IntHashMap(16, 0.65f, MISSING);
                }
                keep[len].put(prefixes[i] & mask(len), 1);
            }
            for (int len = 32; len >= 0; len--) {
                Int2IntHashMap cur = len == 0 ? null : routesByLength[len];
                if (len == 0) {
                    if (defaultNextHop != NO_ROUTE && (keep[0] == null || keep[0].isEmpty())) {
                        delete(0, 0);
                    }
                    continue;
                }
                if (cur == null) {
                    continue;
                }
                int[] stale = new int[cur.size()];
                int n = 0;
                Int2IntHashMap.KeyIterator it = cur.keySet().iterator();
                while (it.hasNext()) {
                    int p = it.nextValue();
                    if (keep[len] == null || !keep[len].containsKey(p)) {
                        stale[n++] = p;
                    }
                }
                for (int i = 0; i < n; i++) {
                    delete(stale[i], len);
                }
            }
        }
        // Shorter prefixes first: each later (longer) route only overwrites, so for an empty table this
        // is a plain paint of every range.
        int[] order = sortByLength(lengths, count);
        for (int k = 0; k < count; k++) {
            int i = order[k];
            add(prefixes[i], lengths[i], nextHops[i]);
        }
    }

    private static int[] sortByLength(byte[] lengths, int count) {
        int[] start = new int[34];
        for (int i = 0; i < count; i++) {
            start[lengths[i] + 1]++;
        }
        for (int l = 1; l < 34; l++) {
            start[l] += start[l - 1];
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[start[lengths[i]]++] = i;
        }
        return order;
    }

    /**
     * Writes {@code entry} into {@code n} tbl24 entries from {@code idx}. For an add ({@code delete}
     * false) an entry is overwritten when its route is not more specific than {@code length}; for a delete,
     * when it belongs to the deleted route (its length equals {@code length}). Extended entries pass the
     * same rule down to each of their 256 tbl8 entries.
     */
    private void paint24(int idx, int n, int length, int entry, boolean delete) {
        int end = idx + n;
        while (idx < end) {
            int c = idx >>> CHUNK_BITS;
            long chunk = chunkForWrite(c);
            int stop = Math.min(end, (c + 1) << CHUNK_BITS);
            for (; idx < stop; idx++) {
                long a = chunk + ((long) (idx & (CHUNK_ENTRIES - 1)) << 2);
                int cur = UnsafeApi.getInt(a);
                if (cur < 0) {
                    paint8(cur & ~EXT, 0, GROUP_ENTRIES, length, entry, delete);
                } else if (owns(cur, length, delete) && cur != entry) {
                    UnsafeApi.putIntRelease(null, a, entry);
                }
            }
        }
    }

    private void paint8(int group, int from, int n, int length, int entry, boolean delete) {
        long g = groupAddress(slabs, group);
        for (int i = from, end = from + n; i < end; i++) {
            long a = g + ((long) i << 2);
            int cur = UnsafeApi.getInt(a);
            if (owns(cur, length, delete) && cur != entry) {
                UnsafeApi.putIntRelease(null, a, entry);
            }
        }
    }

    private static boolean owns(int cur, int length, boolean delete) {
        int depth = cur >>> DEPTH_SHIFT; // cur >= 0 here
        return delete ? depth == length : depth <= length;
    }

    /** The entry of the longest route shorter than {@code length} that covers {@code prefix}, or 0. */
    private int coveringEntry(int prefix, int length) {
        for (int l = length - 1; l >= 1; l--) {
            Int2IntHashMap routes = routesByLength[l];
            if (routes != null && !routes.isEmpty()) {
                int nh = routes.get(prefix & mask(l));
                if (nh != MISSING) {
                    return routeEntry(l, nh);
                }
            }
        }
        return 0;
    }

    private void linkNewGroup(int idx24, int group, int fill) {
        long g = groupAddress(slabs, group);
        for (int i = 0; i < GROUP_ENTRIES; i++) {
            UnsafeApi.putInt(g + ((long) i << 2), fill);
        }
        groupOwner[group] = idx24;
        longRoutesInGroup[group] = 0;
        tbl24Put(idx24, EXT | group); // release: the filled group is visible before the link
    }

    private int allocateGroup() {
        if (freeCount == 0) {
            reclaimGroups();
        }
        if (freeCount > 0) {
            return freeGroups[--freeCount];
        }
        if (groupsCreated == maxTbl8Groups && limboHead < limboTail) {
            awaitGracePeriod();
            if (freeCount > 0) {
                return freeGroups[--freeCount];
            }
        }
        if (groupsCreated == maxTbl8Groups) {
            throw new FibFullException("no free tbl8 group: all " + maxTbl8Groups
                    + " are in use (" + (limboTail - limboHead) + " waiting for readers to pass a quiescent point);"
                    + " create the FIB with more tbl8 groups");
        }
        int group = groupsCreated;
        if ((group & (SLAB_GROUPS - 1)) == 0) {
            long[] s = Arrays.copyOf(slabs, (group >>> SLAB_GROUPS_BITS) + 1);
            s[s.length - 1] = UnsafeApi.allocateMemory(SLAB_BYTES);
            slabs = s; // volatile: published before any entry links a group of this slab
            if (longRoutesInGroup.length < s.length * SLAB_GROUPS) {
                longRoutesInGroup = Arrays.copyOf(longRoutesInGroup, s.length * SLAB_GROUPS * 2);
                groupOwner = Arrays.copyOf(groupOwner, s.length * SLAB_GROUPS * 2);
            }
        }
        groupsCreated++;
        return group;
    }

    private void retireGroup(int group) {
        groupOwner[group] = -1;
        if (reuseWithoutGracePeriod) {
            pushFree(group);
            return;
        }
        long tag = domain.advance();
        if (limboTail - limboHead == limboGroups.length) {
            int n = limboTail - limboHead;
            limboGroups = Arrays.copyOfRange(limboGroups, limboHead, limboHead + n * 2);
            limboTags = Arrays.copyOfRange(limboTags, limboHead, limboHead + n * 2);
            limboHead = 0;
            limboTail = n;
        } else if (limboTail == limboGroups.length) {
            int n = limboTail - limboHead;
            System.arraycopy(limboGroups, limboHead, limboGroups, 0, n);
            System.arraycopy(limboTags, limboHead, limboTags, 0, n);
            limboHead = 0;
            limboTail = n;
        }
        limboGroups[limboTail] = group;
        limboTags[limboTail++] = tag;
    }

    /** Moves groups whose grace period has ended from limbo to the free list. */
    private void reclaimGroups() {
        if (limboHead == limboTail) {
            return;
        }
        long safe = domain.safeUpTo();
        while (limboHead < limboTail && limboTags[limboHead] <= safe) {
            pushFree(limboGroups[limboHead++]);
        }
    }

    /**
     * Every group is in use or in limbo: wait (like synchronize_rcu) for the readers to pass a quiescent
     * point, bounded so that a reader that stopped reporting cannot hang the writer forever.
     */
    private void awaitGracePeriod() {
        long deadline = System.nanoTime() + GRACE_WAIT_NANOS;
        int spins = 0;
        while (freeCount == 0 && System.nanoTime() < deadline) {
            reclaimGroups();
            if (++spins > 100) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void pushFree(int group) {
        if (freeCount == freeGroups.length) {
            freeGroups = Arrays.copyOf(freeGroups, freeCount * 2);
        }
        freeGroups[freeCount++] = group;
    }

    private long chunkForWrite(int c) {
        long slot = ownDir + ((long) c << 3);
        long chunk = UnsafeApi.getLong(slot);
        if (chunk == ZERO_CHUNK) {
            chunk = UnsafeApi.allocateMemory(CHUNK_BYTES);
            UnsafeApi.setMemory(chunk, CHUNK_BYTES, (byte) 0);
            UnsafeApi.putLongRelease(null, slot, chunk);
            chunksAllocated++;
        }
        return chunk;
    }

    private int tbl24Get(int idx) {
        long chunk = UnsafeApi.getLong(ownDir + ((long) (idx >>> CHUNK_BITS) << 3));
        return UnsafeApi.getInt(chunk + ((long) (idx & (CHUNK_ENTRIES - 1)) << 2));
    }

    private void tbl24Put(int idx, int entry) {
        long chunk = chunkForWrite(idx >>> CHUNK_BITS);
        UnsafeApi.putIntRelease(null, chunk + ((long) (idx & (CHUNK_ENTRIES - 1)) << 2), entry);
    }

    private Int2IntHashMap routes(int length) {
        Int2IntHashMap m = routesByLength[length];
        if (m == null) {
            m = new Int2IntHashMap(16, 0.65f, MISSING);
            routesByLength[length] = m;
        }
        return m;
    }

    static int routeEntry(int length, int nextHop) {
        return length << DEPTH_SHIFT | nextHop;
    }

    static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private static void checkLength(int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32: " + length);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("FIB is closed");
        }
    }

    static String format(int prefix, int length) {
        return (prefix >>> 24) + "." + (prefix >>> 16 & 0xFF) + "." + (prefix >>> 8 & 0xFF) + "." + (prefix & 0xFF)
                + "/" + length;
    }

    // =====================================================================================
    // inspection and lifecycle
    // =====================================================================================

    @Override
    public int get(int prefix, int length) {
        checkLength(length);
        if (length == 0) {
            return defaultNextHop;
        }
        Int2IntHashMap m = routesByLength[length];
        return m == null ? NO_ROUTE : m.get(prefix & mask(length));
    }

    @Override
    public int size() {
        return routeCount;
    }

    @Override
    public long residentBytes() {
        long bytes = (long) CHUNKS * 8 + (long) chunksAllocated * CHUNK_BYTES + (long) slabs.length * SLAB_BYTES;
        for (Int2IntHashMap m : routesByLength) {
            if (m != null) {
                bytes += 8L * m.capacity();
            }
        }
        return bytes;
    }

    /** tbl8 groups linked into tbl24 right now. */
    int groupsInUse() {
        return groupsCreated - freeCount - (limboTail - limboHead);
    }

    /** tbl8 groups unlinked but not yet reusable because a reader may still see them. */
    int groupsInLimbo() {
        return limboTail - limboHead;
    }

    @Override
    public QuiescentStateDomain domain() {
        return domain;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        defaultNextHop = NO_ROUTE;
        dir = EMPTY_DIR;
        long own = ownDir;
        long[] s = slabs;
        domain.retire(() -> {
            for (int c = 0; c < CHUNKS; c++) {
                long chunk = UnsafeApi.getLong(own + ((long) c << 3));
                if (chunk != ZERO_CHUNK) {
                    UnsafeApi.freeMemory(chunk);
                }
            }
            UnsafeApi.freeMemory(own);
            for (long slab : s) {
                UnsafeApi.freeMemory(slab);
            }
        });
        Arrays.fill(routesByLength, null);
        routeCount = 0;
    }
}
