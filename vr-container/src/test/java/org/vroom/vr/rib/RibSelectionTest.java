package org.vroom.vr.rib;

import org.junit.jupiter.api.Test;
import org.vroom.packetio.codec.Ipv4Addresses;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RibSelectionTest {
    private static final int P = ip("10.0.0.0");
    private static final int GW1 = ip("192.0.2.1");
    private static final int GW2 = ip("192.0.2.2");
    private static final int GW3 = ip("192.0.2.3");
    private static final int GW4 = ip("192.0.2.4");

    private final List<String> events = new ArrayList<>();
    private final Rib rib = new Rib(4);

    RibSelectionTest() {
        rib.addListener(c -> events.add(c.toString()));
    }

    static int ip(String s) {
        return Ipv4Addresses.parse(s);
    }

    @Test
    void lowerDistanceWinsRegardlessOfMetric() {
        rib.add(RouteSource.OSPF, 0, P, 8, 10, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 500, NextHopSet.via(GW2, 2));
        rib.add(RouteSource.IBGP, 0, P, 8, 0, NextHopSet.via(GW3, 3));
        Route best = rib.best(P, 8);
        assertEquals(RouteSource.STATIC, best.source());
        assertEquals(1, best.distance());
        assertEquals(NextHopSet.via(GW2, 2), best.nextHops());
        assertEquals(List.of(
                "ADDED 10.0.0.0/8 OSPF [110/10] via 192.0.2.1 if 1",
                "CHANGED 10.0.0.0/8 OSPF [110/10] via 192.0.2.1 if 1 -> STATIC [1/500] via 192.0.2.2 if 2"), events);
    }

    @Test
    void ebgpBeatsOspfBeatsIbgpAndConnectedBeatsAll() {
        rib.add(RouteSource.IBGP, 0, P, 8, 0, NextHopSet.via(GW1, 1));
        assertEquals(RouteSource.IBGP, rib.best(P, 8).source());
        rib.add(RouteSource.OSPF, 0, P, 8, 0, NextHopSet.via(GW2, 1));
        assertEquals(RouteSource.OSPF, rib.best(P, 8).source());
        rib.add(RouteSource.EBGP, 0, P, 8, 0, NextHopSet.via(GW3, 1));
        assertEquals(RouteSource.EBGP, rib.best(P, 8).source());
        rib.add(RouteSource.CONNECTED, 1, P, 8, 0, NextHopSet.attached(1));
        assertEquals(RouteSource.CONNECTED, rib.best(P, 8).source());
        assertEquals(4, rib.candidateCount());
        assertEquals(1, rib.size());
    }

    @Test
    void lowerMetricWinsWithinEqualDistance() {
        rib.add(RouteSource.STATIC, GW1, P, 8, 20, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 10, NextHopSet.via(GW2, 1));
        assertEquals(NextHopSet.via(GW2, 1), rib.best(P, 8).nextHops());
        assertEquals(10, rib.best(P, 8).metric());
    }

    @Test
    void explicitDistanceMakesAFloatingStatic() {
        rib.add(RouteSource.OSPF, 0, P, 8, 50, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 250, 0, NextHopSet.via(GW2, 2));
        assertEquals(RouteSource.OSPF, rib.best(P, 8).source());
        rib.remove(RouteSource.OSPF, 0, P, 8);
        assertEquals(RouteSource.STATIC, rib.best(P, 8).source());
        assertEquals(250, rib.best(P, 8).distance());
    }

    @Test
    void equalCandidatesOfTheWinningSourceMergeUpToTheWidthInSortedOrder() {
        rib.add(RouteSource.STATIC, GW4, P, 8, 0, NextHopSet.via(GW4, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 0, NextHopSet.via(GW2, 1));
        rib.add(RouteSource.STATIC, GW3, P, 8, 0, NextHopSet.via(GW3, 1));
        rib.add(RouteSource.STATIC, GW1, P, 8, 0, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, ip("192.0.2.5"), P, 8, 0, NextHopSet.via(ip("192.0.2.5"), 1));
        NextHopSet best = rib.best(P, 8).nextHops();
        assertEquals(NextHopSet.of(NextHop.forward(GW1, 1), NextHop.forward(GW2, 1), NextHop.forward(GW3, 1),
                NextHop.forward(GW4, 1)), best, "width 4 keeps the four lowest packed next hops");
        assertEquals(GW1, rib.best(P, 8).origin(), "the lowest origin wins the tie-break");
    }

    @Test
    void ecmpWidthAlsoCutsASingleWideCandidate() {
        Rib narrow = new Rib(2);
        narrow.add(RouteSource.OSPF, 0, P, 8, 5,
                NextHopSet.of(NextHop.forward(GW3, 1), NextHop.forward(GW1, 2), NextHop.forward(GW2, 1)));
        assertEquals(NextHopSet.of(NextHop.forward(GW2, 1), NextHop.forward(GW3, 1)), narrow.best(P, 8).nextHops(),
                "sorted by interface, then address");
    }

    @Test
    void candidatesOfOtherSourcesOrMetricsDoNotMerge() {
        rib.add(RouteSource.STATIC, GW1, P, 8, 0, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 1, NextHopSet.via(GW2, 1));
        rib.add(RouteSource.EBGP, 0, P, 8, 1, 0, NextHopSet.via(GW3, 1)); // same distance 1, other source
        assertEquals(NextHopSet.via(GW1, 1), rib.best(P, 8).nextHops());
    }

    @Test
    void tieAcrossSourcesIsBrokenBySourceOrder() {
        rib.add(RouteSource.EBGP, 0, P, 8, 1, 0, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 1, 0, NextHopSet.via(GW2, 1));
        assertEquals(RouteSource.STATIC, rib.best(P, 8).source(), "STATIC is declared before EBGP");
        assertEquals(NextHopSet.via(GW2, 1), rib.best(P, 8).nextHops());
    }

    @Test
    void specialNextHopsNeverMerge() {
        rib.add(RouteSource.STATIC, 0, P, 8, 0, NextHopSet.DROP);
        rib.add(RouteSource.STATIC, GW1, P, 8, 0, NextHopSet.via(GW1, 1));
        // origin 0 (drop) wins the tie-break and forwards alone
        assertEquals(NextHopSet.DROP, rib.best(P, 8).nextHops());
        rib.remove(RouteSource.STATIC, 0, P, 8);
        assertEquals(NextHopSet.via(GW1, 1), rib.best(P, 8).nextHops());
        rib.add(RouteSource.STATIC, 1, P, 8, 0, NextHopSet.REJECT); // origin 1 < GW1: the reject wins alone
        assertEquals(NextHopSet.REJECT, rib.best(P, 8).nextHops());
        rib.add(RouteSource.STATIC, GW2, P, 8, 0, NextHopSet.via(GW2, 1));
        assertEquals(NextHopSet.REJECT, rib.best(P, 8).nextHops());
        Rib other = new Rib(4);
        other.add(RouteSource.STATIC, GW1, P, 8, 0, NextHopSet.via(GW1, 1));
        other.add(RouteSource.STATIC, GW2, P, 8, 0, NextHopSet.via(GW2, 1));
        other.add(RouteSource.STATIC, -1, P, 8, 0, NextHopSet.DROP); // ties but loses (origin 0xFFFFFFFF): ignored
        assertEquals(NextHopSet.of(NextHop.forward(GW1, 1), NextHop.forward(GW2, 1)), other.best(P, 8).nextHops());
        other.add(RouteSource.STATIC, 0, P, 8, 0, NextHopSet.DROP); // origin 0 wins: the drop forwards alone
        assertEquals(NextHopSet.DROP, other.best(P, 8).nextHops());
    }

    @Test
    void withdrawingTheBestFallsBackToTheNextAndThenRemoves() {
        rib.add(RouteSource.OSPF, 0, P, 8, 10, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.EBGP, 0, P, 8, 0, NextHopSet.via(GW2, 2));
        rib.add(RouteSource.IBGP, 0, P, 8, 0, NextHopSet.via(GW3, 3));
        events.clear();
        assertTrue(rib.remove(RouteSource.EBGP, 0, P, 8));
        assertEquals(RouteSource.OSPF, rib.best(P, 8).source());
        assertTrue(rib.remove(RouteSource.OSPF, 0, P, 8));
        assertEquals(RouteSource.IBGP, rib.best(P, 8).source());
        assertFalse(rib.remove(RouteSource.OSPF, 0, P, 8), "already gone");
        assertTrue(rib.remove(RouteSource.IBGP, 0, P, 8));
        assertNull(rib.best(P, 8));
        assertEquals(0, rib.size());
        assertEquals(0, rib.candidateCount());
        assertEquals(0, rib.nextHopSetCount(), "no next-hop set leaks");
        assertEquals(List.of(
                "CHANGED 10.0.0.0/8 EBGP [20/0] via 192.0.2.2 if 2 -> OSPF [110/10] via 192.0.2.1 if 1",
                "CHANGED 10.0.0.0/8 OSPF [110/10] via 192.0.2.1 if 1 -> IBGP [200/0] via 192.0.2.3 if 3",
                "REMOVED 10.0.0.0/8 IBGP [200/0] via 192.0.2.3 if 3"), events);
    }

    @Test
    void removingANonBestCandidateOrReAddingTheSameIsSilent() {
        rib.add(RouteSource.OSPF, 0, P, 8, 10, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.IBGP, 0, P, 8, 0, NextHopSet.via(GW3, 3));
        events.clear();
        assertFalse(rib.add(RouteSource.OSPF, 0, P, 8, 10, NextHopSet.via(GW1, 1)), "identical candidate");
        assertTrue(rib.remove(RouteSource.IBGP, 0, P, 8));
        assertEquals(List.of(), events);
    }

    @Test
    void metricOnlyChangeIsReportedWithUnchangedNextHops() {
        rib.add(RouteSource.OSPF, 0, P, 8, 10, NextHopSet.via(GW1, 1));
        List<Boolean> nextHopsChanged = new ArrayList<>();
        rib.addListener(c -> nextHopsChanged.add(c.nextHopsChanged()));
        rib.add(RouteSource.OSPF, 0, P, 8, 20, NextHopSet.via(GW1, 1));
        assertEquals(List.of(false), nextHopsChanged);
        assertEquals(20, rib.best(P, 8).metric());
    }

    @Test
    void hostBitsAreClearedAndLengthsAreSeparateRoutes() {
        rib.add(RouteSource.STATIC, GW1, ip("10.1.2.3"), 8, 0, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, ip("10.1.0.0"), 16, 0, NextHopSet.via(GW2, 1));
        assertEquals(P, rib.best(ip("10.9.9.9"), 8).prefix());
        assertEquals(2, rib.size());
        assertEquals(GW2, rib.bestNextHops(rib.find(ip("10.1.0.0"), 16)).address(0));
    }

    @Test
    void longestPrefixMatch() {
        rib.add(RouteSource.STATIC, GW1, 0, 0, 0, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 0, NextHopSet.via(GW2, 1));
        rib.add(RouteSource.STATIC, GW3, ip("10.1.0.0"), 16, 0, NextHopSet.via(GW3, 1));
        rib.add(RouteSource.LOCAL, 0, ip("10.1.2.3"), 32, 0, NextHopSet.LOCAL);
        assertEquals(32, rib.length(rib.lookup(ip("10.1.2.3"))));
        assertEquals(16, rib.length(rib.lookup(ip("10.1.2.4"))));
        assertEquals(8, rib.length(rib.lookup(ip("10.2.0.0"))));
        assertEquals(0, rib.length(rib.lookup(ip("11.0.0.0"))));
        rib.remove(RouteSource.STATIC, GW1, 0, 0);
        assertEquals(Rib.NONE, rib.lookup(ip("11.0.0.0")));
        assertEquals(Rib.NONE, new Rib(1).lookup(0));
    }

    @Test
    void removeAllOfASourceOrOrigin() {
        for (int i = 0; i < 10; i++) {
            rib.add(RouteSource.OSPF, 0, P + (i << 16), 16, 1, NextHopSet.via(GW1, 1));
            rib.add(RouteSource.EBGP, i % 2, P + (i << 16), 16, 1, NextHopSet.via(GW2, 1));
        }
        assertEquals(5, rib.removeAll(RouteSource.EBGP, 1));
        assertEquals(15, rib.candidateCount());
        assertEquals(5, rib.removeAll(RouteSource.EBGP));
        assertEquals(10, rib.size());
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            assertEquals(RouteSource.OSPF, rib.bestSource(e));
        }
        assertEquals(10, rib.removeAll(RouteSource.OSPF));
        assertEquals(0, rib.size());
        assertEquals(0, rib.nextHopSetCount());
    }

    @Test
    void ecmpWidthChangeReselectsEveryPrefix() {
        rib.add(RouteSource.STATIC, GW1, P, 8, 0, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 0, NextHopSet.via(GW2, 1));
        assertEquals(2, rib.best(P, 8).nextHops().size());
        events.clear();
        rib.setEcmpWidth(1);
        assertEquals(NextHopSet.via(GW1, 1), rib.best(P, 8).nextHops());
        assertEquals(1, events.size());
        rib.setEcmpWidth(8);
        assertEquals(2, rib.best(P, 8).nextHops().size());
    }

    @Test
    void listenersMustNotModifyTheRib() {
        rib.addListener(c -> rib.add(RouteSource.STATIC, GW2, ip("20.0.0.0"), 8, 0, NextHopSet.via(GW2, 1)));
        assertThrows(IllegalStateException.class, () -> rib.add(RouteSource.STATIC, GW1, P, 8, 0, NextHopSet.via(GW1, 1)));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> rib.add(RouteSource.STATIC, 0, P, 33, 0, NextHopSet.DROP));
        assertThrows(IllegalArgumentException.class, () -> rib.add(RouteSource.STATIC, 0, P, 8, 255, 0, NextHopSet.DROP));
        assertThrows(IllegalArgumentException.class, () -> rib.add(RouteSource.STATIC, 0, P, 8, -1, NextHopSet.DROP));
        assertThrows(IllegalArgumentException.class, () -> NextHopSet.of(NextHop.drop(), NextHop.forward(GW1, 1)));
        assertThrows(IllegalArgumentException.class, () -> NextHop.forward(0, 1));
        assertThrows(IllegalArgumentException.class, () -> NextHopSet.of());
        assertThrows(IllegalArgumentException.class, () -> new Rib(0));
    }

    @Test
    void candidatesAreListedInSelectionOrder() {
        rib.add(RouteSource.IBGP, 0, P, 8, 0, NextHopSet.via(GW3, 3));
        rib.add(RouteSource.OSPF, 0, P, 8, 10, NextHopSet.via(GW1, 1));
        rib.add(RouteSource.STATIC, GW2, P, 8, 0, NextHopSet.via(GW2, 2));
        List<RouteSource> order = rib.candidates(P, 8).stream().map(Route::source).toList();
        assertEquals(List.of(RouteSource.STATIC, RouteSource.OSPF, RouteSource.IBGP), order);
    }
}
