package org.vroom.vr.checkpoint;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.vroom.checkpoint.CheckpointFormatException;
import org.vroom.checkpoint.Checkpointer;
import org.vroom.checkpoint.Restorer;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.InterfaceConfig;
import org.vroom.vr.StaticRouteConfig;
import org.vroom.vr.VrConfig;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.spi.Protocol;
import org.vroom.vr.spi.ProtocolConfig;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigCheckpointTest {
    record Proto(String instanceName, int knob) implements ProtocolConfig {
        @Override
        public Protocol newInstance() {
            throw new UnsupportedOperationException("not started in this test");
        }
    }

    static int ip(String s) {
        return Ipv4Addresses.parse(s);
    }

    static VrConfig sample() {
        return new VrConfig(0xAB_CDEF, "edge-Zürich", List.of(
                InterfaceConfig.of("eth0", ip("192.0.2.1"), 24),
                new InterfaceConfig("eth1", ip("198.51.100.1"), 31, 9000, false),
                new InterfaceConfig("lo", ip("203.0.113.7"), 32, 68, true)),
                List.of(StaticRouteConfig.forward(ip("10.0.0.0"), 8, ip("192.0.2.254")),
                        StaticRouteConfig.forward(ip("10.0.0.0"), 8, ip("198.51.100.0"), "eth1").withDistance(200),
                        StaticRouteConfig.drop(ip("0.0.0.0"), 0),
                        new StaticRouteConfig(ip("172.16.0.0"), 12, 0, null, StaticRouteConfig.Action.REJECT, 5, 77)),
                List.of(new Proto("ospf", 1), new Proto("bgp", 2)), 16);
    }

    @Test
    void theConfigRoundTripsWithProtocolsByName() {
        AtomicReference<VrConfig> live = new AtomicReference<>(sample());
        Checkpointer c = new Checkpointer(0xAB_CDEF, "edge", List.of(new ConfigCheckpoint(live::get)), () -> 0L,
                () -> 1L, 256);
        Map<String, ProtocolConfig> here = Map.of("ospf", new Proto("ospf", 1), "bgp", new Proto("bgp", 2));
        ConfigCheckpoint resolved = ConfigCheckpoint.forRestore(here::get);
        ConfigCheckpoint namesOnly = ConfigCheckpoint.forRestore(null);
        Restorer r1 = new Restorer(List.of(resolved));
        Restorer r2 = new Restorer(List.of(namesOnly));
        assertNull(resolved.restored());

        var snapshot = c.snapshot();
        r1.apply(snapshot);
        r2.apply(snapshot);
        assertEquals(sample(), resolved.restored());
        assertEquals(sample().withProtocols(List.of()), namesOnly.restored());
        assertEquals(List.of("ospf", "bgp"), namesOnly.protocolInstanceNames());

        var unchanged = c.delta();
        assertEquals(1, c.sectionLength(0), "an unchanged config is one byte");
        r1.apply(unchanged);
        assertEquals(sample(), resolved.restored());

        VrConfig next = sample().withEcmpWidth(4).withStaticRoutes(List.of())
                .withInterfaces(List.of(InterfaceConfig.of("eth9", ip("192.0.2.9"), 24)))
                .withProtocols(List.of(new Proto("bgp", 2)));
        live.set(next);
        r1.apply(c.delta());
        assertEquals(next, resolved.restored());
        assertEquals(List.of("bgp"), resolved.protocolInstanceNames());
    }

    @Test
    void anInvalidConfigIsRefused() {
        Checkpointer c = new Checkpointer(1, "x", List.of(new ConfigCheckpoint(ConfigCheckpointTest::sample)), () -> 0L,
                () -> 1L, 256);
        byte[] image = new byte[c.snapshot().capacity()];
        c.image().getBytes(0, image);
        UnsafeBuffer u = new UnsafeBuffer(image);
        int header = u.getShort(8, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int payload = header + 1 + 6 + 4 + 4;
        // the id: var int of 0xABCDEF, 4 bytes; make it 0 (ids start at 1)
        image[payload] = 0;
        image[payload + 1] = 0;
        image[payload + 2] = 0;
        image[payload + 3] = 0;
        // keep the frame valid so the part itself has to refuse
        int length = u.getInt(header + 1 + 6 + 4, ByteOrder.BIG_ENDIAN);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(image, header, 1 + 6 + 4 + 4 + length);
        u.putInt(payload + length, (int) crc.getValue(), ByteOrder.BIG_ENDIAN);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> new Restorer(List.of(ConfigCheckpoint.forRestore(null))).apply(u));
        assertTrue(e.getMessage().startsWith("part 'config' at byte "), e.getMessage());
    }

    @Test
    void vrPartsRestoreConfigThenRib() {
        Rib rib = new Rib(8);
        rib.add(RouteSource.STATIC, 0, ip("10.0.0.0"), 8, 0, NextHopSet.via(ip("192.0.2.254"), 0));
        Checkpointer c = new Checkpointer(1, "x", VrParts.source(ConfigCheckpointTest::sample, rib, List.of()), () -> 0L,
                () -> 1L, 256);
        Rib target = new Rib(1);
        var parts = VrParts.target(null, target, List.of());
        new Restorer(parts).apply(c.snapshot());
        assertEquals(List.of("config", "rib"), parts.stream().map(p -> p.partName()).toList());
        assertEquals(sample().withProtocols(List.of()), ((ConfigCheckpoint) parts.get(0)).restored());
        assertEquals(rib.best(ip("10.0.0.0"), 8), target.best(ip("10.0.0.0"), 8));
    }
}
