package org.vroom.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vroom.lab.traffic.SeqTraffic;
import org.vroom.lab.traffic.SenderReport;
import org.vroom.lab.traffic.SinkReport;

/**
 * The lab against the Linux kernel as the router: h1 — r — h2, r forwarding with ip_forward=1.
 * This is also the kernel baseline topology later vroom tests compare against.
 *
 * <pre>
 *   h1 eth0 10.0.1.2/24 ── eth1 10.0.1.1/24  r  eth2 10.0.2.1/24 ── eth0 10.0.2.2/24 h2
 * </pre>
 *
 * Loss and duplication are injected with nftables rules in r (this kernel has no netem),
 * reordering with an htb qdisc on r's eth2 that lets every 64th packet overtake a shaped queue.
 */
class LabSelfTest {
    /** Rate for the zero-loss run: about a quarter of what one sender achieves here. */
    private static final long BASELINE_PPS = 50_000;
    private static final long BASELINE_COUNT = 100_000;

    private static Lab lab;
    private static Host h1;
    private static Host r;
    private static Host h2;

    @BeforeAll
    static void buildTopology() {
        LabAssumptions.assumeRoot();
        lab = new Lab();
        h1 = lab.host("h1");
        r = lab.host("r");
        h2 = lab.host("h2");
        lab.link(h1, "eth0", r, "eth1");
        lab.link(r, "eth2", h2, "eth0");
        for (Host h : List.of(h1, r, h2)) {
            h.disableIpv6();
        }
        h1.addr("eth0", "10.0.1.2/24").route("default", "10.0.1.1");
        r.addr("eth1", "10.0.1.1/24").addr("eth2", "10.0.2.1/24").ipForward(true).rpFilter(0);
        h2.addr("eth0", "10.0.2.2/24").route("default", "10.0.2.1");
    }

    @AfterAll
    static void tearDownAndProveNothingIsLeft() {
        if (lab == null) {
            return;
        }
        String prefix = lab.prefix();
        Path workDir = lab.workDir();
        List<BackgroundProcess> started = lab.processes();
        lab.close();
        assertTrue(Lab.existingNamespaces().stream().noneMatch(n -> n.startsWith(prefix + "-")),
                () -> "namespaces left: " + Lab.existingNamespaces());
        assertFalse(started.isEmpty(), "the tests started processes");
        for (BackgroundProcess p : started) {
            assertFalse(p.isAlive(), p + " still alive");
            assertFalse(Lab.isRunning(p.pid()), p + " still running");
        }
        assertFalse(Files.exists(workDir), "work directory left: " + workDir);
    }

    @Test
    void pingCrossesExactlyOneRouterBothWays() {
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        Icmp.PingResult there = Icmp.ping(h1, "10.0.2.2", 3);
        assertTrue(there.allReceived(), there.output());
        assertEquals(List.of(63, 63, 63), there.ttls(), "h2's replies cross r once");
        Icmp.PingResult back = Icmp.ping(h2, "10.0.1.2", 3);
        assertTrue(back.allReceived(), back.output());
        assertEquals(List.of(63, 63, 63), back.ttls(), "h1's replies cross r once");
        Icmp.PingResult gateway = Icmp.ping(h1, "10.0.1.1", 1);
        assertEquals(64, gateway.ttl(), "the router itself is zero hops away: " + gateway.output());
    }

    @Test
    void pingToAnUnreachableAddressIsAResultNotAnError() {
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        Icmp.PingResult none = Icmp.ping(h1, "10.0.2.99", 1);
        assertEquals(1, none.transmitted());
        assertEquals(0, none.received());
        assertEquals(-1, none.ttl());
    }

    @Test
    void tracerouteListsTheRouterThenTheDestination() {
        Assumptions.assumeTrue(Lab.hasCommand("traceroute") || Lab.hasCommand("tracepath"),
                "needs traceroute or tracepath (apt-get install traceroute iputils-tracepath)");
        Traceroute.Path path = Traceroute.trace(h1, "10.0.2.2", 5);
        assertTrue(path.reached(), path::toString);
        assertEquals(List.of("10.0.1.1", "10.0.2.2"), path.addresses());
    }

    @Test
    void kernelForwardsSequencedTrafficWithoutLossOrReordering() {
        SeqTraffic.Result res = SeqTraffic.run(h1, h2, "10.0.2.2", BASELINE_COUNT, BASELINE_PPS,
                SeqTraffic.DEFAULT_SIZE);
        report("kernel-baseline", res);
        assertEquals(BASELINE_COUNT, res.sender().sent(), res.sender()::toJson);
        assertEquals(0, res.sender().errors(), res.sender()::toJson);
        SinkReport sink = res.sink();
        assertEquals(BASELINE_COUNT, sink.expected());
        assertEquals(BASELINE_COUNT, sink.unique(), sink::toJson);
        assertEquals(0, sink.lost(), sink::toJson);
        assertEquals(0, sink.duplicates(), sink::toJson);
        assertEquals(0, sink.reordered(), sink::toJson);
        assertTrue(sink.perfect(), sink::toJson);
        assertEquals("complete", sink.endReason());
    }

    @Test
    void sinkCountsLossInjectedByTheRouterExactly() {
        LabAssumptions.assumeCommand("nft", "nftables");
        long count = 20_000;
        SeqTraffic.Result res;
        long dropped;
        try (Impairment loss = Impairment.dropEvery(r, 20, "udp dport 9000")) {
            res = SeqTraffic.run(h1, h2, "10.0.2.2", count, 20_000, SeqTraffic.DEFAULT_SIZE);
            dropped = loss.packets();
        }
        report("loss-5pct", res);
        SinkReport sink = res.sink();
        assertEquals(count, res.sender().sent());
        assertEquals(count / 20, dropped, "every 20th packet matched the drop rule");
        assertTrue(sink.lost() >= dropped, sink::toJson);
        assertTrue(sink.lost() - dropped <= count / 100, () -> "unexplained loss beyond 1%: " + sink.toJson());
        assertEquals(count, sink.unique() + sink.lost());
        assertEquals(0, sink.duplicates(), sink::toJson);
        double ratio = sink.lossRatio();
        assertTrue(ratio >= 0.05 && ratio <= 0.06, () -> "loss ratio " + ratio + ": " + sink.toJson());
    }

    @Test
    void sinkCountsDuplicatesInjectedByTheRouterExactly() {
        LabAssumptions.assumeCommand("nft", "nftables");
        long count = 20_000;
        SeqTraffic.Result res;
        long duplicated;
        try (Impairment dup = Impairment.duplicateEvery(r, 10, "udp dport 9000", "10.0.2.2", "eth2")) {
            res = SeqTraffic.run(h1, h2, "10.0.2.2", count, 20_000, SeqTraffic.DEFAULT_SIZE);
            duplicated = dup.packets();
        }
        report("dup-10pct", res);
        SinkReport sink = res.sink();
        assertEquals(count / 10, duplicated, "every 10th packet matched the dup rule");
        assertEquals(count, sink.unique() + sink.lost());
        assertTrue(sink.duplicates() > 0, sink::toJson);
        assertTrue(sink.duplicates() <= duplicated, sink::toJson);
        assertTrue(duplicated - sink.duplicates() <= count / 100, () -> "too many copies missing: " + sink.toJson());
        assertEquals(sink.unique() + sink.duplicates(), sink.received(), sink::toJson);
    }

    @Test
    void sinkCountsReorderingWhenPacketsOvertakeAShapedQueue() {
        long count = 5_000;
        // 5,000 packets of 106-byte frames offered at 20 kpps (17 Mbit/s) into a 3 Mbit/s queue: every
        // 64th packet overtakes it, the queue drains in about 1.4 s.
        SeqTraffic.Result res;
        Impairment reorder = Impairment.reorderSeqTraffic(r, "eth2", SeqTraffic.DEFAULT_PORT, 64, "3mbit");
        try {
            res = SeqTraffic.run(h1, h2, "10.0.2.2", count, 20_000, SeqTraffic.DEFAULT_SIZE);
        } finally {
            reorder.close();
        }
        report("reorder", res);
        SinkReport sink = res.sink();
        assertEquals(count, sink.unique(), sink::toJson);
        assertEquals(0, sink.lost(), sink::toJson);
        assertEquals(0, sink.duplicates(), sink::toJson);
        assertTrue(sink.reordered() > 0, sink::toJson);
        assertTrue(sink.maxReorderDistance() > 0, sink::toJson);
        assertTrue(sink.reordered() < count, sink::toJson);
    }

    @Test
    void unpacedSenderRateIsMeasuredAndCountedConsistently() {
        long count = 200_000;
        SeqTraffic.Result res = SeqTraffic.run(h1, h2, "10.0.2.2", count, 0, SeqTraffic.DEFAULT_SIZE);
        report("kernel-unpaced", res);
        assertEquals(count, res.sender().sent());
        SinkReport sink = res.sink();
        assertEquals(count, sink.unique() + sink.lost(), sink::toJson);
        assertEquals(0, sink.duplicates(), sink::toJson);
        assertTrue(sink.unique() > 0, sink::toJson);
    }

    @Test
    void aSinkStoppedMidRunStillReportsWhatItCounted() {
        long runId = SeqTraffic.newRunId();
        // the sink is told to expect 2,000 packets but the sender sends only the first 1,000
        SeqTraffic.Sink sink = SeqTraffic.startSink(h2, "10.0.2.2", 9001, runId, 2_000, Duration.ofSeconds(30));
        SenderReport sent = SeqTraffic.startSender(h1, "10.0.2.2", 9001, runId, 1_000, 10_000, 100)
                .await(Duration.ofSeconds(30));
        assertEquals(1_000, sent.sent());
        assertTrue(sink.process().isAlive(), "the sink is still waiting for the rest");
        SinkReport got = sink.stopAndReport(Duration.ofSeconds(5));
        assertEquals("stopped", got.endReason(), got::toJson);
        assertEquals(2_000, got.expected());
        assertTrue(got.unique() <= 1_000 && got.unique() >= 990, got::toJson);
        assertTrue(got.maxLossBurst() >= 1_000, () -> "the unsent tail is one burst: " + got.toJson());
        assertEquals(0, got.duplicates(), got::toJson);
        assertFalse(sink.process().isAlive());
    }

    @Test
    void crossConnectMovesACircuitWithOneRuleChange() {
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        // a's circuit runs through a transport namespace t to b; then it is switched to c, which
        // has the same addresses (a router moved to another node). No IP hop in t: TTL stays 64.
        Host a = lab.host("xa");
        Host t = lab.host("xt");
        Host b = lab.host("xb");
        Host c = lab.host("xc");
        lab.link(a, "eth0", t, "p0");
        lab.link(t, "p1", b, "eth0");
        lab.link(t, "p2", c, "eth0");
        for (Host h : List.of(a, t, b, c)) {
            h.disableIpv6();
        }
        c.linkDown("eth0");
        c.ip("link", "set", "dev", "eth0", "address", b.mac("eth0"));
        c.linkUp("eth0");
        a.addr("eth0", "10.9.0.1/24");
        b.addr("eth0", "10.9.0.2/24");
        c.addr("eth0", "10.9.0.2/24");
        t.redirectIngress("p0", "p1").redirectIngress("p1", "p0");
        Icmp.PingResult viaB = Icmp.ping(a, "10.9.0.2", 2);
        assertTrue(viaB.allReceived(), viaB.output());
        assertEquals(64, viaB.ttl(), "a cross-connect is not a router hop");

        t.redirectIngress("p0", "p2").redirectIngress("p2", "p0");
        b.linkDown("eth0");
        Icmp.PingResult viaC = Icmp.ping(a, "10.9.0.2", 2);
        assertTrue(viaC.allReceived(), "after the switch c answers: " + viaC.output());

        t.redirectIngress("p0", "p1");
        Icmp.PingResult broken = Icmp.ping(a, "10.9.0.2", 1);
        assertEquals(0, broken.received(), "b is down, so a circuit switched back to it is dead");
    }

    private static void report(String name, SeqTraffic.Result res) {
        SenderReport s = res.sender();
        SinkReport k = res.sink();
        System.out.printf("{\"figure\":\"%s\",\"targetPps\":%d,\"senderPps\":%.0f,\"sinkPps\":%.0f,\"sent\":%d,"
                        + "\"unique\":%d,\"lost\":%d,\"duplicates\":%d,\"reordered\":%d,\"senderStalls\":%d,"
                        + "\"maxGapUs\":%d}%n", name, s.targetPps(), s.achievedPps(), k.rxPps(), s.sent(), k.unique(),
                k.lost(), k.duplicates(), k.reordered(), s.stalls(), k.maxGapNs() / 1_000);
    }
}
