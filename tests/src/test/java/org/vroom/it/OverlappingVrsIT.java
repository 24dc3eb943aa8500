package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.it.LabFixture.COUNTER_WAIT;
import static org.vroom.it.LabFixture.assertAlive;
import static org.vroom.it.LabFixture.assertPing;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.lab.Host;
import org.vroom.lab.Icmp;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.VroomNode;
import org.vroom.lab.traffic.SenderReport;
import org.vroom.lab.traffic.SeqTraffic;
import org.vroom.lab.traffic.SinkReport;

/**
 * One node, two VRs with the same address plan on different ports: the VRs are isolated, each host
 * reaches only its own VR's peer.
 *
 * <pre>
 *   h1 10.0.1.2 ==p0== [VR red  (id 1) 10.0.1.1 | 10.0.2.1] ==p1== h2 10.0.2.2
 *   h3 10.0.1.2 ==p2== [VR blue (id 2) 10.0.1.1 | 10.0.2.1] ==p3== h4 10.0.2.2
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverlappingVrsIT {
    private Lab lab;
    private Host h1;
    private Host h2;
    private Host h3;
    private Host h4;
    private VroomNode node;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        lab = new Lab();
        Host r = LabFixture.routerHost(lab, "r");
        h1 = LabFixture.endHost(lab, "h1", r, "p0", "10.0.1.2/24", "10.0.1.1");
        h2 = LabFixture.endHost(lab, "h2", r, "p1", "10.0.2.2/24", "10.0.2.1");
        h3 = LabFixture.endHost(lab, "h3", r, "p2", "10.0.1.2/24", "10.0.1.1");
        h4 = LabFixture.endHost(lab, "h4", r, "p3", "10.0.2.2/24", "10.0.2.1");
        VroomNode.Spec spec = VroomNode.spec("r").port("p0", "p0").port("p1", "p1").port("p2", "p2").port("p3", "p3");
        spec.vr("red", 1).iface("eth0", "p0", "10.0.1.1/24").iface("eth1", "p1", "10.0.2.1/24");
        spec.vr("blue", 2).iface("eth0", "p2", "10.0.1.1/24").iface("eth1", "p3", "10.0.2.1/24");
        node = VroomNode.start(r, spec);
    }

    @AfterAll
    void tearDown() {
        LabFixture.close(lab);
    }

    @AfterEach
    void nodeSurvived() {
        if (node != null) {
            assertAlive(node);
        }
    }

    private Supplier<String> diag() {
        return () -> LabFixture.neighbourTables(h1, h2, h3, h4) + node.diagnostics();
    }

    @Test
    void eachHostResolvesAndReachesOnlyItsOwnVr() {
        long redFwd = node.vr("red", VrCounter.FORWARDED);
        long blueFwd = node.vr("blue", VrCounter.FORWARDED);
        long p1Tx = node.port("p1", PortCounter.TX_FRAMES);
        assertPing(h1, "10.0.2.2", 3, 63, diag());
        long red = node.awaitVr("red", VrCounter.FORWARDED, v -> v >= redFwd + 6, COUNTER_WAIT) - redFwd;
        assertEquals(6, red, () -> "red forwards h1's 3 requests and h2's 3 replies" + diag().get());
        assertEquals(blueFwd, node.vr("blue", VrCounter.FORWARDED), () -> "blue forwarded red's traffic" + diag().get());
        assertTrue(node.port("p1", PortCounter.TX_FRAMES) >= p1Tx + 3, diag());

        assertPing(h3, "10.0.2.2", 3, 63, diag());
        long blue = node.awaitVr("blue", VrCounter.FORWARDED, v -> v >= blueFwd + 6, COUNTER_WAIT) - blueFwd;
        assertEquals(6, blue, () -> "blue forwards h3's 3 requests and h4's 3 replies" + diag().get());
        assertEquals(redFwd + 6, node.vr("red", VrCounter.FORWARDED), () -> "red forwarded blue's traffic" + diag().get());

        // each side resolved its own VR's MAC for the same gateway address
        VroomNode.Spec s = node.spec();
        assertEquals(s.vr("red").mac("eth0"), LabFixture.neighbourMac(h1, "10.0.1.1"), diag());
        assertEquals(s.vr("blue").mac("eth0"), LabFixture.neighbourMac(h3, "10.0.1.1"), diag());
        assertEquals(s.vr("red").mac("eth1"), LabFixture.neighbourMac(h2, "10.0.2.1"), diag());
        assertEquals(s.vr("blue").mac("eth1"), LabFixture.neighbourMac(h4, "10.0.2.1"), diag());
    }

    /** The four reports of two simultaneous runs: h1 -> red -> h2 and h3 -> blue -> h4. */
    private record TwoRuns(SenderReport s1, SenderReport s3, SinkReport r2, SinkReport r4) {
        String describe() {
            return "\nh1: " + s1.toJson() + "\nh3: " + s3.toJson() + "\nh2: " + r2.toJson() + "\nh4: " + r4.toJson();
        }
    }

    private TwoRuns twoRuns(long count, long pps) {
        long redRun = SeqTraffic.newRunId();
        long blueRun = SeqTraffic.newRunId();
        // each sink counts only its own run and reports any other run's packet as foreign
        SeqTraffic.Sink atH2 = SeqTraffic.startSink(h2, "0.0.0.0", SeqTraffic.DEFAULT_PORT, redRun, count,
                Duration.ofSeconds(2));
        SeqTraffic.Sink atH4 = SeqTraffic.startSink(h4, "0.0.0.0", SeqTraffic.DEFAULT_PORT, blueRun, count,
                Duration.ofSeconds(2));
        SeqTraffic.Sender fromH1 = SeqTraffic.startSender(h1, "10.0.2.2", SeqTraffic.DEFAULT_PORT, redRun, count,
                pps, SeqTraffic.DEFAULT_SIZE);
        SeqTraffic.Sender fromH3 = SeqTraffic.startSender(h3, "10.0.2.2", SeqTraffic.DEFAULT_PORT, blueRun, count,
                pps, SeqTraffic.DEFAULT_SIZE);
        SenderReport s1 = fromH1.await(Duration.ofSeconds(40));
        SenderReport s3 = fromH3.await(Duration.ofSeconds(40));
        return new TwoRuns(s1, s3, atH2.await(Duration.ofSeconds(20)), atH4.await(Duration.ofSeconds(20)));
    }

    @Test
    void concurrentStreamsToTheSameAddressArriveEachAtItsOwnVrsHost() {
        long count = 10_000;
        assertPing(h1, "10.0.2.2", 1, 63, diag());
        assertPing(h3, "10.0.2.2", 1, 63, diag());
        TwoRuns t = LabFixture.runWithOneRetryOnStarvation("OverlappingVrsIT.udp", () -> twoRuns(count, 10_000),
                runs -> LabFixture.Loss.of(runs.r2(), runs.r4()), List.of(h2, h4), node);
        Supplier<String> msg = () -> t.describe() + diag().get();
        assertEquals(count, t.s1().sent(), msg);
        assertEquals(count, t.s3().sent(), msg);
        assertEquals(0, t.r2().foreign(), () -> "blue's packets reached h2" + msg.get());
        assertEquals(0, t.r4().foreign(), () -> "red's packets reached h4" + msg.get());
        assertTrue(t.r2().perfect(), msg);
        assertTrue(t.r4().perfect(), msg);
    }

    @Test
    void withH4DownOnlyBlueLosesItsPeer() {
        try {
            h4.linkDown("eth0");
            Icmp.PingResult viaRed = LabFixture.ping(h1, "10.0.2.2", 3);
            Icmp.PingResult viaBlue = LabFixture.ping(h3, "10.0.2.2", 3);
            assertTrue(viaRed.allReceived(), () -> "h1 lost h2 when h4 went down\n" + viaRed.output() + diag().get());
            assertEquals(0, viaBlue.received(), () -> "h3 reached a 10.0.2.2 other than h4\n" + viaBlue.output()
                    + diag().get());
        } finally {
            restore(h4);
        }
        try {
            h2.linkDown("eth0");
            Icmp.PingResult viaRed = LabFixture.ping(h1, "10.0.2.2", 3);
            Icmp.PingResult viaBlue = LabFixture.ping(h3, "10.0.2.2", 3);
            assertTrue(viaBlue.allReceived(), () -> "h3 lost h4 when h2 went down\n" + viaBlue.output() + diag().get());
            assertEquals(0, viaRed.received(), () -> "h1 reached a 10.0.2.2 other than h2\n" + viaRed.output()
                    + diag().get());
        } finally {
            restore(h2);
        }
        assertPing(h1, "10.0.2.2", 2, 63, diag());
        assertPing(h3, "10.0.2.2", 2, 63, diag());
    }

    /** Brings eth0 back and puts back the default route the kernel removed with the link. */
    private static void restore(Host h) {
        h.linkUp("eth0");
        h.route("default", "10.0.2.1");
    }
}
