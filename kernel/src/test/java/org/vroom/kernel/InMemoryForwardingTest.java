package org.vroom.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.RouteAction;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.kernel.demo.SimHost;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.codec.IcmpFlyweight;
import org.vroom.packetio.codec.Ipv4Addresses;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole forwarding path (worker, punts, control plane, ARP, ICMP) on in-memory ports, with
 * simulated hosts: two VRs with the same address plan on one node.
 *
 * <pre>
 *   h1 10.0.1.2 --m0-- [VR red  10.0.1.1 | 10.0.2.1] --m1-- h2 10.0.2.2
 *   h3 10.0.1.2 --m2-- [VR blue 10.0.1.1 | 10.0.2.1] --m3-- h4 10.0.2.2
 * </pre>
 */
class InMemoryForwardingTest {
    @TempDir
    Path dir;

    private final List<InMemoryPortPair> pairs = new ArrayList<>();
    private final Map<String, PacketPort> nodeSide = new HashMap<>();
    private NodeCounters counters;
    private Node node;
    private SimHost h1;
    private SimHost h2;
    private SimHost h3;
    private SimHost h4;

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
        PacketPort p1 = wire("m1");
        PacketPort p2 = wire("m2");
        PacketPort p3 = wire("m3");
        List<PortConfig> ports = List.of(new PortConfig("m0", null, "m0-host"), new PortConfig("m1", null, "m1-host"),
                new PortConfig("m2", null, "m2-host"), new PortConfig("m3", null, "m3-host"));
        VrConfig red = new VrConfig("red", 1, List.of(
                new InterfaceConfig("eth0", "m0", 0, ip("10.0.1.1"), 24, 1500),
                new InterfaceConfig("eth1", "m1", 0, ip("10.0.2.1"), 24, 1500)),
                List.of(new StaticRouteConfig(ip("192.0.2.0"), 24, 0, null, RouteAction.DROP),
                        // the RIB keeps the connected subnet (distance 0) over this static route (distance 1):
                        // every test that reaches h2 through red proves it
                        new StaticRouteConfig(ip("10.0.2.0"), 24, 0, null, RouteAction.DROP),
                        new StaticRouteConfig(ip("198.51.100.0"), 24, ip("10.0.2.2"), null, RouteAction.FORWARD)));
        VrConfig blue = new VrConfig("blue", 2, List.of(
                new InterfaceConfig("eth0", "m2", 0, ip("10.0.1.1"), 24, 1500),
                new InterfaceConfig("eth1", "m3", 0, ip("10.0.2.1"), 24, 1500)), List.of());
        NodeConfig config = new NodeConfig("test", 1, new ManagementConfig("127.0.0.1", 7878, null), ports,
                List.of(red, blue));
        counters = NodeCounters.create(new NodeCounters.Config("test-" + ProcessHandle.current().pid())
                .directory(dir).deleteOnClose(true));
        node = new Node(config, counters, nodeSide).start();
        h1 = new SimHost("h1", p0, 0x02_aa_00_00_00_01L, ip("10.0.1.2"), 24, ip("10.0.1.1"), -1);
        h2 = new SimHost("h2", p1, 0x02_aa_00_00_00_02L, ip("10.0.2.2"), 24, ip("10.0.2.1"), -1);
        h3 = new SimHost("h3", p2, 0x02_aa_00_00_00_03L, ip("10.0.1.2"), 24, ip("10.0.1.1"), -1);
        h4 = new SimHost("h4", p3, 0x02_aa_00_00_00_04L, ip("10.0.2.2"), 24, ip("10.0.2.1"), -1);
    }

    @AfterEach
    void tearDown() {
        node.close();
        counters.close();
        pairs.forEach(InMemoryPortPair::close);
    }

    /** Polls every host until {@code done} holds; fails after 5 s. */
    private void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            int n = h1.poll() + h2.poll() + h3.poll() + h4.poll();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; " + diagnostics());
            }
            if (n == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (String vr : node.config().vrs().stream().map(VrConfig::name).toList()) {
            b.append(vr).append(':');
            for (VrCounter s : VrCounter.values()) {
                long v = node.vr(vr).stats.get(s.ordinal());
                if (v != 0) {
                    b.append(' ').append(s.label()).append('=').append(v);
                }
            }
            b.append(" neighbours=").append(node.kernelVr(vr).call(node.control(vr)::neighbourSummary, 2000)).append("; ");
        }
        b.append("h1 icmp=").append(h1.icmpReceived());
        return b.toString();
    }

    private static long count(List<SimHost.Icmp> icmps, int type) {
        return icmps.stream().filter(i -> i.type() == type).count();
    }

    @Test
    void pingThroughTheRouterDecrementsTtlOnce() {
        h1.ping(ip("10.0.2.2"), 1, 64);
        await("echo reply at h1", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        SimHost.Icmp reply = h1.icmpReceived().get(0);
        assertEquals(ip("10.0.2.2"), reply.source());
        assertEquals(63, reply.ttl(), "h2 answers with TTL 64, the router decrements it once");
        assertTrue(node.vr("red").stats.get(VrCounter.FORWARDED.ordinal()) >= 2);
    }

    @Test
    void routerAnswersPingsToItsOwnAddresses() {
        h1.ping(ip("10.0.1.1"), 7, 64);
        h1.ping(ip("10.0.2.1"), 8, 64);
        await("two echo replies", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 2);
        for (SimHost.Icmp r : h1.icmpReceived()) {
            assertEquals(64, r.ttl());
        }
        assertEquals(2, node.vr("red").stats.get(VrCounter.ICMP_ECHO_REPLIES.ordinal()));
    }

    @Test
    void ttlExpiryAndUnroutedDestinationsGetIcmpErrorsFromTheIncomingInterface() {
        h1.ping(ip("10.0.2.2"), 1, 1);
        h1.ping(ip("203.0.113.9"), 2, 64);
        await("two ICMP errors", () -> h1.icmpReceived().size() == 2);
        SimHost.Icmp exceeded = h1.icmpReceived().stream()
                .filter(i -> i.type() == IcmpFlyweight.TYPE_TIME_EXCEEDED).findFirst().orElseThrow();
        assertEquals(ip("10.0.1.1"), exceeded.source());
        SimHost.Icmp unreachable = h1.icmpReceived().stream()
                .filter(i -> i.type() == IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE).findFirst().orElseThrow();
        assertEquals(IcmpFlyweight.CODE_NET_UNREACHABLE, unreachable.code());
        assertEquals(ip("10.0.1.1"), unreachable.source());
    }

    @Test
    void arpWorksBothWays() {
        h1.ping(ip("10.0.2.2"), 1, 64);
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        // h1 resolved the router, and the router resolved h2 (h2 answered its ARP request)
        assertEquals(0x02_00_00_01_00_00L, h1.arpEntry(ip("10.0.1.1")));
        assertEquals(0x02_00_00_01_00_01L, h2.arpEntry(ip("10.0.2.1")));
        assertTrue(node.kernelVr("red").call(node.control("red")::neighbourSummary, 2000).stream().anyMatch(l -> l.startsWith("10.0.2.2 ")));
    }

    @Test
    void staticRoutesForwardAndDrop() {
        h1.ping(ip("192.0.2.5"), 1, 64);
        h1.ping(ip("10.0.2.2"), 2, 64);
        await("echo reply after the dropped one", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        assertEquals(1, node.vr("red").stats.get(VrCounter.DROP_BLACKHOLE.ordinal()),
                "only 192.0.2.5 is blackholed: the static drop route for 10.0.2.0/24 lost to the connected one");
        assertEquals(1, h1.icmpReceived().size(), "a drop route sends no ICMP");
    }

    @Test
    void udpStreamArrivesCompleteAndInOrder() {
        h1.ping(ip("10.0.2.2"), 1, 64); // resolve everything first
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            h1.sendUdp(ip("10.0.2.2"), 9, i, 18);
            if ((i & 63) == 63) {
                // pace to what the in-memory rings hold (they drop and count when full, like a NIC)
                long sent = i + 1;
                await("UDP batch", () -> h2.udpReceived() >= sent - 512);
            }
        }
        await("all UDP datagrams", () -> h2.udpReceived() == n);
        assertEquals(0, h2.udpReordered());
    }

    @Test
    void rebindingAnInterfaceOfOneVrDoesNotDisturbAnother() {
        h3.ping(ip("10.0.2.2"), 1, 64); // resolve blue's path first
        await("blue echo reply", () -> count(h3.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        int n = 20_000;
        int rebinds = 0;
        for (int i = 0; i < n; i++) {
            h3.sendUdp(ip("10.0.2.2"), 9, i, 18);
            if ((i & 63) == 63) {
                // move red's eth0 back and forth between untagged and VLAN 7 while blue's stream flows
                node.rebind("red", "eth0", (rebinds++ & 1) == 0 ? 7 : -1);
                long sent = i + 1;
                await("blue UDP batch", () -> h4.udpReceived() >= sent - 512);
            }
        }
        await("every blue datagram", () -> h4.udpReceived() == n);
        assertEquals(0, h4.udpReordered());
        assertTrue(rebinds > 100, "rebinds: " + rebinds);
        // red ends untagged (an even number of moves): its host still reaches h2 through it
        if ((rebinds & 1) == 1) {
            node.rebind("red", "eth0", -1);
        }
        h1.ping(ip("10.0.2.2"), 5, 64);
        await("red echo reply after the rebinds", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) >= 1);
        assertThrows(IllegalArgumentException.class, () -> node.rebind("red", "eth9", 5));
    }

    @Test
    void aFrozenVrKeepsForwardingAndAnswersItsBufferedControlPacketsAfterThaw() {
        h1.ping(ip("10.0.2.2"), 1, 64); // resolve the path: forwarding needs no control plane from now on
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        assertTrue(node.freeze("red"));
        assertTrue(!node.freeze("red"), "freezing twice changes nothing");
        h1.ping(ip("10.0.1.1"), 2, 64);   // for the VR itself: waits in the punt ring
        h1.ping(ip("10.0.2.2"), 3, 64);   // through the VR: the data plane forwards it
        await("forwarded reply while frozen", () -> h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 3));
        assertTrue(h1.icmpReceived().stream().noneMatch(i -> i.sequence() == 2), "the frozen VR answered");
        assertTrue(node.thaw("red"));
        await("the buffered ping answered after thaw", () -> h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 2));
    }

    @Test
    void freezeSnapshotRestoreThawReplacesTheControlPlaneWhileTheDataPlaneForwards() {
        h1.ping(ip("10.0.2.2"), 1, 64);
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        KernelVr before = node.kernelVr("red");
        String rib = before.call(() -> describeRib(before.router().rib()), 2000);
        int fibSize = before.call(() -> before.dataPlane().fib.size(), 2000);
        assertTrue(node.freeze("red"));
        String neighbours = before.call(before.control()::describeState, 2000);
        byte[] image = node.snapshot("red");
        assertTrue(image.length > 0);
        h1.ping(ip("10.0.1.1"), 2, 64); // for the VR: waits in the punt ring through the restore
        h1.ping(ip("10.0.2.2"), 3, 64); // through the VR: forwarded by the data plane meanwhile
        byte[] corrupt = image.clone();
        corrupt[corrupt.length / 2] ^= 0x10;
        assertThrows(org.vroom.checkpoint.CheckpointFormatException.class, () -> node.restore("red", corrupt));
        assertTrue(node.kernelVr("red") == before, "a bad image changes nothing");
        node.restore("red", image);
        KernelVr after = node.kernelVr("red");
        assertTrue(after != before, "a new control plane");
        assertEquals(neighbours, after.call(after.control()::describeState, 2000), "the neighbour cache");
        await("forwarded while frozen and restored", () -> h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 3));
        assertTrue(h1.icmpReceived().stream().noneMatch(i -> i.sequence() == 2), "the frozen VR answered");
        assertTrue(node.thaw("red"));
        await("the buffered ping answered after thaw", () -> h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 2));
        assertEquals(rib, after.call(() -> describeRib(after.router().rib()), 2000), "the RIB");
        assertEquals(fibSize, after.call(() -> after.dataPlane().fib.size(), 2000), "the FIB");
        // the restored VR works on: its routes change through its new shadowd, ARP and echo answer
        h1.ping(ip("198.51.100.7"), 4, 64); // static route via 10.0.2.2, resolved before the snapshot
        await("forwarded by the static route", () -> h2.icmpReceived().size() + h1.icmpReceived().size() > 0
                && node.vr("red").stats.get(VrCounter.FORWARDED.ordinal()) >= 4);
        assertTrue(after.call(() -> {
            after.router().rib().add(org.vroom.vr.rib.RouteSource.STATIC, 9, ip("203.0.113.0"), 24, 0,
                    org.vroom.vr.rib.NextHopSet.DROP);
            after.router().shadowd().flush();
            return after.dataPlane().fib.get(ip("203.0.113.0"), 24) != org.vroom.fib.Ipv4Fib.NO_ROUTE;
        }, 2000), "a route added after the restore reaches the FIB");
        assertThrows(IllegalStateException.class, () -> node.snapshot("red"), "only a frozen VR is checkpointed");
    }

    @Test
    void preCopyReplacesARunningVrWithOnlyTheFinalDeltaFrozen() {
        h1.ping(ip("10.0.2.2"), 1, 64);
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        KernelVr before = node.kernelVr("red");
        String rib = before.call(() -> describeRib(before.router().rib()), 2000);
        String neighbours = before.call(before.control()::describeState, 2000);
        Node.PrecopyReport report = node.precopyReplace("red", 5, 64);
        KernelVr after = node.kernelVr("red");
        assertTrue(after != before && after.router().state() == org.vroom.vr.VrState.RUNNING, report.toString());
        assertTrue(report.imageBytes().size() >= 2, report.toString());
        assertEquals(rib, after.call(() -> describeRib(after.router().rib()), 2000), "the RIB");
        // unchanged neighbours keep their deadlines: equal up to the time that passed since
        assertEquals(neighbours.replaceAll(" in -?\\d+", ""), after.call(after.control()::describeState, 2000)
                .replaceAll(" in -?\\d+", ""), "the neighbour cache");
        assertEquals(0, after.call(after.router()::restoreResyncs, 2000), "the new shadowd continued the old one's"
                + " state: no resync of the RIB");
        assertTrue(after.call(() -> {
            after.router().rib().add(org.vroom.vr.rib.RouteSource.STATIC, 9, ip("203.0.113.0"), 24, 0,
                    org.vroom.vr.rib.NextHopSet.via(ip("10.0.2.2"), 1));
            after.router().shadowd().flush();
            return after.dataPlane().fib.get(ip("203.0.113.0"), 24) != org.vroom.fib.Ipv4Fib.NO_ROUTE;
        }, 2000), "a route added after the replacement reaches the FIB (the batch sequence continued)");
        h1.ping(ip("10.0.1.1"), 2, 64);
        h1.ping(ip("10.0.2.2"), 3, 64);
        await("the new VR answers and forwards", () -> h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 2)
                && h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 3));
    }

    @Test
    void checkpointRestoreAndPrecopyThroughTheManagementApi() throws Exception {
        h1.ping(ip("10.0.2.2"), 1, 64);
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        String token = "t0ken-for-tests-only-0123456789";
        try (org.vroom.kernel.mgmt.ManagementServer api = org.vroom.kernel.mgmt.ManagementServer
                .builder(node.management(counters), org.vroom.kernel.mgmt.ApiToken.of(token))
                .listen("127.0.0.1", 0).build().start()) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.BiFunction<String, Boolean, java.net.http.HttpResponse<String>> post = (path, auth) -> {
                java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + api.port() + path))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
                if (auth) {
                    b.header("Authorization", "Bearer " + token);
                }
                try {
                    return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertEquals(401, post.apply("/api/v1/vrs/red/checkpoint", false).statusCode());
            java.net.http.HttpResponse<String> running = post.apply("/api/v1/vrs/red/checkpoint", true);
            assertEquals(409, running.statusCode(), "a running VR is not checkpointed: " + running.body());
            assertEquals(200, post.apply("/api/v1/vrs/red/freeze", true).statusCode());
            java.net.http.HttpResponse<String> cp = post.apply("/api/v1/vrs/red/checkpoint", true);
            assertEquals(200, cp.statusCode(), cp.body());
            assertTrue(cp.body().contains("\"bytes\""), cp.body());
            KernelVr before = node.kernelVr("red");
            java.net.http.HttpResponse<String> restored = post.apply("/api/v1/vrs/red/restore", true);
            assertEquals(200, restored.statusCode(), restored.body());
            assertTrue(node.kernelVr("red") != before, "restored into a new control plane");
            assertEquals(200, post.apply("/api/v1/vrs/red/thaw", true).statusCode());
            java.net.http.HttpResponse<String> pre = post.apply("/api/v1/vrs/red/precopy", true);
            assertEquals(200, pre.statusCode(), pre.body());
            assertTrue(pre.body().contains("frozenMillis"), pre.body());
            assertEquals(404, post.apply("/api/v1/vrs/nosuch/precopy", true).statusCode());
            h1.ping(ip("10.0.1.1"), 2, 64);
            await("the VR answers after it all", () -> h1.icmpReceived().stream().anyMatch(i -> i.sequence() == 2));
        }
    }

    @Test
    void rawIpProtocolsAndOspfMulticastReachTheVrAndItsRepliesGoOutAsMulticast() {
        KernelVr red = node.kernelVr("red");
        int allSpf = ip("224.0.0.5");
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        red.call(() -> red.router().context().registerProtocol(89, (ifIndex, buffer, offset, length) -> {
            org.vroom.packetio.codec.Ipv4Flyweight p = new org.vroom.packetio.codec.Ipv4Flyweight();
            p.wrap(buffer, offset, length);
            p.validate();
            heard.add(Ipv4Addresses.format(p.source()) + " -> " + Ipv4Addresses.format(p.destination()) + " if" + ifIndex);
            // answer as an OSPF router would: to AllSPFRouters out of the interface, TTL 1
            org.agrona.concurrent.UnsafeBuffer reply = new org.agrona.concurrent.UnsafeBuffer(new byte[24]);
            reply.putInt(20, 0x0201_0018);
            org.vroom.packetio.codec.Ipv4Flyweight.writeHeader(reply, 0, 0xC0, 24, 1, 0, 1, 89, ip("10.0.1.1"), allSpf);
            red.router().context().sendIp(ifIndex, allSpf, reply, 0, 24);
        }), 2000);
        h1.sendMulticast(allSpf, 89, new byte[] {2, 1, 0, 24, 0, 0, 0, 0});
        await("the VR's reply to 224.0.0.5", () -> !h1.multicastReceived().isEmpty());
        assertEquals(java.util.List.of("10.0.1.2 -> 224.0.0.5 if0"), heard);
        SimHost.Datagram d = h1.multicastReceived().get(0);
        assertEquals(ip("10.0.1.1"), d.source());
        assertEquals(allSpf, d.destination());
        assertEquals(89, d.protocol());
        assertEquals(1, d.ttl());
        h1.sendMulticast(ip("224.0.0.6"), 89, new byte[8]); // AllDRouters: the same handler
        await("AllDRouters heard", () -> heard.size() == 2);
        // blue serves no protocol 89: a datagram to 224.0.0.5 on its link is counted, not answered
        h3.sendMulticast(allSpf, 89, new byte[8]);
        await("blue counted it", () -> node.vr("blue").stats.get(VrCounter.LOCAL_UNHANDLED.ordinal()) >= 1);
        assertTrue(h3.multicastReceived().isEmpty());
    }

    @Test
    void udpToABoundPortOfTheVrReachesItsSocketAndOthersAreCounted() {
        KernelVr red = node.kernelVr("red");
        java.util.List<Long> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        red.call(() -> red.udp().bind(0, 9999, (socket, ifIndex, source, sourcePort, destination, buffer, offset, length) ->
                got.add(buffer.getLong(offset, java.nio.ByteOrder.BIG_ENDIAN))), 2000);
        h1.sendUdp(ip("10.0.1.1"), 9999, 42, 0);
        h1.sendUdp(ip("10.0.1.1"), 9998, 43, 0); // bound sockets exist, but not this port: counted, dropped
        await("the datagram reached the VR's socket", () -> got.contains(42L));
        assertEquals(java.util.List.of(42L), got);
        // the VR's stack counters are in the node's counters file, as management and vroom stat read them
        await("udp.rx.no-socket counted", () -> node.management(counters).counters().stream().anyMatch(r ->
                r.label().equals("vr.udp.rx.no-socket vr=red") && r.value() == 1));
        assertTrue(node.management(counters).counters().stream().anyMatch(r ->
                r.label().equals("vr.udp.rx.delivered vr=red") && r.value() == 1));
    }

    private static String describeRib(org.vroom.vr.rib.Rib rib) {
        StringBuilder b = new StringBuilder();
        rib.forEachBest((prefix, length, source, distance, metric, hops) -> b.append(Ipv4Addresses.format(prefix))
                .append('/').append(length).append(' ').append(source).append(' ').append(hops).append('\n'));
        return b.toString();
    }

    @Test
    void vrsAreDeletedAndCreatedWhileTheNodeRuns() throws Exception {
        h3.ping(ip("10.0.2.2"), 1, 64);
        await("blue echo reply", () -> count(h3.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        node.deleteVr("blue");
        assertTrue(node.config().findVr("blue").isEmpty());
        assertEquals(null, node.bindings().lookup(2, -1), "blue's bindings are gone");
        h3.ping(ip("10.0.2.2"), 2, 64); // nobody answers now: the frames are unbound
        VrConfig green = new VrConfig("green", 7, List.of(
                new InterfaceConfig("eth0", "m2", 0, ip("10.0.1.1"), 24, 1500),
                new InterfaceConfig("eth1", "m3", 0, ip("10.0.2.1"), 24, 1500)), List.of());
        node.createVr(green);
        assertTrue(node.config().findVr("green").isPresent());
        // a VR that does not fit the node is refused whole: red's id again
        VrConfig clash = new VrConfig("clash", 1, List.of(), List.of());
        assertThrows(org.vroom.kernel.config.ConfigException.class, () -> node.createVr(clash));
        // the new VR announces its interfaces (gratuitous ARP): h3 replaces blue's MAC by green's
        await("h3 learns green's MAC", () -> h3.arpEntry(ip("10.0.1.1")) == 0x02_00_00_07_00_00L);
        h3.ping(ip("10.0.2.2"), 3, 64);
        await("echo reply through the new VR", () -> h3.icmpReceived().stream().anyMatch(i -> i.sequence() == 3));
        assertTrue(h3.icmpReceived().stream().noneMatch(i -> i.sequence() == 2), "no answer while no VR was bound");
        assertTrue(node.vr("green").stats.get(VrCounter.FORWARDED.ordinal()) >= 2);
    }

    @Test
    void managementApiShowsTheLiveNode() throws Exception {
        h1.ping(ip("10.0.2.2"), 1, 64);
        await("echo reply", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        try (org.vroom.kernel.mgmt.ManagementServer api = org.vroom.kernel.mgmt.ManagementServer
                .builder(node.management(counters), org.vroom.kernel.mgmt.ApiToken.of("t0ken-for-tests-only-0123456789"))
                .listen("127.0.0.1", 0).build().start()) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            java.net.http.HttpResponse<String> vrs = get.apply("/api/v1/vrs");
            assertEquals(200, vrs.statusCode(), vrs.body());
            assertTrue(vrs.body().contains("\"red\"") && vrs.body().contains("\"blue\""), vrs.body());
            java.net.http.HttpResponse<String> fib = get.apply("/api/v1/vrs/red/fib?address=10.0.2.2");
            assertEquals(200, fib.statusCode(), fib.body());
            assertTrue(fib.body().contains("10.0.2.2/32") && fib.body().contains("forward"), fib.body());
            java.net.http.HttpResponse<String> rib = get.apply("/api/v1/vrs/red/rib");
            assertEquals(200, rib.statusCode(), rib.body());
            assertTrue(rib.body().contains("\"connected\"") && rib.body().contains("\"static\"")
                    && rib.body().contains("\"local\""), rib.body());
            java.net.http.HttpResponse<String> neigh = get.apply("/api/v1/vrs/red/neighbours");
            assertTrue(neigh.body().contains("10.0.2.2") && neigh.body().contains("reachable"), neigh.body());
            assertEquals(404, get.apply("/api/v1/vrs/green").statusCode());
            java.net.http.HttpResponse<String> freeze = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + api.port() + "/api/v1/vrs/red/freeze"))
                    .header("Authorization", "Bearer t0ken-for-tests-only-0123456789")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, freeze.statusCode(), freeze.body());
            assertTrue(get.apply("/api/v1/vrs/red").body().contains("frozen"));
            assertTrue(node.thaw("red"));
            java.net.http.HttpResponse<String> metrics = get.apply("/metrics");
            assertTrue(metrics.body().contains("vroom_vr_forwarded_total{vr=\"red\""), metrics.body());
            assertTrue(metrics.body().contains("vroom_vr_stack_total{vr=\"red\",vr_id=\"1\",counter=\"ip.tx.sent\"}"),
                    metrics.body());
        }
    }

    @Test
    void virtualRoutersWithTheSameAddressesStayIsolated() {
        h1.ping(ip("10.0.2.2"), 1, 64);
        h3.ping(ip("10.0.2.2"), 2, 64);
        await("both replies", () -> count(h1.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1
                && count(h3.icmpReceived(), IcmpFlyweight.TYPE_ECHO_REPLY) == 1);
        assertEquals(1, h1.icmpReceived().get(0).sequence());
        assertEquals(2, h3.icmpReceived().get(0).sequence());
        // blue never forwarded anything of red's and the other way round
        assertEquals(2, node.vr("red").stats.get(VrCounter.FORWARDED.ordinal()));
        assertEquals(2, node.vr("blue").stats.get(VrCounter.FORWARDED.ordinal()));
    }
}
