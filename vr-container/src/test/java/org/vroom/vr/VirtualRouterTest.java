package org.vroom.vr;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.loop.LoopCounter;
import org.vroom.vr.shadow.FibUpdateBatch;
import org.vroom.vr.spi.ProtocolConfig;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;
import org.vroom.vr.testkit.SimHost;
import org.vroom.vr.testkit.SimNetwork;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualRouterTest {
    static final long SECOND = 1_000_000_000L;

    final SimNetwork net = new SimNetwork(1);

    static int ip(String s) {
        return Ipv4Addresses.parse(s);
    }

    static VrConfig config(int id, String name, List<ProtocolConfig> protocols) {
        return new VrConfig(id, name,
                List.of(InterfaceConfig.of("eth0", ip("10.0.0.1"), 24),
                        InterfaceConfig.of("eth1", ip("10.0.1.1"), 30),
                        InterfaceConfig.of("lo0", ip("10.255.0.1"), 32)),
                List.of(StaticRouteConfig.forward(0, 0, ip("10.0.0.254")),
                        StaticRouteConfig.drop(ip("192.168.0.0"), 16),
                        StaticRouteConfig.forward(ip("172.16.0.0"), 12, ip("10.0.1.2"), "eth1").withDistance(5),
                        StaticRouteConfig.forward(ip("203.0.113.0"), 24, ip("9.9.9.9"))), // gateway unreachable
                protocols, VrConfig.DEFAULT_ECMP_WIDTH);
    }

    static final List<String> OWN_FIB = List.of(
            "0.0.0.0/0 -> via 10.0.0.254 if 0",
            "10.0.0.0/24 -> attached if 0",
            "10.0.0.1/32 -> local",
            "10.0.0.255/32 -> local",
            "10.0.1.0/30 -> attached if 1",
            "10.0.1.1/32 -> local",
            "10.0.1.3/32 -> local",
            "10.255.0.1/32 -> local",
            "172.16.0.0/12 -> via 10.0.1.2 if 1",
            "192.168.0.0/16 -> drop");

    @AfterEach
    void close() {
        net.close();
        HelloProtocol.INSTANCES.clear();
    }

    @Test
    void interfacesGetStableIndicesAndTheKernelsMacs() {
        VirtualRouter vr = net.addRouter(config(0x123456, "r1", List.of()));
        assertEquals(List.of("eth0", "eth1", "lo0"), vr.interfaces().stream().map(VrInterface::name).toList());
        assertEquals(0x02_12_34_56_00_02L, vr.interfaceByName("lo0").mac());
        assertEquals(0x02_12_34_56_00_07L, VrInterface.macFor(0x123456, 7));
        assertEquals(0x02_00_00_01_00_00L, VrInterface.macFor(1, 0));
        assertEquals(0x02_FF_FF_FF_FF_FEL, VrInterface.macFor(0xFFFFFF, 0xFFFE));
        assertThrows(IllegalArgumentException.class, () -> config(0x1000000, "big", List.of()));
    }

    /** Every (state, event) pair: the legal ones lead where the table says, the others throw and change nothing. */
    @Test
    void transitionTable() {
        Map<VrState, Map<VrEvent, VrState>> legal = new EnumMap<>(VrState.class);
        for (VrState s : VrState.values()) {
            legal.put(s, new EnumMap<>(VrEvent.class));
        }
        legal.get(VrState.CREATED).putAll(Map.of(VrEvent.START, VrState.RUNNING, VrEvent.DESTROY, VrState.DESTROYED));
        legal.get(VrState.RUNNING).putAll(Map.of(VrEvent.FREEZE, VrState.FROZEN, VrEvent.STOP, VrState.STOPPED,
                VrEvent.DETACH, VrState.STOPPED));
        legal.get(VrState.FROZEN).putAll(Map.of(VrEvent.THAW, VrState.RUNNING, VrEvent.STOP, VrState.STOPPED,
                VrEvent.DETACH, VrState.STOPPED));
        legal.get(VrState.STOPPED).putAll(Map.of(VrEvent.START, VrState.RUNNING, VrEvent.DESTROY, VrState.DESTROYED));
        Map<VrState, List<VrEvent>> path = Map.of(
                VrState.CREATED, List.of(),
                VrState.RUNNING, List.of(VrEvent.START),
                VrState.FROZEN, List.of(VrEvent.START, VrEvent.FREEZE),
                VrState.STOPPED, List.of(VrEvent.START, VrEvent.STOP),
                VrState.DESTROYED, List.of(VrEvent.DESTROY));
        int id = 1;
        for (VrState s : VrState.values()) {
            for (VrEvent e : VrEvent.values()) {
                String name = "vr" + id;
                VirtualRouter vr = net.addRouter(config(id++, name, List.of()));
                path.get(s).forEach(vr::transition);
                assertEquals(s, vr.state());
                VrState to = legal.get(s).get(e);
                if (to != null) {
                    assertEquals(to, vr.transition(e), s + " --" + e);
                    assertEquals(to, vr.state());
                } else {
                    IllegalVrTransitionException x = assertThrows(IllegalVrTransitionException.class, () -> vr.transition(e));
                    assertEquals(s, vr.state(), "unchanged after a refused " + e);
                    assertEquals(e, x.event());
                    assertTrue(x.getMessage().contains("VR " + name + ": " + e + " is not allowed in state " + s),
                            x.getMessage());
                }
                net.removeRouter(name);
            }
        }
    }

    @Test
    void startInstallsConnectedLocalAndStaticRoutesAndStopWithdrawsThemInOneReset() {
        VirtualRouter vr = net.addRouter(config(3, "r3", List.of()));
        List<String> trace = new java.util.ArrayList<>();
        vr.addStateListener((v, from, event, to) -> trace.add(from + "-" + event + "->" + to));
        assertEquals(0, net.hypervisor().batches(3).size(), "nothing installed before START");
        vr.start();
        assertEquals(OWN_FIB, net.hypervisor().model(3).describe());
        assertEquals(1, net.hypervisor().take(3).size(), "one batch for the whole start");
        assertNull(vr.rib().best(ip("203.0.113.0"), 24), "a static route with an unreachable gateway stays out");

        vr.stop();
        List<FibUpdateBatch> stop = net.hypervisor().take(3);
        assertEquals(1, stop.size());
        assertTrue(stop.get(0).isReset());
        assertEquals(0, stop.get(0).routeCount(), "one empty reset, not a removal per route");
        assertEquals(0, vr.rib().size());
        assertEquals(0, net.hypervisor().model(3).routeCount());

        vr.start();
        assertEquals(OWN_FIB, net.hypervisor().model(3).describe());
        assertEquals(List.of("CREATED-START->RUNNING", "RUNNING-STOP->STOPPED", "STOPPED-START->RUNNING"), trace);
    }

    @Test
    void detachLeavesTheDataPlaneAndARestartBeginsWithAReset() {
        VirtualRouter vr = net.addRouter(config(4, "r4", List.of()));
        vr.start();
        net.hypervisor().take(4);
        vr.freeze();
        vr.detach();
        assertEquals(List.of(), net.hypervisor().take(4), "the FIB is handed over untouched");
        assertEquals(OWN_FIB, net.hypervisor().model(4).describe());
        // the RIB is left as it was (a detached VR is usually destroyed next: no O(table) clear in the
        // switch-over); a restart clears it first
        assertTrue(vr.rib().size() > 0);
        vr.start();
        List<FibUpdateBatch> again = net.hypervisor().take(4);
        assertTrue(again.get(0).isReset());
        assertEquals(OWN_FIB, net.hypervisor().model(4).describe());
        assertEquals(OWN_FIB.size(), vr.rib().size(), "only the VR's own routes again");
    }

    @Test
    void linkDownWithdrawsTheInterfacesRoutesAndItsStaticsAndUpRestoresThem() {
        VirtualRouter vr = net.addRouter(config(5, "r5", List.of()));
        vr.start();
        assertTrue(vr.setLinkState(1, false));
        assertEquals(List.of(
                "0.0.0.0/0 -> via 10.0.0.254 if 0",
                "10.0.0.0/24 -> attached if 0",
                "10.0.0.1/32 -> local",
                "10.0.0.255/32 -> local",
                "10.255.0.1/32 -> local",
                "192.168.0.0/16 -> drop"), net.hypervisor().model(5).describe());
        assertFalse(vr.interfaceByIndex(1).isUp());
        assertTrue(vr.setLinkState(1, true));
        assertEquals(OWN_FIB, net.hypervisor().model(5).describe());
        assertFalse(vr.setLinkState(9, true));
    }

    @Test
    void protocolsRunOnTheSpiAndTheirScopeFreesWhatTheyForget() {
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, false);
        VirtualRouter vr = net.addRouter(config(6, "r6", List.of(hello)));
        SimHost host = net.host("r6");
        long countersBefore = host.openCounters();
        long scopesBefore = org.vroom.vr.spi.ResourceScope.openScopes();
        vr.start();
        HelloProtocol p = (HelloProtocol) vr.protocol("hello");
        assertNotNull(p);
        net.runUntilIdle();
        assertEquals(3, host.takeSent().size(), "one hello per up interface");
        net.advance(SECOND);
        assertEquals(3, host.takeSent().size());
        assertEquals(1, vr.loop().timerCount());
        assertEquals(countersBefore + 1, host.openCounters());

        // a hello heard on eth0 installs a route
        host.inject(0, hello(ip("10.0.0.9"), ip("172.30.0.0"), 16));
        net.runUntilIdle();
        assertEquals("via 10.0.0.9 if 0", vr.rib().best(ip("172.30.0.0"), 16).nextHops().toString());

        vr.stop(); // this protocol "forgets" to cancel its timer: the scope does it
        assertEquals(0, vr.loop().timerCount());
        assertEquals(countersBefore, host.openCounters(), "the protocol's counter was freed");
        assertEquals(scopesBefore, org.vroom.vr.spi.ResourceScope.openScopes(), "the run's scopes were closed");
        vr.start();
        host.inject(0, hello(ip("10.0.0.9"), ip("172.30.0.0"), 16));
        net.runUntilIdle();
        assertEquals(2, HelloProtocol.INSTANCES.size(), "a new instance per start");
        vr.stop();
        host.inject(0, hello(ip("10.0.0.9"), ip("172.31.0.0"), 16));
        net.runUntilIdle();
        assertEquals(0, vr.rib().size(), "nothing delivered to a stopped VR's former handler");
    }

    @Test
    void aProtocolThatFailsToStartLeavesTheVrAsItWas() {
        ProtocolConfig broken = new ProtocolConfig() {
            @Override
            public String instanceName() {
                return "broken";
            }

            @Override
            public org.vroom.vr.spi.Protocol newInstance() {
                return new HelloProtocol(new HelloProtocol.Config("broken", 0, 0, SECOND, true)) {
                    @Override
                    public void start(VrContext context) {
                        context.schedule(SECOND, () -> {
                        });
                        throw new IllegalStateException("no");
                    }
                };
            }
        };
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, true);
        VirtualRouter vr = net.addRouter(config(7, "r7", List.of(hello, broken)));
        IllegalStateException e = assertThrows(IllegalStateException.class, vr::start);
        assertTrue(e.getMessage().contains("protocol broken failed to start"), e.getMessage());
        assertEquals(VrState.CREATED, vr.state());
        assertEquals(0, vr.loop().timerCount(), "timers of both instances cancelled");
        assertEquals(0, vr.rib().size());
        assertEquals(0, net.hypervisor().model(7).routeCount());
        ReconfigureResult r = vr.reconfigure(vr.config().withProtocols(List.of(hello)));
        assertEquals(1, r.applied().size());
        vr.start();
        assertEquals(VrState.RUNNING, vr.state());
    }

    @Test
    void sendIpChecksAndRoutes() {
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, true);
        VirtualRouter vr = net.addRouter(config(8, "r8", List.of(hello)));
        SimHost host = net.host("r8");
        UnsafeBuffer b = new UnsafeBuffer(new byte[2000]);
        Function<Integer, Integer> datagram = dst -> {
            Ipv4Flyweight.writeHeader(b, 0, 0, 40, 0, 0, 64, 6, ip("10.0.0.1"), dst);
            return 40;
        };
        VrContext ctx = vr.context();
        assertEquals(SendStatus.NOT_RUNNING, ctx.sendIp(0, 0, b, 0, datagram.apply(ip("10.0.0.2"))));
        vr.start();
        host.takeSent();
        assertEquals(SendStatus.SENT, ctx.sendIp(0, 0, b, 0, datagram.apply(ip("10.0.0.2"))));
        assertEquals(ip("10.0.0.2"), host.takeSent().get(0).nextHop(), "0 means: the destination is on the link");
        assertEquals(SendStatus.SENT, ctx.sendIp(VrContext.ROUTE_BY_DESTINATION, 0, b, 0, datagram.apply(ip("8.8.8.8"))));
        SimHost.Sent s = host.takeSent().get(0);
        assertEquals(0, s.ifIndex());
        assertEquals(ip("10.0.0.254"), s.nextHop(), "default route's gateway");
        assertEquals(SendStatus.SENT, ctx.sendIp(VrContext.ROUTE_BY_DESTINATION, 0, b, 0, datagram.apply(ip("10.0.1.2"))));
        assertEquals(ip("10.0.1.2"), host.takeSent().get(0).nextHop(), "attached: the destination itself");
        assertEquals(SendStatus.NO_ROUTE, ctx.sendIp(VrContext.ROUTE_BY_DESTINATION, 0, b, 0, datagram.apply(ip("192.168.1.1"))));
        assertEquals(SendStatus.NO_INTERFACE, ctx.sendIp(9, 0, b, 0, datagram.apply(ip("10.0.0.2"))));
        assertEquals(SendStatus.TOO_BIG, ctx.sendIp(0, 0, b, 0, 1501));
        b.putByte(0, (byte) 0x65);
        assertEquals(SendStatus.MALFORMED, ctx.sendIp(0, 0, b, 0, 40));
        assertEquals(SendStatus.MALFORMED, ctx.sendIp(0, 0, b, 0, 19));
        vr.setLinkState(0, false);
        assertEquals(SendStatus.INTERFACE_DOWN, ctx.sendIp(0, 0, b, 0, datagram.apply(ip("10.0.0.2"))));
        host.forceSendStatus(SendStatus.TX_FULL);
        assertEquals(SendStatus.TX_FULL, ctx.sendIp(1, 0, b, 0, datagram.apply(ip("10.0.1.2"))));
        vr.freeze();
        assertEquals(SendStatus.NOT_RUNNING, ctx.sendIp(1, 0, b, 0, datagram.apply(ip("10.0.1.2"))));
        assertEquals(3, host.counter("ip.tx.sent", -1));
    }

    @Test
    void inboundPacketsAreDispatchedByProtocolAndCounted() {
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, true);
        VirtualRouter vr = net.addRouter(config(9, "r9", List.of(hello)));
        SimHost host = net.host("r9");
        vr.start();
        host.inject(1, hello(ip("10.0.1.2"), ip("172.30.0.0"), 16));
        byte[] tcp = hello(ip("10.0.1.2"), 0, 0);
        tcp[9] = 6;
        host.inject(1, tcp);
        host.inject(1, new byte[] {0x45, 0});
        host.inject(7, hello(ip("10.0.1.2"), ip("172.31.0.0"), 16));
        net.runUntilIdle();
        assertEquals(1, host.counter("ip.rx.delivered", -1));
        assertEquals(1, host.counter("ip.rx.no-handler", -1));
        assertEquals(2, host.counter("ip.rx.malformed", -1), "too short, and an unknown interface");
        assertEquals("via 10.0.1.2 if 1", vr.rib().best(ip("172.30.0.0"), 16).nextHops().toString());
    }

    @Test
    void freezeThawKeepsProtocolTimersAndReplaysWhatArrived() {
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, 10 * SECOND, true);
        VirtualRouter vr = net.addRouter(config(10, "r10", List.of(hello)));
        SimHost host = net.host("r10");
        vr.start();
        net.runUntilIdle();
        net.advance(4 * SECOND);
        host.takeSent();
        HelloProtocol p = (HelloProtocol) vr.protocol("hello");
        assertEquals(6 * SECOND, p.timer.remainingNanos());
        vr.freeze();
        host.inject(0, hello(ip("10.0.0.7"), ip("172.30.0.0"), 16));
        host.inject(0, hello(ip("10.0.0.8"), ip("172.31.0.0"), 16));
        net.advance(60 * SECOND);
        assertEquals(List.of(), host.takeSent(), "a frozen VR sends nothing");
        assertEquals(6 * SECOND, p.timer.remainingNanos(), "and its timers do not run down");
        assertEquals(2, vr.loop().counter(LoopCounter.INBOUND_BUFFERED));
        assertEquals(0, vr.rib().find(ip("172.30.0.0"), 16) == org.vroom.vr.rib.Rib.NONE ? 0 : 1);
        long thawedAt = net.clock().nanoTime();
        vr.thaw();
        assertEquals(List.of("start@0", "hello from 10.0.0.7@" + thawedAt, "hello from 10.0.0.8@" + thawedAt),
                p.events, "replayed in order at the thaw");
        net.advance(6 * SECOND - 1);
        assertEquals(List.of(), host.takeSent());
        net.advance(1);
        assertEquals(3, host.takeSent().size(), "the timer fired exactly its remaining time after the thaw");
    }

    @Test
    void twoRoutersLearnEachOthersPrefixesOverASegment() {
        VrConfig a = new VrConfig(21, "a", List.of(InterfaceConfig.of("eth0", ip("10.0.12.1"), 24)), List.of(),
                List.of(new HelloProtocol.Config("hello", ip("172.16.1.0"), 24, SECOND, true)), 8);
        VrConfig b = new VrConfig(22, "b", List.of(InterfaceConfig.of("eth0", ip("10.0.12.2"), 24)), List.of(),
                List.of(new HelloProtocol.Config("hello", ip("172.16.2.0"), 24, SECOND, true)), 8);
        VirtualRouter ra = net.addRouter(a);
        VirtualRouter rb = net.addRouter(b);
        net.link("a", "eth0", "b", "eth0");
        ra.start();
        rb.start();
        net.runUntilIdle();
        assertEquals(List.of(
                "10.0.12.0/24 -> attached if 0",
                "10.0.12.1/32 -> local",
                "10.0.12.255/32 -> local",
                "172.16.2.0/24 -> via 10.0.12.2 if 0"), net.hypervisor().model(21).describe());
        assertEquals("via 10.0.12.1 if 0", rb.rib().best(ip("172.16.1.0"), 24).nextHops().toString());
        rb.stop();
        ra.stop();
    }

    static byte[] hello(int source, int prefix, int length) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[HelloProtocol.LENGTH]);
        Ipv4Flyweight.writeHeader(b, 0, 0, HelloProtocol.LENGTH, 0, 0, 1, HelloProtocol.PROTOCOL, source, HelloProtocol.GROUP);
        b.putInt(20, prefix, java.nio.ByteOrder.BIG_ENDIAN);
        b.putByte(24, (byte) length);
        return b.byteArray();
    }
}
