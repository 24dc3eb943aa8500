package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.it.LabFixture.COUNTER_WAIT;
import static org.vroom.it.LabFixture.assertAlive;
import static org.vroom.it.LabFixture.assertPing;
import static org.vroom.it.LabFixture.assertTrace;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.lab.Host;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.VroomNode;
import org.vroom.lab.traffic.SeqTraffic;

/**
 * Two vroom nodes in series, each in its own namespace, joined by a transit /30 whose both ends are
 * AF_PACKET router ports; static routes both ways:
 *
 * <pre>
 *   h1 10.0.1.2 ==p0== [A: VR a  10.0.1.1 | 10.255.0.1/30] ==p1 ... p0== [B: VR b  10.255.0.2/30 | 10.0.2.1] ==p1== h2 10.0.2.2
 *                         10.0.2.0/24 via 10.255.0.2                          10.0.1.0/24 via 10.255.0.1
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoRoutersIT {
    private Lab lab;
    private Host h1;
    private Host h2;
    private VroomNode a;
    private VroomNode b;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        lab = new Lab();
        Host ra = LabFixture.routerHost(lab, "ra");
        Host rb = LabFixture.routerHost(lab, "rb");
        h1 = LabFixture.endHost(lab, "h1", ra, "p0", "10.0.1.2/24", "10.0.1.1");
        lab.link(ra, "p1", rb, "p0");
        h2 = LabFixture.endHost(lab, "h2", rb, "p1", "10.0.2.2/24", "10.0.2.1");
        VroomNode.Spec specB = VroomNode.spec("b").port("p0", "p0").port("p1", "p1");
        specB.vr("b", 2).iface("transit", "p0", "10.255.0.2/30").iface("lan", "p1", "10.0.2.1/24")
                .route("10.0.1.0/24", "10.255.0.1");
        VroomNode.Spec specA = VroomNode.spec("a").port("p0", "p0").port("p1", "p1");
        specA.vr("a", 1).iface("lan", "p0", "10.0.1.1/24").iface("transit", "p1", "10.255.0.1/30")
                .route("10.0.2.0/24", "10.255.0.2");
        // B first: A's ARP request for its next hop at start-up then finds B listening, and B learns A from it
        b = VroomNode.start(rb, specB);
        a = VroomNode.start(ra, specA);
    }

    @AfterAll
    void tearDown() {
        LabFixture.close(lab);
    }

    @AfterEach
    void nodesSurvived() {
        if (a != null && b != null) {
            assertAlive(a);
            assertAlive(b);
        }
    }

    private Supplier<String> diag() {
        return () -> LabFixture.neighbourTables(h1, h2) + LabFixture.diagnostics(a, b);
    }

    @Test
    void pingCrossesBothRoutersWithTheTtlDecrementedTwice() {
        long fa = a.vr("a", VrCounter.FORWARDED);
        long fb = b.vr("b", VrCounter.FORWARDED);
        assertPing(h1, "10.0.2.2", 3, 62, diag());
        assertPing(h2, "10.0.1.2", 3, 62, diag());
        assertTrue(a.awaitVr("a", VrCounter.FORWARDED, v -> v >= fa + 12, COUNTER_WAIT) >= fa + 12, diag());
        assertTrue(b.awaitVr("b", VrCounter.FORWARDED, v -> v >= fb + 12, COUNTER_WAIT) >= fb + 12, diag());
    }

    @Test
    void eachRouterAnswersForItsAddressesOneOrNoHopAway() {
        assertPing(h1, "10.0.1.1", 2, 64, diag());
        assertPing(h1, "10.255.0.1", 2, 64, diag());
        assertPing(h1, "10.255.0.2", 2, 63, diag()); // B answers, A forwards the reply
        assertPing(h1, "10.0.2.1", 2, 63, diag());
        assertPing(h2, "10.255.0.1", 2, 63, diag());
    }

    @Test
    void tracerouteShowsThreeHops() {
        LabAssumptions.assumeCommand("traceroute", "traceroute");
        assertTrace(h1, "10.0.2.2", List.of("10.0.1.1", "10.255.0.2", "10.0.2.2"), diag());
        assertTrace(h2, "10.0.1.2", List.of("10.0.2.1", "10.255.0.1", "10.0.1.2"), diag());
    }

    @Test
    void aUdpStreamCrossesBothRoutersWithoutLoss() {
        long count = 20_000;
        assertPing(h1, "10.0.2.2", 1, 62, diag());
        long fb = b.vr("b", VrCounter.FORWARDED);
        SeqTraffic.Result r = LabFixture.runWithOneRetryOnStarvation("TwoRoutersIT.udp",
                () -> SeqTraffic.run(h1, h2, "10.0.2.2", count, SingleRouterIT.UDP_PPS, SeqTraffic.DEFAULT_SIZE),
                res -> LabFixture.Loss.of(res.sink()), List.of(h2), a, b);
        Supplier<String> msg = () -> "\n" + r.sender().toJson() + "\n" + r.sink().toJson() + diag().get();
        assertEquals(count, r.sender().sent(), msg);
        assertTrue(r.sink().perfect(), msg);
        assertTrue(b.awaitVr("b", VrCounter.FORWARDED, v -> v >= fb + count, COUNTER_WAIT) >= fb + count, msg);
    }
}
