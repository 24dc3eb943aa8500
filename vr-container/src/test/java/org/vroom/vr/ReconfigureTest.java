package org.vroom.vr;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.vr.shadow.FibUpdateBatch;
import org.vroom.vr.spi.ProtocolConfig;
import org.vroom.vr.spi.VrInterface;
import org.vroom.vr.testkit.SimHost;
import org.vroom.vr.testkit.SimNetwork;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.vr.VirtualRouterTest.ip;

class ReconfigureTest {
    static final long SECOND = 1_000_000_000L;
    final SimNetwork net = new SimNetwork(2);

    @AfterEach
    void close() {
        net.close();
        HelloProtocol.INSTANCES.clear();
    }

    VirtualRouter running(int id, List<ProtocolConfig> protocols) {
        VirtualRouter vr = net.addRouter(VirtualRouterTest.config(id, "r" + id, protocols));
        vr.start();
        net.runUntilIdle();
        net.hypervisor().take(id);
        return vr;
    }

    static List<String> changes(List<ReconfigureResult.Change> list) {
        return list.stream().map(ReconfigureResult.Change::toString).toList();
    }

    String batches(int id) {
        StringBuilder b = new StringBuilder();
        for (FibUpdateBatch batch : net.hypervisor().take(id)) {
            b.append(batch);
        }
        return b.toString();
    }

    @Test
    void unchangedConfigChangesNothing() {
        VirtualRouter vr = running(1, List.of());
        ReconfigureResult r = vr.reconfigure(vr.config());
        assertTrue(r.isEmpty());
        assertEquals("", batches(1));
    }

    @Test
    void staticRoutesAreAddedAndRemovedInPlace() {
        VirtualRouter vr = running(2, List.of());
        List<StaticRouteConfig> statics = new ArrayList<>(vr.config().staticRoutes());
        statics.remove(1); // 192.168.0.0/16 drop
        statics.add(StaticRouteConfig.forward(ip("198.51.100.0"), 24, ip("10.0.0.253")));
        ReconfigureResult r = vr.reconfigure(vr.config().withStaticRoutes(statics));
        assertEquals(List.of("STATIC_ROUTE 192.168.0.0/16 drop: removed", "STATIC_ROUTE 198.51.100.0/24 via 10.0.0.253: added"),
                changes(r.applied()));
        assertFalse(r.needsRestart());
        assertEquals("""
                batch #2
                  nh ADD 6 forward if 0 via 10.0.0.253
                  route REMOVE 192.168.0.0/16
                  route ADD 198.51.100.0/24 -> 6
                  nh REMOVE 4
                """, batches(2));
    }

    @Test
    void mtuChangeIsAppliedAndAnnouncedWithoutTouchingRoutes() {
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, true);
        VirtualRouter vr = running(3, List.of(hello));
        SimHost host = net.host("r3");
        List<InterfaceConfig> ifs = new ArrayList<>(vr.config().interfaces());
        ifs.set(0, ifs.get(0).withMtu(9000));
        ReconfigureResult r = vr.reconfigure(vr.config().withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth0: mtu 1500 -> 9000"), changes(r.applied()));
        assertEquals(9000, vr.interfaceByName("eth0").mtu());
        assertEquals(0, vr.interfaceByName("eth0").index());
        assertEquals("", batches(3));
        assertEquals(List.of("eth0#0 10.0.0.1/24 mtu 1500 02:00:00:03:00:00 => eth0#0 10.0.0.1/24 mtu 9000 02:00:00:03:00:00"),
                host.interfaceChanges());
        HelloProtocol p = (HelloProtocol) vr.protocol("hello");
        assertEquals(List.of("start@0", "if eth0 -> eth0 up"), p.events);
    }

    @Test
    void interfacesAreAddedAndRemovedKeepingTheOthersIndices() {
        VirtualRouter vr = running(4, List.of());
        List<InterfaceConfig> ifs = new ArrayList<>(vr.config().interfaces());
        ifs.remove(1); // eth1, index 1, carries 172.16.0.0/12
        List<StaticRouteConfig> statics = new ArrayList<>(vr.config().staticRoutes());
        statics.remove(2); // the static naming eth1 must go with it (the config checks names)
        ReconfigureResult r = vr.reconfigure(vr.config().withStaticRoutes(statics).withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth1: removed", "STATIC_ROUTE 172.16.0.0/12 via 10.0.1.2 dev eth1 distance 5: removed"),
                changes(r.applied()));
        assertNull(vr.interfaceByName("eth1"));
        assertEquals(2, vr.interfaceByName("lo0").index(), "lo0 keeps index 2");
        assertNull(vr.rib().best(ip("10.0.1.0"), 30));

        ifs.add(InterfaceConfig.of("eth9", ip("10.9.0.1"), 24));
        r = vr.reconfigure(vr.config().withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth9: added as index 1"), changes(r.applied()));
        assertEquals(VrInterface.macFor(4, 1), vr.interfaceByName("eth9").mac());
        assertEquals("attached if 1", vr.rib().best(ip("10.9.0.0"), 24).nextHops().toString());

        ifs.add(InterfaceConfig.of("eth1", ip("10.0.1.1"), 30));
        r = vr.reconfigure(vr.config().withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth1: added as index 3"), changes(r.applied()),
                "its old index is taken: the lowest free one");
        assertEquals(List.of("eth0", "eth9", "lo0", "eth1"), vr.interfaces().stream().map(VrInterface::name).toList());
    }

    @Test
    void addressChangeMovesTheConnectedRouteAndDisablingWithdrawsIt() {
        VirtualRouter vr = running(5, List.of());
        List<InterfaceConfig> ifs = new ArrayList<>(vr.config().interfaces());
        ifs.set(1, ifs.get(1).withAddress(ip("10.0.2.1"), 24));
        ReconfigureResult r = vr.reconfigure(vr.config().withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth1: address 10.0.1.1/30 -> 10.0.2.1/24"), changes(r.applied()));
        assertNull(vr.rib().best(ip("10.0.1.0"), 30));
        assertEquals("attached if 1", vr.rib().best(ip("10.0.2.0"), 24).nextHops().toString());
        assertEquals("via 10.0.1.2 if 1", vr.rib().best(ip("172.16.0.0"), 12).nextHops().toString(),
                "a static route naming its interface does not need the gateway in the subnet (onlink)");
    }

    @Test
    void disablingAnInterfaceWithdrawsItsRoutes() {
        VirtualRouter vr = running(6, List.of());
        List<InterfaceConfig> ifs = new ArrayList<>(vr.config().interfaces());
        ifs.set(0, ifs.get(0).withEnabled(false));
        ReconfigureResult r = vr.reconfigure(vr.config().withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth0: disabled"), changes(r.applied()));
        assertNull(vr.rib().best(0, 0), "the default route's gateway was on eth0");
        assertNull(vr.rib().best(ip("10.0.0.0"), 24));
        assertFalse(vr.interfaceByName("eth0").isUp());
    }

    @Test
    void identityChangesNeedARecreate() {
        VirtualRouter vr = running(7, List.of());
        VrConfig other = new VrConfig(77, "other", vr.config().interfaces(), vr.config().staticRoutes(), List.of(), 2);
        ReconfigureResult r = vr.reconfigure(other);
        assertTrue(r.needsRestart());
        assertEquals(2, r.restartRequired().size());
        assertTrue(r.restartRequired().get(0).detail().contains("re-create the VR"));
        assertEquals(List.of("RIB ecmp-width: 8 -> 2"), changes(r.applied()));
        assertEquals(7, vr.id());
        assertEquals("r7", vr.name());
        assertEquals(2, vr.rib().ecmpWidth());
    }

    @Test
    void protocolsAreReconfiguredInPlaceOrReportedAndRestarted() {
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, true);
        VirtualRouter vr = running(8, List.of(hello));
        HelloProtocol first = (HelloProtocol) vr.protocol("hello");

        ReconfigureResult r = vr.reconfigure(vr.config().withProtocols(List.of(
                new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, 2 * SECOND, true))));
        assertEquals(List.of("PROTOCOL hello: interval 1000000000 -> 2000000000"), changes(r.applied()));
        assertSame(first, vr.protocol("hello"));
        assertEquals(2 * SECOND, first.config.intervalNanos());

        HelloProtocol.Config moved = new HelloProtocol.Config("hello", ip("172.21.0.0"), 16, 2 * SECOND, true);
        r = vr.reconfigure(vr.config().withProtocols(List.of(moved)));
        assertTrue(r.needsRestart());
        assertEquals(List.of("PROTOCOL hello: the announced prefix cannot change in place"
                + " (restartProtocol(\"hello\") applies it)"), changes(r.restartRequired()));
        assertSame(first, vr.protocol("hello"), "still running with the old setting");
        assertEquals(ip("172.20.0.0"), first.config.prefix());

        assertTrue(vr.restartProtocol("hello"));
        HelloProtocol second = (HelloProtocol) vr.protocol("hello");
        assertNotSame(first, second);
        assertEquals(ip("172.21.0.0"), second.config.prefix());
        assertTrue(first.events.get(first.events.size() - 1).startsWith("stop@"));

        HelloProtocol.Config extra = new HelloProtocol.Config("hello2", ip("172.22.0.0"), 16, SECOND, true);
        r = vr.reconfigure(vr.config().withProtocols(List.of(moved, extra)));
        assertEquals(List.of("PROTOCOL hello2: failed to start: IP protocol 253 already has a handler"),
                changes(r.restartRequired()).stream().map(c -> c.replace("VR r8: ", "")).toList(),
                "two instances cannot both serve IP protocol 253");
        assertNull(vr.protocol("hello2"));
        assertSame(second, vr.protocol("hello"));
    }

    @Test
    void protocolsAreAddedAndRemovedWhileRunning() {
        VirtualRouter vr = running(9, List.of());
        HelloProtocol.Config hello = new HelloProtocol.Config("hello", ip("172.20.0.0"), 16, SECOND, false);
        ReconfigureResult r = vr.reconfigure(vr.config().withProtocols(List.of(hello)));
        assertEquals(List.of("PROTOCOL hello: added"), changes(r.applied()));
        assertEquals(1, vr.loop().timerCount());
        r = vr.reconfigure(vr.config().withProtocols(List.of()));
        assertEquals(List.of("PROTOCOL hello: removed"), changes(r.applied()));
        assertNull(vr.protocol("hello"));
        assertEquals(0, vr.loop().timerCount(), "its scope was closed");
    }

    @Test
    void aStoppedVrTakesAnyConfigAndAFrozenOneNone() {
        VirtualRouter vr = net.addRouter(VirtualRouterTest.config(10, "r10", List.of()));
        List<InterfaceConfig> ifs = new ArrayList<>(vr.config().interfaces());
        ifs.add(InterfaceConfig.of("eth5", ip("10.5.0.1"), 24));
        ReconfigureResult r = vr.reconfigure(vr.config().withInterfaces(ifs));
        assertEquals(List.of("INTERFACE eth5: added as index 3"), changes(r.applied()));
        assertEquals(0, vr.rib().size(), "nothing installed before START");
        vr.start();
        assertEquals("attached if 3", vr.rib().best(ip("10.5.0.0"), 24).nextHops().toString());
        vr.freeze();
        assertThrows(IllegalStateException.class, () -> vr.reconfigure(vr.config()));
    }
}
