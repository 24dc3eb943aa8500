package org.vroom.vr.shadow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.rib.NextHop;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.testkit.FibModel;
import org.vroom.vr.testkit.RecordingHypervisor;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShadowdTest {
    static final int VR = 7;
    static final int GW1 = ip("192.0.2.1");
    static final int GW2 = ip("192.0.2.2");
    static final int GW3 = ip("192.0.2.3");

    final Rib rib = new Rib(4);
    final RecordingHypervisor hv = new RecordingHypervisor();
    final Shadowd shadowd = new Shadowd(VR, rib, hv);

    static int ip(String s) {
        return Ipv4Addresses.parse(s);
    }

    /** The batches sent since the last call, as text. */
    String sent() {
        StringBuilder b = new StringBuilder();
        for (FibUpdateBatch batch : hv.take(VR)) {
            b.append(batch);
        }
        return b.toString();
    }

    void staticVia(String prefix, int length, int gw, int ifIndex) {
        rib.add(RouteSource.STATIC, gw, ip(prefix), length, 0, NextHopSet.via(gw, ifIndex));
    }

    @Test
    void aNextHopSharedByManyRoutesIsOneRefcountedId() {
        staticVia("10.0.0.0", 8, GW1, 1);
        staticVia("20.0.0.0", 8, GW1, 1);
        rib.add(RouteSource.CONNECTED, 1, ip("192.0.2.0"), 24, 0, NextHopSet.attached(1));
        assertTrue(shadowd.flush());
        assertEquals("""
                batch #1
                  nh ADD 0 forward if 1 via 192.0.2.1
                  nh ADD 1 glean if 1
                  route ADD 10.0.0.0/8 -> 0
                  route ADD 20.0.0.0/8 -> 0
                  route ADD 192.0.2.0/24 -> 1
                """, sent());
        assertEquals(2, shadowd.references(0));
        assertEquals(1, shadowd.references(1));

        rib.remove(RouteSource.STATIC, GW1, ip("10.0.0.0"), 8);
        shadowd.flush();
        assertEquals("""
                batch #2
                  route REMOVE 10.0.0.0/8
                """, sent(), "the next hop stays: another route uses it");
        assertEquals(1, shadowd.references(0));

        rib.remove(RouteSource.STATIC, GW1, ip("20.0.0.0"), 8);
        shadowd.flush();
        assertEquals("""
                batch #3
                  route REMOVE 20.0.0.0/8
                  nh REMOVE 0
                """, sent(), "the last user gone: removed after the route");
        assertEquals(1, shadowd.nextHopIdCount());
    }

    @Test
    void changesWithinATurnAreCoalesced() {
        staticVia("30.0.0.0", 8, GW1, 1);
        shadowd.flush();
        sent();
        // added, then its next hop changed twice: one ADD with the final next hop
        rib.add(RouteSource.OSPF, 0, ip("40.0.0.0"), 8, 5, NextHopSet.via(GW2, 2));
        rib.add(RouteSource.OSPF, 0, ip("40.0.0.0"), 8, 5, NextHopSet.via(GW3, 2));
        rib.add(RouteSource.OSPF, 0, ip("40.0.0.0"), 8, 6, NextHopSet.via(GW3, 2));
        // added and removed: nothing
        staticVia("50.0.0.0", 8, GW2, 3);
        rib.remove(RouteSource.STATIC, GW2, ip("50.0.0.0"), 8);
        // changed away and back: nothing
        rib.add(RouteSource.STATIC, GW1, ip("30.0.0.0"), 8, 0, NextHopSet.via(GW1, 2));
        rib.add(RouteSource.STATIC, GW1, ip("30.0.0.0"), 8, 0, NextHopSet.via(GW1, 1));
        assertTrue(shadowd.flush());
        assertEquals("""
                batch #2
                  nh ADD 2 forward if 2 via 192.0.2.3
                  route ADD 40.0.0.0/8 -> 2
                """, sent());
        // metric-only changes are not FIB changes
        rib.add(RouteSource.OSPF, 0, ip("40.0.0.0"), 8, 7, NextHopSet.via(GW3, 2));
        staticVia("60.0.0.0", 8, GW2, 3);
        rib.remove(RouteSource.STATIC, GW2, ip("60.0.0.0"), 8);
        assertFalse(shadowd.flush(), "nothing left to send");
        assertEquals("", sent());
        assertEquals(2, shadowd.nextHopIdCount(), "the transient next hops were freed");
    }

    @Test
    void anEcmpSetIsAGroupOverMemberIds() {
        staticVia("40.0.0.0", 8, GW1, 1);
        staticVia("40.0.0.0", 8, GW2, 1);
        staticVia("50.0.0.0", 8, GW1, 1);
        shadowd.flush();
        assertEquals("""
                batch #1
                  nh ADD 0 forward if 1 via 192.0.2.1
                  nh ADD 1 forward if 1 via 192.0.2.2
                  nh ADD 2 group [0,1]
                  route ADD 40.0.0.0/8 -> 2
                  route ADD 50.0.0.0/8 -> 0
                """, sent());
        assertEquals(2, shadowd.references(0), "one route and one group");
        assertEquals(2, shadowd.nextHopId(NextHopSet.of(NextHop.forward(GW1, 1), NextHop.forward(GW2, 1))));

        rib.remove(RouteSource.STATIC, GW2, ip("40.0.0.0"), 8);
        shadowd.flush();
        assertEquals("""
                batch #2
                  route REPLACE 40.0.0.0/8 -> 0
                  nh REMOVE 2
                  nh REMOVE 1
                """, sent(), "the group goes before its member");
        assertEquals(2, shadowd.references(0));
        assertEquals(1, shadowd.nextHopIdCount());
    }

    @Test
    void aGroupDroppedAndRevivedWithinATurnKeepsItsId() {
        staticVia("40.0.0.0", 8, GW1, 1);
        staticVia("40.0.0.0", 8, GW2, 1);
        shadowd.flush();
        sent();
        rib.remove(RouteSource.STATIC, GW2, ip("40.0.0.0"), 8);
        staticVia("40.0.0.0", 8, GW2, 1);
        assertFalse(shadowd.flush());
        assertEquals(1, shadowd.references(2));
        assertEquals(1, shadowd.references(0), "held by the group only");
        assertEquals(1, shadowd.references(1));
        rib.remove(RouteSource.STATIC, GW2, ip("40.0.0.0"), 8);
        rib.remove(RouteSource.STATIC, GW1, ip("40.0.0.0"), 8);
        shadowd.flush();
        assertEquals("""
                batch #2
                  route REMOVE 40.0.0.0/8
                  nh REMOVE 2
                  nh REMOVE 1
                  nh REMOVE 0
                """, sent());
        assertEquals(0, shadowd.nextHopIdCount());
    }

    @Test
    void largeTurnsAreSplitWithNextHopsFirstAndRemovalsLast() {
        Rib r = new Rib(1);
        Shadowd s = new Shadowd(9, r, hv, 2);
        for (int i = 0; i < 5; i++) {
            r.add(RouteSource.STATIC, GW1, ip("10.0.0.0") + (i << 16), 16, 0, NextHopSet.via(GW1, 1));
        }
        s.flush();
        List<FibUpdateBatch> adds = hv.take(9);
        assertEquals(3, adds.size());
        assertEquals(List.of(2, 2, 1), adds.stream().map(FibUpdateBatch::routeCount).toList());
        assertEquals(List.of(1, 0, 0), adds.stream().map(FibUpdateBatch::nextHopCount).toList());
        assertEquals(List.of(1L, 2L, 3L), adds.stream().map(FibUpdateBatch::sequence).toList());
        r.removeAll(RouteSource.STATIC);
        s.flush();
        List<FibUpdateBatch> removes = hv.take(9);
        assertEquals(List.of(2, 2, 1), removes.stream().map(FibUpdateBatch::routeCount).toList());
        assertEquals(List.of(0, 0, 1), removes.stream().map(FibUpdateBatch::removedNextHopCount).toList());
        assertEquals(0, hv.model(9).routeCount());
    }

    @Test
    void resyncPushesTheWholeRibAsAResetAndWithdrawAllEmptiesTheFib() {
        staticVia("10.0.0.0", 8, GW1, 1);
        staticVia("10.0.0.0", 8, GW2, 2);
        rib.add(RouteSource.STATIC, 0, ip("20.0.0.0"), 8, 0, NextHopSet.DROP);
        shadowd.flush();
        sent();
        shadowd.resync();
        assertEquals("""
                batch #2 RESET
                  nh ADD 0 forward if 1 via 192.0.2.1
                  nh ADD 1 forward if 2 via 192.0.2.2
                  nh ADD 2 group [0,1]
                  nh ADD 3 drop
                  route ADD 10.0.0.0/8 -> 2
                  route ADD 20.0.0.0/8 -> 3
                """, sent());
        assertEquals(2, hv.model(VR).routeCount());
        shadowd.withdrawAll();
        assertEquals("batch #3 RESET\n", sent());
        assertEquals(0, hv.model(VR).routeCount());
        // and it keeps following the RIB afterwards
        staticVia("30.0.0.0", 8, GW3, 1);
        shadowd.flush();
        assertEquals("""
                batch #4
                  nh ADD 0 forward if 1 via 192.0.2.3
                  route ADD 30.0.0.0/8 -> 0
                """, sent());
    }

    @Test
    void forgetMakesTheNextBatchAReset() {
        staticVia("10.0.0.0", 8, GW1, 1);
        shadowd.flush();
        sent();
        shadowd.detach();
        rib.clear();
        shadowd.forget();
        shadowd.attach();
        staticVia("20.0.0.0", 8, GW1, 1);
        shadowd.flush();
        assertEquals("""
                batch #2 RESET
                  nh ADD 0 forward if 1 via 192.0.2.1
                  route ADD 20.0.0.0/8 -> 0
                """, sent());
    }

    /** Random RIB churn with random flush points: after every flush the strict FIB model equals the RIB. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 99})
    void theFibAlwaysMatchesTheRib(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Rib r = new Rib(1 + rnd.nextInt(4));
        RecordingHypervisor h = new RecordingHypervisor().keepBatches(false);
        Shadowd s = new Shadowd(1, r, h, 1 + rnd.nextInt(50));
        NextHopSet[] pool = {
            NextHopSet.via(GW1, 1), NextHopSet.via(GW2, 1), NextHopSet.via(GW3, 2), NextHopSet.attached(3),
            NextHopSet.of(NextHop.forward(GW1, 1), NextHop.forward(GW3, 2)), NextHopSet.DROP, NextHopSet.REJECT,
            NextHopSet.LOCAL, NextHopSet.of(NextHop.forward(GW2, 1), NextHop.attached(3), NextHop.forward(GW3, 4))};
        RouteSource[] sources = {RouteSource.STATIC, RouteSource.OSPF, RouteSource.EBGP, RouteSource.IBGP};
        for (int op = 0; op < 20_000; op++) {
            int prefix = ip("10.0.0.0") + (rnd.nextInt(60) << 12);
            int length = 20 + rnd.nextInt(3);
            RouteSource source = sources[rnd.nextInt(sources.length)];
            int origin = rnd.nextInt(2);
            if (rnd.nextInt(3) == 0) {
                r.remove(source, origin, prefix, length);
            } else {
                r.add(source, origin, prefix, length, rnd.nextInt(2), pool[rnd.nextInt(pool.length)]);
            }
            if (rnd.nextInt(200) == 0) {
                s.resync();
            } else if (rnd.nextInt(20) == 0) {
                s.flush();
                check(r, s, h.model(1));
            }
        }
        r.removeAll(RouteSource.STATIC);
        r.removeAll(RouteSource.OSPF);
        r.removeAll(RouteSource.EBGP);
        r.removeAll(RouteSource.IBGP);
        s.flush();
        check(r, s, h.model(1));
        assertEquals(0, h.model(1).nextHopCount());
        assertEquals(0, s.nextHopIdCount());
    }

    private static void check(Rib r, Shadowd s, FibModel model) {
        assertEquals(r.size(), model.routeCount());
        r.forEachBest((p, l, src, d, m, nhs) -> assertEquals(nhs, model.nextHops(p, l)));
        assertEquals(s.nextHopIdCount(), model.nextHopCount(), "every id the FIB has is alive in shadowd");
    }
}
