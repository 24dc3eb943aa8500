package org.vroom.kernel.dataplane;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vroom.fib.Ipv4Fib;
import org.vroom.fib.QuiescentStateDomain;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.packetio.codec.EthernetFlyweight;
import org.vroom.vr.rib.NextHop;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.shadow.FibUpdateBatch;
import org.vroom.vr.shadow.FibUpdateBatch.NextHopOp;
import org.vroom.vr.shadow.FibUpdateBatch.RouteOp;
import org.vroom.vr.shadow.Shadowd;
import org.vroom.vr.testkit.FibModel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelHypervisorTest {
    private static final int VR = 7;
    private static final int GW1 = 0x0A000202; // 10.0.2.2 on eth1
    private static final int GW2 = 0x0A000203; // 10.0.2.3 on eth1

    private QuiescentStateDomain domain;
    private VrDataPlane vr;
    private KernelHypervisor hv;
    private long seq;

    @BeforeEach
    void setUp() {
        CountersManager cm = new CountersManager(new UnsafeBuffer(new byte[1 << 16]), new UnsafeBuffer(new byte[1 << 14]));
        AtomicCounter[] c = new AtomicCounter[VrCounter.COUNT];
        for (int i = 0; i < c.length; i++) {
            c[i] = cm.newCounter("vr-" + i);
        }
        Vif eth0 = new Vif(0, "eth0", 0, EthernetFlyweight.NO_VLAN, Vif.macFor(VR, 0), 0x0A000101, 24, 1500);
        Vif eth1 = new Vif(1, "eth1", 1, EthernetFlyweight.NO_VLAN, Vif.macFor(VR, 1), 0x0A000201, 24, 1500);
        domain = new QuiescentStateDomain();
        vr = new VrDataPlane(VR, "hv", 0, Ipv4Fib.dir24_8(1 << 12, 256, domain), new Vif[] {eth0, eth1}, 1 << 12,
                new Stats(c));
        hv = new KernelHypervisor();
        hv.register(vr);
    }

    @AfterEach
    void tearDown() {
        vr.close();
    }

    private FibUpdateBatch.Builder b() {
        return new FibUpdateBatch.Builder();
    }

    private void apply(FibUpdateBatch.Builder b) {
        hv.apply(VR, b.build(++seq, false));
    }

    private static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** "kind/vif/nexthop" of the adjacency {@code address} forwards to, or "miss". */
    private String lookup(int address) {
        int nh = vr.fib.lookup(address);
        return nh == Ipv4Fib.NO_ROUTE ? "miss" : describeAdjacency(nh);
    }

    private String describeAdjacency(int nh) {
        AdjacencyTable a = vr.adjacencies;
        return AdjacencyTable.kindName(a.kind(nh)) + "/" + a.vif(nh) + "/" + Integer.toHexString(a.nextHop(nh));
    }

    /** The same form for a packed vr-container next hop (LOCAL, DROP, REJECT use interface 0). */
    private static String describeHop(long hop) {
        int vif = NextHop.ifIndex(hop);
        return AdjacencyTable.kindName(NextHop.kind(hop)) + "/" + (vif < 0 ? 0 : vif) + "/"
                + Integer.toHexString(NextHop.address(hop));
    }

    private void installBasic() {
        apply(b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW1)
                .nextHop(NextHopOp.ADD, 1, NextHop.GLEAN, 0, 0)
                .nextHop(NextHopOp.ADD, 2, NextHop.LOCAL, -1, 0)
                .nextHop(NextHopOp.ADD, 3, NextHop.DROP, -1, 0)
                .nextHop(NextHopOp.ADD, 4, NextHop.REJECT, -1, 0)
                .route(RouteOp.ADD, 0, 0, 0)
                .route(RouteOp.ADD, ip(10, 0, 1, 0), 24, 1)
                .route(RouteOp.ADD, ip(10, 0, 1, 1), 32, 2)
                .route(RouteOp.ADD, ip(192, 168, 0, 0), 16, 3)
                .route(RouteOp.ADD, ip(172, 16, 0, 0), 12, 4));
    }

    @Test
    void scriptedBatchesInstallRoutesAndMapEveryKind() {
        installBasic();
        assertEquals("forward/1/a000202", lookup(ip(8, 8, 8, 8)));
        assertEquals("glean/0/0", lookup(ip(10, 0, 1, 77)));
        assertEquals("local/0/0", lookup(ip(10, 0, 1, 1)));
        assertEquals("drop/0/0", lookup(ip(192, 168, 3, 4)));
        assertEquals("reject/0/0", lookup(ip(172, 31, 255, 255)));
        assertEquals(5, hv.routeCount(VR));
        assertEquals(5, hv.ownedAdjacencies(VR));

        // replace the default, remove the drop route and its next hop
        apply(b().nextHop(NextHopOp.ADD, 5, NextHop.FORWARD, 1, GW2)
                .route(RouteOp.REPLACE, 0, 0, 5)
                .route(RouteOp.REMOVE, ip(192, 168, 0, 0), 16, FibUpdateBatch.NO_NEXT_HOP)
                .removeNextHop(3));
        assertEquals("forward/1/a000203", lookup(ip(8, 8, 8, 8)));
        assertEquals("forward/1/a000203", lookup(ip(192, 168, 3, 4)), "falls back to the default");
        assertEquals(4, hv.routeCount(VR));
        assertEquals(5, hv.nextHopCount(VR));
        assertEquals(2, hv.lastSequence(VR));
        assertEquals(0, hv.ecmpGroupsTruncated(VR));
    }

    @Test
    void sameContentSharesOneAdjacency() {
        apply(b().nextHop(NextHopOp.ADD, 0, NextHop.DROP, -1, 0)
                .nextHop(NextHopOp.ADD, 1, NextHop.DROP, -1, 0)
                .route(RouteOp.ADD, ip(1, 0, 0, 0), 8, 0)
                .route(RouteOp.ADD, ip(2, 0, 0, 0), 8, 1));
        assertEquals(hv.adjacencyOf(VR, 0), hv.adjacencyOf(VR, 1));
        assertEquals(1, hv.ownedAdjacencies(VR));
    }

    @Test
    void ecmpGroupUsesItsFirstMemberAndIsCounted() {
        apply(b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW1)
                .nextHop(NextHopOp.ADD, 1, NextHop.FORWARD, 1, GW2)
                .group(NextHopOp.ADD, 2, new int[] {1, 0}, 2)
                .route(RouteOp.ADD, ip(20, 0, 0, 0), 8, 2));
        assertEquals("forward/1/a000203", lookup(ip(20, 1, 2, 3)));
        assertEquals(1, hv.ecmpGroupsTruncated(VR));
        assertEquals(1, hv.ecmpMembersIgnored(VR));

        // updating the group in place re-points its routes
        apply(b().group(NextHopOp.UPDATE, 2, new int[] {0}, 1));
        assertEquals("forward/1/a000202", lookup(ip(20, 1, 2, 3)));
        assertEquals(1, hv.ecmpGroupsTruncated(VR), "a one-member group loses nothing");
        // group before its members, after its routes
        apply(b().route(RouteOp.REMOVE, ip(20, 0, 0, 0), 8, FibUpdateBatch.NO_NEXT_HOP)
                .removeNextHop(2).removeNextHop(1).removeNextHop(0));
        assertEquals("miss", lookup(ip(20, 1, 2, 3)));
        assertEquals(0, hv.nextHopCount(VR));
        assertEquals(0, hv.ownedAdjacencies(VR));
    }

    @Test
    void singleUpdateRepointsRoutesAndGroups() {
        apply(b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW1)
                .nextHop(NextHopOp.ADD, 1, NextHop.DROP, -1, 0)
                .group(NextHopOp.ADD, 2, new int[] {0, 1}, 2)
                .route(RouteOp.ADD, ip(30, 0, 0, 0), 8, 0)
                .route(RouteOp.ADD, ip(31, 0, 0, 0), 8, 2));
        apply(b().nextHop(NextHopOp.UPDATE, 0, NextHop.GLEAN, 0, 0));
        assertEquals("glean/0/0", lookup(ip(30, 9, 9, 9)));
        assertEquals("glean/0/0", lookup(ip(31, 9, 9, 9)));
    }

    @Test
    void resetReplacesTheWholeTableKeepingSharedAdjacencies() {
        installBasic();
        int forward = hv.adjacencyOf(VR, 0);
        // full push with new ids: only the default and a new /8 survive
        FibUpdateBatch reset = b().nextHop(NextHopOp.ADD, 0, NextHop.DROP, -1, 0)
                .nextHop(NextHopOp.ADD, 1, NextHop.FORWARD, 1, GW1)
                .route(RouteOp.ADD, 0, 0, 1)
                .route(RouteOp.ADD, ip(11, 0, 0, 0), 8, 0)
                .build(++seq, true);
        hv.apply(VR, reset);
        assertEquals("forward/1/a000202", lookup(ip(8, 8, 8, 8)));
        assertEquals(forward, vr.fib.lookup(ip(8, 8, 8, 8)), "same gateway keeps its adjacency (and MAC)");
        assertEquals("drop/0/0", lookup(ip(11, 2, 3, 4)));
        assertEquals("forward/1/a000202", lookup(ip(10, 0, 1, 1)), "old /32 gone, default catches it");
        assertEquals(2, hv.routeCount(VR));
        assertEquals(2, vr.fib.size());
        assertEquals(2, hv.nextHopCount(VR));

        // an empty reset withdraws everything
        hv.apply(VR, b().build(++seq, true));
        assertEquals(0, vr.fib.size());
        assertEquals("miss", lookup(ip(8, 8, 8, 8)));
        assertEquals(0, hv.ownedAdjacencies(VR));
    }

    @Test
    void resetLeavesRoutesTheHypervisorDidNotInstall() {
        int own = vr.adjacencies.add(AdjacencyTable.GLEAN, 0, 0);
        vr.fib.add(ip(10, 0, 1, 0), 24, own); // a connected route the control plane installed
        installAfterConnected();
        hv.apply(VR, b().build(++seq, true));
        assertEquals(1, vr.fib.size());
        assertEquals(own, vr.fib.lookup(ip(10, 0, 1, 9)));
    }

    private void installAfterConnected() {
        apply(b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW1).route(RouteOp.ADD, 0, 0, 0));
    }

    /** Lookups of a fixed sample, to show that a refused batch changed nothing. */
    private List<String> snapshot() {
        List<String> s = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            int a = r.nextInt();
            s.add(lookup(a));
        }
        for (int a : new int[] {ip(8, 8, 8, 8), ip(10, 0, 1, 77), ip(10, 0, 1, 1), ip(192, 168, 3, 4), ip(172, 31, 0, 1)}) {
            s.add(lookup(a));
        }
        s.add("routes " + vr.fib.size() + " adj " + vr.adjacencies.size() + " nh " + hv.nextHopCount(VR)
                + " seq " + hv.lastSequence(VR));
        return s;
    }

    @Test
    void invalidBatchesAreRefusedBeforeAnythingIsApplied() {
        installBasic();
        List<String> before = snapshot();
        long next = seq + 1;
        // each batch starts with valid items that would change the FIB, then breaks the contract
        List<FibUpdateBatch> bad = List.of(
                b().route(RouteOp.REMOVE, 0, 0, FibUpdateBatch.NO_NEXT_HOP)
                        .route(RouteOp.ADD, ip(50, 0, 0, 0), 8, 99).build(next, false),   // unknown next hop
                b().nextHop(NextHopOp.ADD, 9, NextHop.FORWARD, 5, GW1)
                        .route(RouteOp.ADD, ip(50, 0, 0, 0), 8, 9).build(next, false),    // unknown interface
                b().nextHop(NextHopOp.ADD, 9, NextHop.GLEAN, 2, 0).build(next, false),     // unknown interface
                b().nextHop(NextHopOp.ADD, 0, NextHop.DROP, -1, 0).build(next, false),     // id added twice
                b().route(RouteOp.REPLACE, 0, 0, 3).removeNextHop(2).build(next, false),   // still used
                b().route(RouteOp.ADD, 0, 0, 3).build(next, false),                        // route exists
                b().route(RouteOp.REMOVE, ip(60, 0, 0, 0), 8, -1).build(next, false),      // route missing
                b().group(NextHopOp.ADD, 9, new int[] {0, 42}, 2).build(next, false),      // missing member
                b().nextHop(NextHopOp.UPDATE, 42, NextHop.DROP, -1, 0).build(next, false), // update of missing id
                b().removeNextHop(42).build(next, false),                                  // removal of missing id
                b().route(RouteOp.REPLACE, 0, 0, 3).build(next + 1, false));               // sequence gap
        for (FibUpdateBatch batch : bad) {
            assertThrows(KernelHypervisor.RefusedBatchException.class, () -> hv.apply(VR, batch), batch::toString);
            assertEquals(before, snapshot(), () -> "state changed by refused " + batch);
        }
        // the next valid batch with the expected sequence applies
        apply(b().route(RouteOp.REPLACE, 0, 0, 3));
        assertEquals("drop/0/0", lookup(ip(8, 8, 8, 8)));
        assertTrue(hv.batchesApplied(VR) == 2);
    }

    @Test
    void applyFromAnotherThreadIsRefused() throws Exception {
        installBasic();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                hv.apply(VR, b().route(RouteOp.REPLACE, 0, 0, 3).build(seq + 1, false));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertEquals("forward/1/a000202", lookup(ip(8, 8, 8, 8)));
        assertThrows(IllegalStateException.class, () -> hv.apply(99, b().build(1, true)), "unknown VR");
    }

    @Test
    void freedAdjacencyIsReusedOnlyAfterTheGracePeriod() {
        QuiescentStateDomain.Reader worker = domain.register();
        try {
            apply(b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW1).route(RouteOp.ADD, 0, 0, 0));
            int freed = hv.adjacencyOf(VR, 0);
            apply(b().route(RouteOp.REMOVE, 0, 0, -1).removeNextHop(0));
            assertEquals(1, hv.adjacenciesInGracePeriod(VR));
            // the worker has not passed a quiescent point: the index must not come back
            apply(b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW2).route(RouteOp.ADD, 0, 0, 0));
            int second = hv.adjacencyOf(VR, 0);
            assertNotEquals(freed, second);
            worker.quiescent();
            apply(b().nextHop(NextHopOp.ADD, 1, NextHop.REJECT, -1, 0).route(RouteOp.ADD, ip(40, 0, 0, 0), 8, 1));
            assertEquals(freed, hv.adjacencyOf(VR, 1), "reused after the grace period");
            assertEquals("reject/0/0", lookup(ip(40, 1, 1, 1)));
            assertEquals(0L, vr.adjacencies.mac(freed));
            assertEquals("forward/1/a000203", lookup(ip(8, 8, 8, 8)));
        } finally {
            worker.close();
        }
    }

    @Test
    void sharedForwardAdjacenciesComeFromTheControlPlane() {
        KernelHypervisor shared = new KernelHypervisor();
        int[] calls = new int[1];
        shared.register(vr, (vif, gw) -> {
            calls[0]++;
            return vr.adjacencies.add(AdjacencyTable.FORWARD, vif, gw);
        });
        shared.apply(VR, b().nextHop(NextHopOp.ADD, 0, NextHop.FORWARD, 1, GW1)
                .route(RouteOp.ADD, 0, 0, 0).build(1, false));
        assertEquals(1, calls[0]);
        assertEquals("forward/1/a000202", lookup(ip(8, 8, 8, 8)));
        assertEquals(0, shared.ownedAdjacencies(VR));
        shared.apply(VR, b().route(RouteOp.REMOVE, 0, 0, -1).removeNextHop(0).build(2, false));
        assertEquals(0, shared.adjacenciesInGracePeriod(VR), "shared adjacencies are not freed here");
    }

    // ------------------------------------------------------------------------------------------
    // randomized: Rib -> Shadowd -> (FibModel, KernelHypervisor)
    // ------------------------------------------------------------------------------------------

    @Test
    void randomRibChangesKeepKernelFibEqualToTheRibAndTheModel() {
        for (long s = 1; s <= 4; s++) {
            randomRun(s);
        }
    }

    private void randomRun(long seed) {
        KernelHypervisor k = new KernelHypervisor();
        CountersManager cm = new CountersManager(new UnsafeBuffer(new byte[1 << 16]), new UnsafeBuffer(new byte[1 << 14]));
        AtomicCounter[] c = new AtomicCounter[VrCounter.COUNT];
        for (int i = 0; i < c.length; i++) {
            c[i] = cm.newCounter("r-" + i);
        }
        Vif[] vifs = new Vif[3];
        for (int i = 0; i < vifs.length; i++) {
            vifs[i] = new Vif(i, "eth" + i, i, EthernetFlyweight.NO_VLAN, Vif.macFor(1, i), ip(10, 0, i, 1), 24, 1500);
        }
        try (VrDataPlane d = new VrDataPlane(1, "rnd", 0, Ipv4Fib.dir24_8(1 << 12, 512, new QuiescentStateDomain()), vifs,
                1 << 12, new Stats(c))) {
            k.register(d);
            FibModel model = new FibModel();
            Rib rib = new Rib(4);
            Shadowd shadowd = new Shadowd(1, rib, (vrId, batch) -> {
                model.apply(batch);
                k.apply(vrId, batch);
            }, 16);
            SplittableRandom r = new SplittableRandom(seed);
            int[] prefixes = new int[60];
            int[] lengths = new int[prefixes.length];
            for (int i = 0; i < prefixes.length; i++) {
                lengths[i] = i == 0 ? 0 : 8 + r.nextInt(25);
                int base = ip(10 + r.nextInt(3), r.nextInt(4), r.nextInt(4), r.nextInt(256));
                prefixes[i] = lengths[i] == 0 ? 0 : base & (int) (0xFFFF_FFFFL << (32 - lengths[i]));
            }
            RouteSource[] sources = {RouteSource.STATIC, RouteSource.OSPF, RouteSource.EBGP};
            for (int turn = 0; turn < 150; turn++) {
                int changes = 1 + r.nextInt(30);
                for (int j = 0; j < changes; j++) {
                    int p = r.nextInt(prefixes.length);
                    RouteSource src = sources[r.nextInt(sources.length)];
                    if (r.nextInt(4) == 0) {
                        rib.remove(src, 0, prefixes[p], lengths[p]);
                    } else {
                        rib.add(src, 0, prefixes[p], lengths[p], r.nextInt(3), randomSet(r));
                    }
                }
                if (turn % 50 == 49) {
                    shadowd.resync();
                } else if (turn == 100) {
                    shadowd.withdrawAll();
                    shadowd.resync();
                } else {
                    shadowd.flush();
                }
                compare(seed, turn, rib, model, k, d, r);
            }
            assertTrue(k.batchesApplied(1) > 0);
            shadowd.close();
        }
    }

    private static NextHopSet randomSet(SplittableRandom r) {
        int v = r.nextInt(10);
        if (v == 0) {
            return NextHopSet.DROP;
        }
        if (v == 1) {
            return NextHopSet.REJECT;
        }
        if (v == 2) {
            return NextHopSet.LOCAL;
        }
        if (v == 3) {
            return NextHopSet.attached(r.nextInt(3));
        }
        int n = v >= 8 ? 2 + r.nextInt(2) : 1;
        long[] hops = new long[n];
        for (int i = 0; i < n; i++) {
            hops[i] = NextHop.forward(ip(10, 0, 0, 2 + r.nextInt(6)), r.nextInt(3));
        }
        try {
            return NextHopSet.of(hops);
        } catch (IllegalArgumentException duplicate) {
            return NextHopSet.of(hops[0]);
        }
    }

    private static void compare(long seed, int turn, Rib rib, FibModel model, KernelHypervisor k, VrDataPlane d,
                                SplittableRandom r) {
        String where = "seed " + seed + " turn " + turn;
        assertEquals(rib.size(), d.fib.size(), where + ": route count");
        assertEquals(model.routeCount(), k.routeCount(1), where);
        // every installed route points at the first next hop the model holds for it
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            NextHopSet set = model.nextHops(rib.prefix(e), rib.length(e));
            assertNotNull(set, where);
            assertEquals(rib.bestNextHops(e), set, where);
            int nh = d.fib.get(rib.prefix(e), rib.length(e));
            assertEquals(describeHop(set.hop(0)), describe(d, nh), where + " route " + rib.prefix(e) + "/" + rib.length(e));
        }
        // longest-prefix lookups of random addresses, mostly inside the prefixes used
        for (int i = 0; i < 300; i++) {
            int a = i % 5 == 0 ? r.nextInt() : ip(10 + r.nextInt(3), r.nextInt(4), r.nextInt(4), r.nextInt(256));
            int e = rib.lookup(a);
            int nh = d.fib.lookup(a);
            String expected = e == Rib.NONE ? "miss" : describeHop(rib.bestNextHops(e).hop(0));
            assertEquals(expected, nh == Ipv4Fib.NO_ROUTE ? "miss" : describe(d, nh), where + " address " + Integer.toHexString(a));
        }
    }

    private static String describe(VrDataPlane d, int nh) {
        AdjacencyTable a = d.adjacencies;
        return AdjacencyTable.kindName(a.kind(nh)) + "/" + a.vif(nh) + "/" + Integer.toHexString(a.nextHop(nh));
    }
}
