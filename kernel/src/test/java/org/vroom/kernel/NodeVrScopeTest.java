package org.vroom.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.RouteAction;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.codec.Ipv4Addresses;

/**
 * A VR's resource scope on a running node: creating and destroying 1,000 VRs (each started on its loop
 * with 10 routes in its FIB) leaves nothing behind: no VR, no hypervisor registration, no control-loop
 * agent, no counter slot, and neither the heap, the direct buffers nor the process's resident memory
 * grow beyond what a warm-up already reached.
 */
class NodeVrScopeTest {
    @TempDir
    Path dir;

    private static int ip(String s) {
        return Ipv4Addresses.parse(s);
    }

    private static VrConfig vr(int id) {
        List<StaticRouteConfig> routes = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            routes.add(new StaticRouteConfig(ip("198.51." + r + ".0"), 24, ip("10.0.1.2"), null, RouteAction.FORWARD));
        }
        return new VrConfig("vr" + id, id, List.of(new InterfaceConfig("eth0", "m0", 100 + id % 3000,
                ip("10.0.1.1"), 24, 1500)), routes);
    }

    @Test
    void thousandVrsCreatedAndDestroyedLeaveNothingBehind() throws Exception {
        InMemoryPortPair pair = InMemoryPortPair.create("m0", "m0-host");
        NodeConfig config = new NodeConfig("scope", 1, new ManagementConfig("127.0.0.1", 7878, null),
                List.of(new PortConfig("m0", null, "m0-host")), List.of());
        try (NodeCounters counters = NodeCounters.create(new NodeCounters.Config("scope-" + ProcessHandle.current().pid())
                .directory(dir).deleteOnClose(true));
             Node node = new Node(config, counters, Map.<String, PacketPort>of("m0", pair.a())).start()) {
            int id = 1;
            for (; id <= 100; id++) { // warm-up: JIT, pools, the first chunks of every allocator
                cycle(node, id);
            }
            Footprint before = Footprint.now();
            int countersBefore = counters.allocatedCount();
            for (; id <= 1_100; id++) {
                cycle(node, id);
            }
            Footprint after = Footprint.now();
            assertTrue(node.config().vrs().isEmpty(), "VRs left in the configuration");
            assertEquals(countersBefore, counters.allocatedCount(), "counter slots left behind");
            long heapGrowth = after.heap - before.heap;
            long directGrowth = after.direct - before.direct;
            // resident memory outside the Java heap (the heap's own growth is the line above)
            long rssGrowth = (after.rss - after.committedHeap) - (before.rss - before.committedHeap);
            String report = "after 1,000 create/destroy cycles: heap " + (heapGrowth >> 10) + " KiB, direct "
                    + (directGrowth >> 10) + " KiB, resident " + (rssGrowth >> 10) + " KiB, threads "
                    + (after.threads - before.threads);
            System.out.println("NodeVrScopeTest: " + report);
            // one leaked VR costs more than 0.6 MB resident (its first FIB chunk, punt ring, loop queues):
            // a thousand of them would show as 600 MB and more; the allocator and JIT move tens of MB
            assertTrue(heapGrowth < 8 << 20, report);
            assertTrue(directGrowth < 1 << 20, report);
            assertTrue(rssGrowth < 256 << 20, report);
            assertTrue(after.threads - before.threads <= 0, report);
        } finally {
            pair.close();
        }
    }

    private static void cycle(Node node, int id) throws Exception {
        VrConfig c = vr(id);
        node.createVr(c);
        KernelVr vr = node.kernelVr(c.name());
        // 1 connected + 1 local + 1 broadcast + 8 static routes, installed by the VR's loop
        int fibRoutes = vr.call(() -> vr.dataPlane().fib.size(), 5_000);
        assertEquals(11, fibRoutes, "routes in the FIB of " + c.name());
        node.deleteVr(c.name());
        assertNull(node.kernelVr(c.name()));
    }

    /** What the process holds, after a full collection. */
    private record Footprint(long heap, long committedHeap, long direct, long rss, int threads) {
        static Footprint now() throws Exception {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50);
            }
            Runtime rt = Runtime.getRuntime();
            long direct = 0;
            for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                direct += b.getMemoryUsed();
            }
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
            return new Footprint(rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), direct, rss, Thread.activeCount());
        }
    }
}
