package org.vroom.kernel.demo;

import org.vroom.kernel.Node;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.codec.IcmpFlyweight;
import org.vroom.packetio.codec.Ipv4Addresses;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ./vroom run} does without a configuration file: a node with two virtual routers that
 * use the same addresses, each between two simulated hosts on in-memory ports (no root, no network
 * needed). The hosts ping each other through their router once a second and stream UDP; the demo prints
 * one JSON line per second with what arrived and the routers' counters. {@code vroom stat} reads the
 * same counters from another terminal.
 */
public final class EmbeddedDemo {
    private EmbeddedDemo() {
    }

    public static NodeConfig config() {
        int a1 = Ipv4Addresses.parse("10.0.1.1");
        int a2 = Ipv4Addresses.parse("10.0.2.1");
        List<PortConfig> ports = List.of(new PortConfig("red0", null, "red0-host"), new PortConfig("red1", null, "red1-host"),
                new PortConfig("blue0", null, "blue0-host"), new PortConfig("blue1", null, "blue1-host"));
        VrConfig red = new VrConfig("red", 1, List.of(new InterfaceConfig("eth0", "red0", 0, a1, 24, 1500),
                new InterfaceConfig("eth1", "red1", 0, a2, 24, 1500)), List.of());
        VrConfig blue = new VrConfig("blue", 2, List.of(new InterfaceConfig("eth0", "blue0", 0, a1, 24, 1500),
                new InterfaceConfig("eth1", "blue1", 0, a2, 24, 1500)), List.of());
        return new NodeConfig("demo", 1, new ManagementConfig("127.0.0.1", 7878, null), ports, List.of(red, blue));
    }

    /** Runs until interrupted, or for {@code seconds} when positive. */
    public static void run(PrintStream out, int seconds) throws Exception {
        NodeConfig config = config();
        try (InMemoryPortPair r0 = InMemoryPortPair.create("red0", "red0-host");
             InMemoryPortPair r1 = InMemoryPortPair.create("red1", "red1-host");
             InMemoryPortPair b0 = InMemoryPortPair.create("blue0", "blue0-host");
             InMemoryPortPair b1 = InMemoryPortPair.create("blue1", "blue1-host");
             NodeCounters counters = NodeCounters.create(new NodeCounters.Config(config.name()).deleteOnClose(true))) {
            Map<String, PacketPort> supplied = Map.of("red0", r0.a(), "red1", r1.a(), "blue0", b0.a(), "blue1", b1.a());
            int gw1 = Ipv4Addresses.parse("10.0.1.1");
            int gw2 = Ipv4Addresses.parse("10.0.2.1");
            int h1a = Ipv4Addresses.parse("10.0.1.2");
            int h2a = Ipv4Addresses.parse("10.0.2.2");
            SimHost[] hosts = {
                new SimHost("red-h1", r0.b(), 0x02_aa_00_00_01_01L, h1a, 24, gw1, -1),
                new SimHost("red-h2", r1.b(), 0x02_aa_00_00_01_02L, h2a, 24, gw2, -1),
                new SimHost("blue-h1", b0.b(), 0x02_aa_00_00_02_01L, h1a, 24, gw1, -1),
                new SimHost("blue-h2", b1.b(), 0x02_aa_00_00_02_02L, h2a, 24, gw2, -1),
            };
            try (Node node = new Node(config, counters, supplied).start();
                 AutoCloseable mgmt = node.startManagement(counters)) {
                out.printf("{\"demo\":\"started\",\"node\":\"%s\",\"vrs\":[\"red\",\"blue\"],\"counters\":\"%s\","
                        + "\"hint\":\"in another terminal: ./vroom stat --node demo, ./vroom ctl vrs, ./vroom ctl rib red\"}%n", config.name(), counters.file());
                long udpSeq = 0;
                for (int tick = 1; seconds <= 0 || tick <= seconds; tick++) {
                    hosts[0].ping(h2a, tick, 64);
                    hosts[2].ping(h2a, tick, 64);
                    long end = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < end) {
                        for (int k = 0; k < 64; k++) {
                            hosts[0].sendUdp(h2a, 9, udpSeq++, 18);
                        }
                        for (SimHost h : hosts) {
                            h.poll();
                        }
                        Thread.sleep(1);
                    }
                    out.printf(Locale.ROOT, "{\"t\":%d,\"red_h1_echo_replies\":%d,\"blue_h1_echo_replies\":%d,"
                                    + "\"red_h2_udp_received\":%d,\"udp_sent\":%d,\"red_forwarded\":%d,\"blue_forwarded\":%d}%n",
                            tick, replies(hosts[0]), replies(hosts[2]), hosts[1].udpReceived(), udpSeq,
                            node.vr("red").stats.get(VrCounter.FORWARDED.ordinal()),
                            node.vr("blue").stats.get(VrCounter.FORWARDED.ordinal()));
                }
            }
        }
    }

    private static long replies(SimHost h) {
        return h.icmpReceived().stream().filter(i -> i.type() == IcmpFlyweight.TYPE_ECHO_REPLY).count();
    }
}
