package org.vroom.perf;

import org.vroom.kernel.Node;
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

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scale figure for the VR issue: one node with N small VRs (default 1,000), each with two interfaces on
 * VLANs of two shared in-memory ports and 10 static routes. Prints the time to build and start the node
 * per VR and the resident memory per VR (process RSS delta), one JSON line each. Run:
 * {@code java @jvm.options -cp perf/target/benchmarks.jar org.vroom.perf.VrScale [N]}.
 */
public final class VrScale {
    private VrScale() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        if (n < 1 || n > 2000) {
            throw new IllegalArgumentException("1..2000 VRs (two VLANs per VR on two ports of 4094 VLANs each)");
        }
        List<VrConfig> vrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int vlan = 1 + i;
            List<StaticRouteConfig> routes = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                routes.add(new StaticRouteConfig((20 + r) << 24 | i << 8, 24, 10 << 24 | 2 << 8 | 2, null,
                        RouteAction.FORWARD));
            }
            vrs.add(new VrConfig("vr" + i, i + 1, List.of(
                    new InterfaceConfig("eth0", "a", vlan, 10 << 24 | 1 << 8 | 1, 24, 1500),
                    new InterfaceConfig("eth1", "b", vlan, 10 << 24 | 2 << 8 | 1, 24, 1500)), routes));
        }
        NodeConfig config = new NodeConfig("scale", 1, new ManagementConfig("127.0.0.1", 7878, null),
                List.of(new PortConfig("a", null, "a-host"), new PortConfig("b", null, "b-host")), vrs);
        try (InMemoryPortPair a = InMemoryPortPair.create("a", "a-host");
             InMemoryPortPair b = InMemoryPortPair.create("b", "b-host");
             NodeCounters counters = NodeCounters.create(new NodeCounters.Config("scale-" + ProcessHandle.current().pid())
                     .maxCounters(Math.max(NodeCounters.DEFAULT_MAX_COUNTERS, n * 100)).deleteOnClose(true))) {
            System.gc();
            long rss0 = rss();
            long t0 = System.nanoTime();
            try (Node node = new Node(config, counters, Map.<String, PacketPort>of("a", a.a(), "b", b.a())).start()) {
                long t1 = System.nanoTime();
                System.gc();
                long rss1 = rss();
                out.printf(Locale.ROOT, "{\"figure\":\"vr.scale.create_start\",\"vrs\":%d,\"routes_per_vr\":10,"
                        + "\"total_ms\":%.1f,\"ms_per_vr\":%.3f}%n", n, (t1 - t0) / 1e6, (t1 - t0) / 1e6 / n);
                out.printf(Locale.ROOT, "{\"figure\":\"vr.scale.resident\",\"vrs\":%d,\"rss_delta_bytes\":%d,"
                        + "\"bytes_per_vr\":%d}%n", n, rss1 - rss0, (rss1 - rss0) / n);
                if (node.vr("vr0") == null) {
                    throw new IllegalStateException("VR vr0 missing");
                }
            }
        }
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
