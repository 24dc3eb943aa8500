package org.vroom.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.demo.SimHost;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.codec.IcmpFlyweight;
import org.vroom.packetio.codec.Ipv4Addresses;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Control-plane isolation between VRs on in-memory ports: red's own address is flooded with junk UDP
 * while blue's host pings blue. Both VRs share the one control thread; red's punts are policed, so blue
 * answers every ping promptly and red's counters show the flood.
 *
 * <pre>
 *   h1 10.0.1.2 --m0-- [VR red  10.0.1.1]      (flooded)
 *   h3 10.0.1.2 --m2-- [VR blue 10.0.1.1]      (pinged)
 * </pre>
 */
class PuntIsolationTest {
    private static final int PINGS = 200;
    private static final long PING_INTERVAL_NANOS = 2_000_000L;
    private static final int FLOOD_BURST = 16;
    private static final long REPLY_BOUND_NANOS = 1_000_000_000L;

    @TempDir
    Path dir;

    private final List<InMemoryPortPair> pairs = new ArrayList<>();
    private final Map<String, PacketPort> nodeSide = new HashMap<>();
    private NodeCounters counters;
    private Node node;
    private SimHost h1;
    private SimHost h3;

    private static int ip(String s) {
        return Ipv4Addresses.parse(s);
    }

    private PacketPort wire(String name) {
        InMemoryPortPair pair = InMemoryPortPair.create(name, name + "-host");
        pairs.add(pair);
        nodeSide.put(name, pair.a());
        return pair.b();
    }

    @BeforeEach
    void setUp() {
        PacketPort p0 = wire("m0");
        PacketPort p2 = wire("m2");
        List<PortConfig> ports = List.of(new PortConfig("m0", null, "m0-host"), new PortConfig("m2", null, "m2-host"));
        VrConfig red = new VrConfig("red", 1, List.of(new InterfaceConfig("eth0", "m0", 0, ip("10.0.1.1"), 24, 1500)),
                List.of());
        VrConfig blue = new VrConfig("blue", 2, List.of(new InterfaceConfig("eth0", "m2", 0, ip("10.0.1.1"), 24, 1500)),
                List.of());
        NodeConfig config = new NodeConfig("punt", 1, new ManagementConfig("127.0.0.1", 7878, null), ports,
                List.of(red, blue));
        counters = NodeCounters.create(new NodeCounters.Config("punt-" + ProcessHandle.current().pid())
                .directory(dir).deleteOnClose(true));
        node = new Node(config, counters, nodeSide).start();
        h1 = new SimHost("h1", p0, 0x02_aa_00_00_00_01L, ip("10.0.1.2"), 24, ip("10.0.1.1"), -1);
        h3 = new SimHost("h3", p2, 0x02_aa_00_00_00_03L, ip("10.0.1.2"), 24, ip("10.0.1.1"), -1);
    }

    @AfterEach
    void tearDown() {
        node.close();
        counters.close();
        pairs.forEach(InMemoryPortPair::close);
    }

    private long counter(String vr, VrCounter c) {
        return node.vr(vr).stats.get(c.ordinal());
    }

    private void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            int n = h1.poll() + h3.poll();
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + "; " + diagnostics());
            }
            if (n == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (String vr : new String[] {"red", "blue"}) {
            b.append(vr).append(':');
            for (VrCounter c : VrCounter.values()) {
                long v = counter(vr, c);
                if (v != 0) {
                    b.append(' ').append(c.label()).append('=').append(v);
                }
            }
            b.append("; ");
        }
        return b.toString();
    }

    private static long echoReplies(SimHost h) {
        return h.icmpReceived().stream().filter(i -> i.type() == IcmpFlyweight.TYPE_ECHO_REPLY).count();
    }

    @Test
    void defaultPolicerIsTheDocumentedOne() {
        VrDataPlane red = node.vr("red");
        assertEquals(VrDataPlane.DEFAULT_PUNT_RATE, red.puntRate());
        assertEquals(VrDataPlane.DEFAULT_PUNT_BURST, red.puntBurst());
        red.puntPolicer(50, 5);
        assertEquals(50, red.puntRate());
        assertEquals(5, red.puntBurst());
        assertThrows(IllegalArgumentException.class, () -> red.puntPolicer(0, 5));
        assertThrows(IllegalArgumentException.class, () -> red.puntPolicer(50, -1));
    }

    @Test
    void floodingOneVrsAddressDoesNotStarveTheOtherVrsControlPlane() {
        // resolve both sides first, so every ping below is a plain punt-and-answer
        h1.ping(ip("10.0.1.1"), 0, 64);
        h3.ping(ip("10.0.1.1"), 0, 64);
        await("first replies", () -> echoReplies(h1) == 1 && echoReplies(h3) == 1);
        h3.icmpReceived().clear();
        long bluePuntedBefore = counter("blue", VrCounter.PUNTED);

        long[] sentAt = new long[PINGS];
        long[] rtt = new long[PINGS];
        Arrays.fill(rtt, -1);
        int seen = 0;
        int pinged = 0;
        long junk = 0;
        long start = System.nanoTime();
        long nextPing = start;
        while (pinged < PINGS || seen < PINGS) {
            long now = System.nanoTime();
            if (now - start > 15_000_000_000L) {
                break;
            }
            if (pinged < PINGS) {
                // junk UDP to red's own address: punted LOCAL, no protocol wants it
                for (int k = 0; k < FLOOD_BURST; k++) {
                    h1.sendUdp(ip("10.0.1.1"), 9, junk++, 64);
                }
                h1.poll(); // red's port unreachables (the few that get through): drop them on the floor
                h1.icmpReceived().clear();
                if (now - nextPing >= 0) {
                    sentAt[pinged] = System.nanoTime();
                    h3.ping(ip("10.0.1.1"), pinged + 1, 64);
                    pinged++;
                    nextPing += PING_INTERVAL_NANOS;
                }
            } else {
                Thread.onSpinWait();
            }
            h3.poll();
            long got = System.nanoTime();
            List<SimHost.Icmp> received = h3.icmpReceived();
            for (; seen < received.size(); seen++) {
                SimHost.Icmp r = received.get(seen);
                int seq = r.sequence() - 1;
                if (r.type() == IcmpFlyweight.TYPE_ECHO_REPLY && seq >= 0 && seq < PINGS && rtt[seq] < 0) {
                    rtt[seq] = got - sentAt[seq];
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        String diag = diagnostics();

        long answered = Arrays.stream(rtt).filter(r -> r >= 0).count();
        long[] sorted = Arrays.stream(rtt).filter(r -> r >= 0).sorted().toArray();
        long max = sorted.length == 0 ? -1 : sorted[sorted.length - 1];
        long p99 = sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
        long p50 = sorted.length == 0 ? -1 : sorted[sorted.length / 2];
        System.out.printf("PuntIsolationTest: %d junk datagrams to red in %.2f s (%.0f/s); blue answered %d/%d pings,"
                        + " rtt p50 %.3f ms, p99 %.3f ms, max %.3f ms; %s%n", junk, elapsed / 1e9, junk / (elapsed / 1e9),
                answered, PINGS, p50 / 1e6, p99 / 1e6, max / 1e6, diag);

        assertEquals(PINGS, answered, () -> "blue lost pings under red's flood; " + diag);
        assertTrue(max < REPLY_BOUND_NANOS, () -> "a blue ping waited " + max / 1e6 + " ms; " + diag);
        assertEquals(PINGS, echoReplies(h3), () -> "duplicate or stray replies at h3; " + diag);
        assertTrue(counter("red", VrCounter.PUNT_POLICED) > 0, () -> "red's flood was not policed; " + diag);
        assertTrue(counter("red", VrCounter.PUNTED) < junk, () -> "every junk datagram was punted; " + diag);
        assertEquals(0, counter("blue", VrCounter.PUNT_POLICED), () -> "blue's punts were policed; " + diag);
        assertEquals(0, counter("blue", VrCounter.PUNT_QUEUE_FULL), () -> "blue's punt queue overflowed; " + diag);
        // every ping was punted (blue's ARP refreshes may add a few more)
        assertTrue(counter("blue", VrCounter.PUNTED) - bluePuntedBefore >= PINGS, () -> "blue's punts; " + diag);
        await("blue's echo reply counter", () -> counter("blue", VrCounter.ICMP_ECHO_REPLIES) == PINGS + 1);
    }

    @Test
    void aVrsPolicerCanBeTightenedAtRunTimeAndCountsWhatItDrops() {
        h1.ping(ip("10.0.1.1"), 0, 64);
        await("first reply", () -> echoReplies(h1) == 1);
        node.vr("red").puntPolicer(1, 20);
        long punted = counter("red", VrCounter.PUNTED);
        long policed = counter("red", VrCounter.PUNT_POLICED);
        long start = System.nanoTime();
        int n = 500;
        for (int i = 0; i < n; i++) {
            h1.sendUdp(ip("10.0.1.1"), 9, i, 0);
            if ((i & 31) == 31) {
                h1.poll();
            }
        }
        await("every datagram punted or policed", () -> counter("red", VrCounter.PUNTED) - punted
                + counter("red", VrCounter.PUNT_POLICED) - policed == n);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        long through = counter("red", VrCounter.PUNTED) - punted;
        // a fresh bucket holds 20 tokens and earns one a second: nothing else passes
        assertTrue(through >= 1 && through <= 20 + seconds + 1, () -> through + " punted; " + diagnostics());
        assertEquals(n - through, counter("red", VrCounter.PUNT_POLICED) - policed, this::diagnostics);
        assertEquals(0, counter("blue", VrCounter.PUNT_POLICED), this::diagnostics);
    }
}
