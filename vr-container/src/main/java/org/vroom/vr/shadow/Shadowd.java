package org.vroom.vr.shadow;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Object2IntHashMap;
import org.vroom.vr.rib.NextHop;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RibChange;
import org.vroom.vr.rib.RibListener;

import java.util.Arrays;

/**
 * shadowd: turns the best-route changes of a VR's {@link Rib} into batched calls on the
 * {@link DataPlaneHypervisor}.
 *
 * <h2>Next-hop ids</h2>
 * shadowd owns the next-hop id space of its VR's FIB. Every distinct single next hop (kind, interface,
 * gateway) gets one id, shared by all routes that use it. An ECMP set gets one id of its own, a
 * <em>group</em> whose members are the ids of its single next hops (the Linux nexthop-group model):
 * ARP resolves a member adjacency once, in place, for every group and route over it, and a route's
 * FIB entry stays one index. Ids are reference-counted (routes pointing at an id, plus groups holding a
 * member); an id whose count drops to 0 is removed after the routes that used it, and only then reused.
 *
 * <h2>Coalescing</h2>
 * Changes are collected per prefix, keeping the state installed before the batch and the latest
 * wanted state; {@link #flush()} (run by the VR loop at the end of each turn) sends one batch per turn
 * with one operation per changed prefix: a route changed twice is sent once, a route added and
 * removed in the same turn is not sent at all, and next hops created and dropped within the turn never
 * appear. Changes of distance, metric or source that keep the same next hops are not FIB changes and
 * are ignored. A turn with more than {@code maxRoutesPerBatch} route operations is split into several
 * batches (next-hop additions in the first, removals in the last).
 *
 * <h2>Full pushes</h2>
 * {@link #resync()} sends the whole RIB in a batch flagged reset: the data-plane cloning step of a
 * migration (the destination builds its FIB from the RIB, never from the source's FIB) and recovery
 * after a mirror lost a batch. {@link #withdrawAll()} sends an empty reset.
 *
 * <p>Threads: the VR loop only.
 */
public final class Shadowd implements RibListener, AutoCloseable {
    public static final int DEFAULT_MAX_ROUTES_PER_BATCH = 8192;
    private static final int LARGE_PENDING_CAPACITY = 1 << 16;
    private static final int NONE = -1;
    private static final byte FREE = 0;
    private static final byte NEW = 1;
    private static final byte LIVE = 2;

    private final int vrId;
    private final Rib rib;
    private final DataPlaneHypervisor hypervisor;
    private final int maxRoutesPerBatch;
    private final FibUpdateBatch.Builder builder = new FibUpdateBatch.Builder();

    // next-hop ids
    private int[] refs = new int[16];
    private byte[] state = new byte[16];
    private long[] single = new long[16];
    private NextHopSet[] groupSet = new NextHopSet[16];
    private int[][] groupMembers = new int[16][];
    private int idHigh;
    private int[] freeIds = new int[16];
    private int freeCount;
    private int liveIds;
    private final Long2LongHashMap singleIds = new Long2LongHashMap(NONE);
    private final Object2IntHashMap<NextHopSet> groupIds = new Object2IntHashMap<>(NONE);
    private int[] created = new int[16];
    private int createdCount;
    private int[] zeroed = new int[16];
    private int zeroedCount;

    // pending route changes of this turn
    private final Long2LongHashMap pendingIndex = new Long2LongHashMap(NONE);
    private int[] pPrefix = new int[64];
    private byte[] pLength = new byte[64];
    private int[] pOld = new int[64];
    private int[] pNew = new int[64];
    private int pendingCount;

    private long sequence;
    private boolean resetPending;
    private boolean attached;
    private long batchesSent;
    private long routeOpsSent;
    private long nextHopOpsSent;

    /** Attaches to {@code rib} (which must be empty, or call {@link #resync()} next). */
    public Shadowd(int vrId, Rib rib, DataPlaneHypervisor hypervisor) {
        this(vrId, rib, hypervisor, DEFAULT_MAX_ROUTES_PER_BATCH);
    }

    public Shadowd(int vrId, Rib rib, DataPlaneHypervisor hypervisor, int maxRoutesPerBatch) {
        if (maxRoutesPerBatch < 1) {
            throw new IllegalArgumentException("maxRoutesPerBatch must be positive");
        }
        this.vrId = vrId;
        this.rib = rib;
        this.hypervisor = hypervisor;
        this.maxRoutesPerBatch = maxRoutesPerBatch;
        attach();
    }

    /** Starts listening to the RIB again after {@link #detach()}. */
    public void attach() {
        if (!attached) {
            rib.addListener(this);
            attached = true;
        }
    }

    /** Stops listening to the RIB; what was pending is dropped (see {@link #forget()}). */
    public void detach() {
        if (attached) {
            rib.removeListener(this);
            attached = false;
        }
    }

    // ------------------------------------------------------------------------------------------
    // RIB changes
    // ------------------------------------------------------------------------------------------

    @Override
    public void onBestRouteChange(RibChange change) {
        if (change.kind() == RibChange.Kind.CHANGED && !change.nextHopsChanged()) {
            return; // distance, metric or source only: the FIB does not change
        }
        int newId = change.nextHops() == null ? NONE : acquire(change.nextHops());
        int oldId = change.previousNextHops() == null ? NONE : idOf(change.previousNextHops());
        int prefix = change.prefix();
        int length = change.length();
        long key = (prefix & 0xFFFF_FFFFL) << 6 | length;
        int p = (int) pendingIndex.get(key);
        if (p == NONE) {
            p = newPending(key, prefix, length, oldId);
        } else if (pNew[p] != oldId) {
            throw new IllegalStateException("shadowd out of step with the RIB at " + change);
        }
        pNew[p] = newId;
        if (oldId != NONE) {
            release(oldId);
        }
    }

    /** Whether changes wait to be sent. */
    public boolean hasPending() {
        return pendingCount > 0 || createdCount > 0 || zeroedCount > 0 || resetPending;
    }

    /**
     * Sends what changed since the last flush as one batch (or a few, if large). Returns whether a batch
     * was sent (changes that cancel out within the turn send nothing).
     */
    public boolean flush() {
        if (!hasPending()) {
            return false;
        }
        long before = sequence;
        int routes = 0;
        for (int i = 0; i < pendingCount; i++) {
            if (pOld[i] != pNew[i]) {
                routes++;
            }
        }
        boolean reset = resetPending;
        resetPending = false;
        builder.clear();
        for (int i = 0; i < createdCount; i++) {
            int id = created[i];
            if (refs[id] > 0 && state[id] == NEW) {
                emitNextHop(id);
                state[id] = LIVE;
            }
        }
        int sent = 0;
        for (int i = 0; i < pendingCount; i++) {
            int oldId = pOld[i];
            int newId = pNew[i];
            if (oldId == newId) {
                continue;
            }
            if (oldId == NONE) {
                builder.route(FibUpdateBatch.RouteOp.ADD, pPrefix[i], pLength[i], newId);
            } else if (newId == NONE) {
                builder.route(FibUpdateBatch.RouteOp.REMOVE, pPrefix[i], pLength[i], FibUpdateBatch.NO_NEXT_HOP);
            } else {
                builder.route(FibUpdateBatch.RouteOp.REPLACE, pPrefix[i], pLength[i], newId);
            }
            sent++;
            if (builder.routeCount() == maxRoutesPerBatch && sent < routes) {
                send(reset);
                reset = false;
            }
        }
        for (int i = 0; i < zeroedCount; i++) {
            int id = zeroed[i];
            if (state[id] == FREE || refs[id] > 0) {
                continue; // already handled, or used again within the turn
            }
            if (state[id] == LIVE) {
                builder.removeNextHop(id);
            }
            freeId(id);
        }
        pendingIndex.clear();
        if (pendingIndex.capacity() > LARGE_PENDING_CAPACITY) {
            pendingIndex.compact(); // after a full push: clearing 2^21 slots every turn costs milliseconds
        }
        pendingCount = 0;
        createdCount = 0;
        zeroedCount = 0;
        if (reset || builder.routeCount() > 0 || builder.nextHopCount() > 0 || builder.removedCount() > 0) {
            send(reset);
        }
        return sequence != before;
    }

    private void send(boolean reset) {
        FibUpdateBatch batch = builder.build(++sequence, reset);
        builder.clear();
        batchesSent++;
        routeOpsSent += batch.routeCount();
        nextHopOpsSent += batch.nextHopCount() + batch.removedNextHopCount();
        hypervisor.apply(vrId, batch);
    }

    private void emitNextHop(int id) {
        int[] members = groupMembers[id];
        if (members != null) {
            builder.group(FibUpdateBatch.NextHopOp.ADD, id, members, members.length);
        } else {
            long hop = single[id];
            builder.nextHop(FibUpdateBatch.NextHopOp.ADD, id, NextHop.kind(hop), NextHop.ifIndex(hop), NextHop.address(hop));
        }
    }

    // ------------------------------------------------------------------------------------------
    // full pushes
    // ------------------------------------------------------------------------------------------

    /**
     * Takes over the data-plane state of {@code from}, a shadowd of the same VR id feeding the same data
     * plane whose RIB equals this one's (a VR restored beside the VR it replaces, on the same node): its
     * next-hop ids, their references and its batch sequence, so that this shadowd continues exactly where
     * the other stopped, with no resync. {@code from} must have nothing pending (flushed); it is left as it
     * was. Any thread, while neither RIB changes.
     */
    public void adoptState(Shadowd from) {
        if (from.vrId != vrId) {
            throw new IllegalArgumentException("shadowd of VR " + from.vrId + " cannot hand over to VR " + vrId);
        }
        if (from.pendingCount != 0 || from.createdCount != 0 || from.zeroedCount != 0) {
            throw new IllegalStateException("VR " + vrId + ": the shadowd handing over has unsent changes");
        }
        forget();
        refs = from.refs.clone();
        state = from.state.clone();
        single = from.single.clone();
        groupSet = from.groupSet.clone();
        groupMembers = new int[from.groupMembers.length][];
        for (int i = 0; i < groupMembers.length; i++) {
            groupMembers[i] = from.groupMembers[i] == null ? null : from.groupMembers[i].clone();
        }
        idHigh = from.idHigh;
        freeIds = from.freeIds.clone();
        freeCount = from.freeCount;
        liveIds = from.liveIds;
        from.singleIds.forEach(singleIds::put);
        from.groupIds.forEach(groupIds::put);
        created = new int[from.created.length];
        zeroed = new int[from.zeroed.length];
        sequence = from.sequence;
        resetPending = from.resetPending;
        batchesSent = from.batchesSent;
        routeOpsSent = from.routeOpsSent;
        nextHopOpsSent = from.nextHopOpsSent;
    }

    /** Sends the whole RIB as a reset batch (or a reset batch followed by more), now. */
    public void resync() {
        forget();
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            int prefix = rib.prefix(e);
            int length = rib.length(e);
            long key = (prefix & 0xFFFF_FFFFL) << 6 | length;
            int p = newPending(key, prefix, length, NONE);
            pNew[p] = acquire(rib.bestNextHops(e));
        }
        flush();
    }

    /** Sends an empty reset batch now: the data plane forgets every route and next hop of this VR. */
    public void withdrawAll() {
        forget();
        flush();
    }

    /**
     * Forgets all state without sending anything (the data plane is handed over, or about to be
     * destroyed); the next batch, if any, is flagged reset.
     */
    public void forget() {
        pendingIndex.clear();
        pendingCount = 0;
        createdCount = 0;
        zeroedCount = 0;
        singleIds.clear();
        groupIds.clear();
        Arrays.fill(refs, 0);
        Arrays.fill(state, FREE);
        Arrays.fill(groupSet, null);
        Arrays.fill(groupMembers, null);
        idHigh = 0;
        freeCount = 0;
        liveIds = 0;
        resetPending = true;
    }

    @Override
    public void close() {
        detach();
    }

    // ------------------------------------------------------------------------------------------
    // introspection (management, tests)
    // ------------------------------------------------------------------------------------------

    public int vrId() {
        return vrId;
    }

    /** Sequence number of the last batch sent. */
    public long sequence() {
        return sequence;
    }

    public long batchesSent() {
        return batchesSent;
    }

    public long routeOpsSent() {
        return routeOpsSent;
    }

    public long nextHopOpsSent() {
        return nextHopOpsSent;
    }

    /** Next-hop ids allocated now (singles and groups). */
    public int nextHopIdCount() {
        return liveIds;
    }

    /** The id of {@code set} if it has one, else -1. */
    public int nextHopId(NextHopSet set) {
        if (set.size() == 1) {
            return (int) singleIds.get(set.hop(0));
        }
        return groupIds.getValue(set);
    }

    /** References held on next-hop id {@code id} (routes plus groups), 0 if unused. */
    public int references(int id) {
        return id >= 0 && id < idHigh ? refs[id] : 0;
    }

    // ------------------------------------------------------------------------------------------
    // ids and reference counts
    // ------------------------------------------------------------------------------------------

    private int idOf(NextHopSet set) {
        int id = nextHopId(set);
        if (id == NONE) {
            throw new IllegalStateException("shadowd has no id for " + set + " (attached to a non-empty RIB without resync?)");
        }
        return id;
    }

    private int acquire(NextHopSet set) {
        if (set.size() == 1) {
            return acquireSingle(set.hop(0));
        }
        int id = groupIds.getValue(set);
        if (id == NONE) {
            int[] members = new int[set.size()];
            for (int i = 0; i < members.length; i++) {
                members[i] = acquireSingle(set.hop(i));
            }
            id = newId();
            groupMembers[id] = members;
            groupSet[id] = set;
            groupIds.put(set, id);
        } else if (refs[id] == 0) {
            for (int m : groupMembers[id]) {
                refs[m]++; // revived within the turn: take the member references back
            }
        }
        refs[id]++;
        return id;
    }

    private int acquireSingle(long hop) {
        int id = (int) singleIds.get(hop);
        if (id == NONE) {
            id = newId();
            single[id] = hop;
            singleIds.put(hop, id);
        }
        refs[id]++;
        return id;
    }

    private void release(int id) {
        if (--refs[id] > 0) {
            return;
        }
        if (refs[id] < 0) {
            throw new IllegalStateException("next-hop id " + id + " released more often than acquired");
        }
        zeroed = push(zeroed, zeroedCount++, id);
        int[] members = groupMembers[id];
        if (members != null) {
            for (int m : members) {
                release(m);
            }
        }
    }

    private int newId() {
        int id;
        if (freeCount > 0) {
            id = freeIds[--freeCount];
        } else {
            id = idHigh++;
            if (id == refs.length) {
                int n = id * 2;
                refs = Arrays.copyOf(refs, n);
                state = Arrays.copyOf(state, n);
                single = Arrays.copyOf(single, n);
                groupSet = Arrays.copyOf(groupSet, n);
                groupMembers = Arrays.copyOf(groupMembers, n);
            }
        }
        refs[id] = 0;
        state[id] = NEW;
        groupMembers[id] = null;
        groupSet[id] = null;
        created = push(created, createdCount++, id);
        liveIds++;
        return id;
    }

    private void freeId(int id) {
        if (groupMembers[id] != null) {
            groupIds.removeKey(groupSet[id]);
        } else {
            singleIds.remove(single[id]);
        }
        groupMembers[id] = null;
        groupSet[id] = null;
        state[id] = FREE;
        freeIds = push(freeIds, freeCount++, id);
        liveIds--;
    }

    private int newPending(long key, int prefix, int length, int oldId) {
        int p = pendingCount++;
        if (p == pPrefix.length) {
            int n = p * 2;
            pPrefix = Arrays.copyOf(pPrefix, n);
            pLength = Arrays.copyOf(pLength, n);
            pOld = Arrays.copyOf(pOld, n);
            pNew = Arrays.copyOf(pNew, n);
        }
        pPrefix[p] = prefix;
        pLength[p] = (byte) length;
        pOld[p] = oldId;
        pNew[p] = oldId;
        pendingIndex.put(key, p);
        return p;
    }

    private static int[] push(int[] a, int i, int v) {
        if (i == a.length) {
            a = Arrays.copyOf(a, i * 2);
        }
        a[i] = v;
        return a;
    }
}
