package org.vroom.kernel.dataplane;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.vroom.vr.rib.NextHop;
import org.vroom.vr.shadow.DataPlaneHypervisor;
import org.vroom.vr.shadow.FibUpdateBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel's data-plane hypervisor: applies shadowd's {@link FibUpdateBatch}es to the
 * {@link VrDataPlane} of VR {@code vrId} (its {@link org.vroom.fib.Ipv4Fib} and {@link AdjacencyTable}).
 *
 * <h2>Threads</h2>
 * {@link #apply} must run on the VR's FIB writer thread (the thread of its control plane, the single
 * writer of its FIB and adjacencies). The first batch binds the VR to the calling thread; a batch of
 * that VR from any other thread is refused with {@link IllegalStateException} (one reference compare).
 * {@link #register} and {@link #unregister} may be called from any thread; re-registering rebinds.
 *
 * <h2>Validate, then apply</h2>
 * A batch is first checked completely against a scratch overlay of the VR's state, without touching
 * it: sequence ({@code previous + 1}, any sequence for a reset batch), next-hop ids (no double add, no
 * update or removal of a missing id, no route to an unknown id, no removal of an id still used by a
 * route or a group), interface indexes (FORWARD and GLEAN next hops must name an interface of the
 * VR), kinds, and routes (add of an existing route, replace or remove of a missing one). A failing
 * check throws {@link RefusedBatchException} and nothing has changed. Only a failure of the FIB itself
 * while applying ({@link org.vroom.fib.FibFullException}: no tbl8 group left, or an adjacency index
 * beyond the FIB's next-hop range) can leave a batch half-applied; the VR is then marked as needing a
 * reset and every later batch is refused until a reset batch (shadowd {@code resync()}) arrives.
 *
 * <h2>Mapping</h2>
 * <ul>
 *   <li>A single next hop maps to one adjacency, interned by content (kind, interface, gateway) per
 *       VR: next hops with the same content share an adjacency, and a reset batch that re-adds the same
 *       next hops keeps the same adjacencies (and the MACs ARP resolved in them). Kinds map one to one
 *       ({@link NextHop} kinds are the adjacency kinds); LOCAL, DROP and REJECT use interface 0.</li>
 *   <li>FORWARD next hops can instead come from a {@link ForwardAdjacencies} source given at
 *       registration (the control plane's neighbour cache, so that ARP resolves the very adjacency the
 *       FIB points at); those adjacencies belong to the source and are never freed here. Without a
 *       source, the hypervisor creates FORWARD adjacencies itself, unresolved (MAC 0): packets to them
 *       are punted to the control plane.</li>
 *   <li><b>ECMP gap</b>: the kernel FIB holds one next hop per route, so a group maps to the adjacency
 *       of its <em>first</em> member; the other members carry no traffic. Every group of two or more
 *       members installed is counted ({@link #ecmpGroupsTruncated}, {@link #ecmpMembersIgnored}) and
 *       logged once per VR at WARNING.</li>
 *   <li>A reset batch is make-before-break: the batch's routes overwrite the old ones in place and
 *       only the old routes it does not re-add are deleted, at the end. Only routes installed through
 *       this hypervisor are touched; routes the control plane adds itself (ARP host routes, connected
 *       subnets) are left alone unless a batch names the same prefix.</li>
 *   <li>Adjacency reuse: an adjacency whose last next hop is removed is unlinked at the end of the
 *       batch (after the FIB deletes), tagged with {@code fib.domain().advance()}, and its index is
 *       reused by a later batch only once {@code safeUpTo()} has passed that tag (every worker reading
 *       the FIB has reported a quiescent state since, so none can still hold the index from an earlier
 *       lookup); the same scheme as the FIB's own tbl8 groups, kept on the writer thread. Shared adjacencies
 *       ({@link ForwardAdjacencies}) are not reused.</li>
 * </ul>
 *
 * <p>Not on the per-packet path: batches allocate (overlay maps, next-hop records).
 */
public final class KernelHypervisor implements DataPlaneHypervisor {
    private static final System.Logger LOG = System.getLogger(KernelHypervisor.class.getName());
    private static final int NONE = -1;
    private static final long ROUTE_REMOVED = -2;
    private static final long NOT_IN_OVERLAY = -3;

    /** Supplies the adjacency of a gateway on an interface (for example the VR control plane's neighbour cache). */
    @FunctionalInterface
    public interface ForwardAdjacencies {
        /** The adjacency index for gateway {@code gateway} on interface {@code vifIndex}; FIB writer thread. */
        int adjacencyFor(int vifIndex, int gateway);
    }

    /** A batch that breaks the batch contract or names something this VR does not have; nothing was applied. */
    public static final class RefusedBatchException extends IllegalArgumentException {
        public RefusedBatchException(String message) {
            super(message);
        }
    }

    /** One installed shadowd next hop. */
    private static final class Hop {
        final int kind;
        final int vif;
        final int address;
        /** Member ids of a group, else null. */
        final int[] members;
        /** Adjacency index of a single next hop (-1 for groups). */
        int adjacency = NONE;
        boolean shared;
        /** Routes pointing here plus groups holding this as a member. */
        int uses;

        Hop(int kind, int vif, int address, int[] members) {
            this.kind = kind;
            this.vif = vif;
            this.address = address;
            this.members = members;
        }
    }

    private static final Hop REMOVED = new Hop(0, 0, 0, null);

    /** The hypervisor's state of one VR. */
    private static final class Vr {
        final VrDataPlane dp;
        volatile ForwardAdjacencies forward;
        volatile Thread writer;
        long lastSequence;
        boolean needsReset;
        Int2ObjectHashMap<Hop> hops = new Int2ObjectHashMap<>();
        /** Route key ({@code prefix << 6 | length}) to next-hop id. */
        Long2LongHashMap routes = new Long2LongHashMap(NONE);
        /** Adjacency content key to index, for adjacencies this hypervisor owns. */
        final Long2LongHashMap interned = new Long2LongHashMap(NONE);
        int[] refs = new int[16];
        long[] keyOf = new long[16];
        final IntArrayList zeroed = new IntArrayList();
        final IntArrayList free = new IntArrayList();
        /** Unlinked indexes waiting for their grace period, with the domain epoch tag they wait for (FIFO). */
        final IntArrayList limbo = new IntArrayList();
        final LongArrayList limboTags = new LongArrayList();
        int limboHead;
        long batches;
        long ecmpGroups;
        long ecmpIgnored;
        boolean ecmpLogged;

        Vr(VrDataPlane dp, ForwardAdjacencies forward) {
            this.dp = dp;
            this.forward = forward;
        }
    }

    private final ConcurrentHashMap<Integer, Vr> vrs = new ConcurrentHashMap<>();

    /** Validation scratch: what the batch changes, on top of the VR's state (per call: VRs apply on different threads). */
    private static final class Overlay {
        final Int2ObjectHashMap<Hop> hops = new Int2ObjectHashMap<>();
        /** Change of each id's use count within the batch. */
        final Int2IntHashMap uses = new Int2IntHashMap(Integer.MIN_VALUE);
        final Long2LongHashMap routes = new Long2LongHashMap(NOT_IN_OVERLAY);
        final ArrayList<Hop> added = new ArrayList<>();

        void addUse(int id, int delta) {
            uses.put(id, useDelta(id) + delta);
        }

        int useDelta(int id) {
            int d = uses.get(id);
            return d == Integer.MIN_VALUE ? 0 : d;
        }
    }

    /** Registers {@code vr}; FORWARD adjacencies are created by the hypervisor itself. */
    public void register(VrDataPlane vr) {
        register(vr, null);
    }

    /**
     * Registers {@code vr} (replacing an earlier registration of its id: the new one starts with no
     * routes of its own, and expects a reset batch or sequence 1).
     *
     * @param forward where FORWARD adjacencies come from, or null to create them here
     */
    public void register(VrDataPlane vr, ForwardAdjacencies forward) {
        vrs.put(vr.id, new Vr(vr, forward));
    }

    /**
     * Hands the FORWARD adjacencies of VR {@code vrId} to another source, keeping its routes and next
     * hops: a control plane restored from a checkpoint takes over the neighbour cache (with the same
     * adjacency indices) of the one it replaces, and its first batch is a reset batch.
     */
    public void replaceForward(int vrId, ForwardAdjacencies forward) {
        Vr v = vrs.get(vrId);
        if (v == null) {
            throw new IllegalStateException("VR " + vrId + " is not registered with the hypervisor");
        }
        v.forward = forward;
    }

    /** Forgets VR {@code vrId} (its FIB is left as it is). Returns whether it was registered. */
    public boolean unregister(int vrId) {
        return vrs.remove(vrId) != null;
    }

    public boolean isRegistered(int vrId) {
        return vrs.containsKey(vrId);
    }

    /**
     * Applies {@code batch} to the FIB of VR {@code vrId}, now, in the order documented on
     * {@link FibUpdateBatch}. Must run on the VR's FIB writer thread.
     *
     * @throws RefusedBatchException the batch is invalid for this VR; nothing was applied
     * @throws IllegalStateException unknown VR, wrong thread, or the FIB failed half-way (the VR then
     *                               needs a reset batch)
     */
    @Override
    public void apply(int vrId, FibUpdateBatch batch) {
        Vr v = vrs.get(vrId);
        if (v == null) {
            throw new IllegalStateException("VR " + vrId + " is not registered with the hypervisor");
        }
        Thread me = Thread.currentThread();
        Thread w = v.writer;
        if (w == null) {
            v.writer = me;
        } else if (w != me) {
            throw new IllegalStateException("batch for VR " + vrId + " on thread " + me.getName()
                    + ", but its FIB writer is " + w.getName());
        }
        Overlay o = new Overlay();
        validate(v, batch, o);
        try {
            install(v, batch, o);
        } catch (RuntimeException e) {
            v.needsReset = true;
            throw new IllegalStateException("VR " + vrId + ": batch #" + batch.sequence()
                    + " failed half-way; the FIB needs a reset batch (resync)", e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // validation: reads the VR state, writes only the overlay
    // ------------------------------------------------------------------------------------------

    private static void validate(Vr v, FibUpdateBatch b, Overlay o) {
        boolean reset = b.isReset();
        String vr = "VR " + v.dp.id + " batch #" + b.sequence() + ": ";
        if (v.needsReset && !reset) {
            throw new RefusedBatchException(vr + "the FIB failed half-way earlier; only a reset batch is accepted");
        }
        if (!reset && b.sequence() != v.lastSequence + 1) {
            throw new RefusedBatchException(vr + "sequence gap, previous batch was #" + v.lastSequence);
        }
        Vif[] vifs = v.dp.vifs();
        for (int i = 0; i < b.nextHopCount(); i++) {
            int id = b.nextHopId(i);
            Hop existing = viewHop(v, o, reset, id);
            boolean add = b.nextHopOp(i) == FibUpdateBatch.NextHopOp.ADD;
            if (add && existing != null) {
                throw new RefusedBatchException(vr + "next hop " + id + " added twice");
            }
            if (!add && existing == null) {
                throw new RefusedBatchException(vr + "update of unknown next hop " + id);
            }
            int kind = b.nextHopKind(i);
            Hop hop;
            if (kind == FibUpdateBatch.GROUP) {
                if (existing != null && existing.members == null) {
                    throw new RefusedBatchException(vr + "update turns single next hop " + id + " into a group");
                }
                int[] members = new int[b.groupSize(i)];
                for (int j = 0; j < members.length; j++) {
                    int m = b.groupMember(i, j);
                    Hop mh = m == id ? null : viewHop(v, o, reset, m);
                    if (mh == null || mh.members != null) {
                        throw new RefusedBatchException(vr + "group " + id + " over unknown or group member " + m);
                    }
                    members[j] = m;
                    o.addUse(m, 1);
                }
                if (existing != null) {
                    for (int m : existing.members) {
                        o.addUse(m, -1);
                    }
                }
                hop = new Hop(kind, -1, 0, members);
            } else {
                if (existing != null && existing.members != null) {
                    throw new RefusedBatchException(vr + "update turns group " + id + " into a single next hop");
                }
                int ifIndex = b.nextHopInterface(i);
                int address = b.nextHopAddress(i);
                switch (kind) {
                    case NextHop.FORWARD, NextHop.GLEAN -> {
                        if (ifIndex < 0 || ifIndex >= vifs.length || vifs[ifIndex] == null) {
                            throw new RefusedBatchException(vr + "next hop " + id + " names unknown interface "
                                    + ifIndex + " (the VR has " + vifs.length + ")");
                        }
                        if (kind == NextHop.FORWARD && address == 0) {
                            throw new RefusedBatchException(vr + "forward next hop " + id + " without a gateway");
                        }
                    }
                    case NextHop.LOCAL, NextHop.DROP, NextHop.REJECT -> {
                    }
                    default -> throw new RefusedBatchException(vr + "next hop " + id + " of unknown kind " + kind);
                }
                hop = new Hop(kind, ifIndex, kind == NextHop.FORWARD ? address : 0, null);
            }
            o.hops.put(id, hop);
            o.added.add(hop);
        }
        for (int i = 0; i < b.routeCount(); i++) {
            long key = key(b.routePrefix(i), b.routeLength(i));
            long current = viewRoute(v, o, reset, key);
            FibUpdateBatch.RouteOp op = b.routeOp(i);
            if (op == FibUpdateBatch.RouteOp.ADD ? current != NONE : current == NONE) {
                throw new RefusedBatchException(vr + op + " of " + describe(key) + " which "
                        + (current == NONE ? "is missing" : "exists"));
            }
            long next = ROUTE_REMOVED;
            if (op != FibUpdateBatch.RouteOp.REMOVE) {
                int nh = b.routeNextHop(i);
                if (viewHop(v, o, reset, nh) == null) {
                    throw new RefusedBatchException(vr + "route " + describe(key) + " -> unknown next hop " + nh);
                }
                o.addUse(nh, 1);
                next = nh;
            }
            if (current != NONE) {
                o.addUse((int) current, -1);
            }
            o.routes.put(key, next);
        }
        for (int i = 0; i < b.removedNextHopCount(); i++) {
            int id = b.removedNextHop(i);
            Hop h = viewHop(v, o, reset, id);
            if (h == null) {
                throw new RefusedBatchException(vr + "removal of unknown next hop " + id);
            }
            Hop base = reset ? null : v.hops.get(id);
            int uses = (base == null ? 0 : base.uses) + o.useDelta(id);
            if (uses != 0) {
                throw new RefusedBatchException(vr + "removal of next hop " + id + " still used " + uses + " times");
            }
            if (h.members != null) {
                for (int m : h.members) {
                    o.addUse(m, -1);
                }
            }
            o.hops.put(id, REMOVED);
        }
    }

    private static Hop viewHop(Vr v, Overlay o, boolean reset, int id) {
        Hop h = o.hops.get(id);
        if (h != null) {
            return h == REMOVED ? null : h;
        }
        return reset ? null : v.hops.get(id);
    }

    /** The next-hop id of route {@code key} as the batch sees it so far, or -1. */
    private static long viewRoute(Vr v, Overlay o, boolean reset, long key) {
        long r = o.routes.get(key);
        if (r != NOT_IN_OVERLAY) {
            return r == ROUTE_REMOVED ? NONE : r;
        }
        return reset ? NONE : v.routes.get(key);
    }

    // ------------------------------------------------------------------------------------------
    // application: the batch is known valid
    // ------------------------------------------------------------------------------------------

    private void install(Vr v, FibUpdateBatch b, Overlay o) {
        takeReusable(v);
        Long2LongHashMap stale = null;
        if (b.isReset()) {
            stale = v.routes;
            v.routes = new Long2LongHashMap(NONE);
            for (Hop h : v.hops.values()) {
                if (h.members == null) {
                    release(v, h);
                }
            }
            v.hops = new Int2ObjectHashMap<>();
        }
        boolean updated = false;
        for (int i = 0; i < b.nextHopCount(); i++) {
            int id = b.nextHopId(i);
            Hop hop = o.added.get(i);
            Hop old = v.hops.get(id);
            if (old != null) { // UPDATE: routes and groups keep pointing at the id
                hop.uses = old.uses;
                if (old.members == null) {
                    release(v, old);
                } else {
                    for (int m : old.members) {
                        v.hops.get(m).uses--;
                    }
                }
                updated = true;
            }
            if (hop.members == null) {
                acquire(v, hop);
            } else {
                for (int m : hop.members) {
                    v.hops.get(m).uses++;
                }
                if (hop.members.length > 1) {
                    truncatedGroup(v, id, hop.members.length);
                }
            }
            v.hops.put(id, hop);
        }
        if (updated) {
            repoint(v);
        }
        var fib = v.dp.fib;
        for (int i = 0; i < b.routeCount(); i++) {
            int prefix = b.routePrefix(i);
            int length = b.routeLength(i);
            long key = key(prefix, length);
            if (b.routeOp(i) == FibUpdateBatch.RouteOp.REMOVE) {
                long old = v.routes.remove(key);
                v.hops.get((int) old).uses--;
                fib.delete(prefix, length);
            } else {
                int id = b.routeNextHop(i);
                Hop hop = v.hops.get(id);
                fib.add(prefix, length, effectiveAdjacency(v, hop));
                long old = v.routes.put(key, id);
                if (old != NONE) {
                    v.hops.get((int) old).uses--;
                }
                hop.uses++;
                if (stale != null) {
                    stale.remove(key);
                }
            }
        }
        for (int i = 0; i < b.removedNextHopCount(); i++) {
            Hop h = v.hops.remove(b.removedNextHop(i));
            if (h.members == null) {
                release(v, h);
            } else {
                for (int m : h.members) {
                    v.hops.get(m).uses--;
                }
            }
        }
        if (stale != null) {
            stale.forEachLong((key, id) -> fib.delete((int) (key >>> 6), (int) (key & 63)));
        }
        retireZeroed(v);
        v.lastSequence = b.sequence();
        v.needsReset = false;
        v.batches++;
    }

    private static int effectiveAdjacency(Vr v, Hop hop) {
        return hop.members == null ? hop.adjacency : v.hops.get(hop.members[0]).adjacency;
    }

    /** After next-hop updates: points every route whose next hop now maps elsewhere at its new adjacency. */
    private static void repoint(Vr v) {
        var fib = v.dp.fib;
        v.routes.forEachLong((key, id) -> {
            int prefix = (int) (key >>> 6);
            int length = (int) (key & 63);
            int adjacency = effectiveAdjacency(v, v.hops.get((int) id));
            if (fib.get(prefix, length) != adjacency) {
                fib.add(prefix, length, adjacency);
            }
        });
    }

    private static void truncatedGroup(Vr v, int id, int members) {
        v.ecmpGroups++;
        v.ecmpIgnored += members - 1;
        if (!v.ecmpLogged) {
            v.ecmpLogged = true;
            LOG.log(System.Logger.Level.WARNING, "VR {0}: ECMP group {1} of {2} next hops installed as its first member"
                    + " only (the kernel FIB holds one next hop per route); further groups are counted, not logged",
                    v.dp.name, id, members);
        }
    }

    // ------------------------------------------------------------------------------------------
    // adjacencies
    // ------------------------------------------------------------------------------------------

    private static void acquire(Vr v, Hop hop) {
        if (hop.kind == NextHop.FORWARD && v.forward != null) {
            hop.adjacency = v.forward.adjacencyFor(hop.vif, hop.address);
            hop.shared = true;
            return;
        }
        int vif = hop.vif < 0 ? 0 : hop.vif;
        long key = (long) hop.kind << 48 | (long) (vif & 0xFFFF) << 32 | (hop.address & 0xFFFF_FFFFL);
        int index = (int) v.interned.get(key);
        if (index == NONE) {
            AdjacencyTable table = v.dp.adjacencies;
            index = v.free.isEmpty()
                    ? table.add(hop.kind, vif, hop.address)
                    : table.reuse(v.free.popInt(), hop.kind, vif, hop.address);
            if (index >= v.refs.length) {
                int n = Math.max(index + 1, v.refs.length * 2);
                v.refs = Arrays.copyOf(v.refs, n);
                v.keyOf = Arrays.copyOf(v.keyOf, n);
            }
            v.keyOf[index] = key;
            v.interned.put(key, index);
        }
        v.refs[index]++;
        hop.adjacency = index;
    }

    private static void release(Vr v, Hop hop) {
        if (hop.shared) {
            return;
        }
        if (--v.refs[hop.adjacency] == 0) {
            v.zeroed.addInt(hop.adjacency);
        }
    }

    /** End of a batch: adjacencies nothing uses any more are unlinked and retired for reuse after a grace period. */
    private static void retireZeroed(Vr v) {
        for (int i = 0; i < v.zeroed.size(); i++) {
            int index = v.zeroed.getInt(i);
            long key = v.keyOf[index];
            if (v.refs[index] == 0 && v.interned.get(key) == index) {
                v.interned.remove(key);
                // the FIB entries that pointed here were deleted (published) before this advance
                v.limbo.addInt(index);
                v.limboTags.addLong(v.dp.fib.domain().advance());
            }
        }
        v.zeroed.clear();
    }

    /** Moves the unlinked adjacencies whose grace period has ended to the free list (writer thread). */
    private static void takeReusable(Vr v) {
        if (v.limboHead == v.limbo.size()) {
            return;
        }
        long safe = v.dp.fib.domain().safeUpTo();
        while (v.limboHead < v.limbo.size() && v.limboTags.getLong(v.limboHead) <= safe) {
            v.free.addInt(v.limbo.getInt(v.limboHead++));
        }
        if (v.limboHead == v.limbo.size()) {
            v.limbo.clear();
            v.limboTags.clear();
            v.limboHead = 0;
        }
    }

    // ------------------------------------------------------------------------------------------
    // introspection (management, tests)
    // ------------------------------------------------------------------------------------------

    private Vr vr(int vrId) {
        Vr v = vrs.get(vrId);
        if (v == null) {
            throw new IllegalArgumentException("VR " + vrId + " is not registered");
        }
        return v;
    }

    /** Sequence of the last batch applied to VR {@code vrId} (0 before the first). */
    public long lastSequence(int vrId) {
        return vr(vrId).lastSequence;
    }

    public long batchesApplied(int vrId) {
        return vr(vrId).batches;
    }

    /** Whether a batch failed half-way and only a reset batch is accepted. */
    public boolean needsReset(int vrId) {
        return vr(vrId).needsReset;
    }

    /** Groups of two or more members installed as their first member only (the ECMP gap), since registration. */
    public long ecmpGroupsTruncated(int vrId) {
        return vr(vrId).ecmpGroups;
    }

    /** Group members that carry no traffic because of the ECMP gap, summed over those groups. */
    public long ecmpMembersIgnored(int vrId) {
        return vr(vrId).ecmpIgnored;
    }

    /** Routes installed through this hypervisor. Writer thread (or a quiet VR). */
    public int routeCount(int vrId) {
        return vr(vrId).routes.size();
    }

    /** Next-hop ids installed. Writer thread (or a quiet VR). */
    public int nextHopCount(int vrId) {
        return vr(vrId).hops.size();
    }

    /** The adjacency index a route to shadowd next-hop id {@code nextHopId} uses, or -1. Writer thread. */
    public int adjacencyOf(int vrId, int nextHopId) {
        Vr v = vr(vrId);
        Hop h = v.hops.get(nextHopId);
        return h == null ? NONE : effectiveAdjacency(v, h);
    }

    /** Adjacencies this hypervisor owns and uses now (shared FORWARD adjacencies excluded). */
    public int ownedAdjacencies(int vrId) {
        return vr(vrId).interned.size();
    }

    /** Freed adjacency indexes whose grace period had ended at the start of the last batch, waiting for reuse. */
    public int reusableAdjacencies(int vrId) {
        return vr(vrId).free.size();
    }

    /** Unlinked adjacency indexes still in their grace period (or not yet checked). */
    public int adjacenciesInGracePeriod(int vrId) {
        Vr v = vr(vrId);
        return v.limbo.size() - v.limboHead;
    }

    private static long key(int prefix, int length) {
        int masked = length == 0 ? 0 : prefix & (int) (0xFFFF_FFFFL << (32 - length));
        return (masked & 0xFFFF_FFFFL) << 6 | length;
    }

    private static String describe(long key) {
        int p = (int) (key >>> 6);
        return (p >>> 24) + "." + (p >>> 16 & 0xFF) + "." + (p >>> 8 & 0xFF) + "." + (p & 0xFF) + "/" + (key & 63);
    }
}
