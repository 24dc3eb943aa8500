package org.vroom.perf.checkpoint;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.vroom.kernel.KernelVr;
import org.vroom.kernel.Node;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.perf.FullTable;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.shadow.Shadowd;

/**
 * Pre-copy of a whole node VR with a full table: a VR on a running node (in-memory ports, no root) gets
 * the 1.05 M prefixes of {@link FullTable} as eBGP routes through its RIB, shadowd and the hypervisor into
 * its FIB; a timer on its loop then changes {@code rate} routes per second (withdraw and re-announce
 * with another next hop), and {@link Node#precopyReplace} replaces it by a restored copy while that goes
 * on. Prints the image of every round, the final delta, the time the VR was frozen (final delta written,
 * applied, switch-over: the freeze-to-thaw time), and whether the new VR had to re-send its RIB to the
 * data plane after the thaw (it should not: its shadowd continues the replaced one's state).
 *
 * <p>Run: {@code java @jvm.options -cp perf/target/benchmarks.jar org.vroom.perf.checkpoint.NodePrecopyFigures [rate]}
 */
public final class NodePrecopyFigures {
    private NodePrecopyFigures() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        FullTable table = FullTable.load(FullTable.GLOBAL_TABLE_SIZE, 42);
        int gw1 = Ipv4Addresses.parse("10.0.1.2");
        int gw2 = Ipv4Addresses.parse("10.0.1.3");
        VrConfig vc = new VrConfig("big", 1, List.of(new InterfaceConfig("eth0", "a", 0,
                Ipv4Addresses.parse("10.0.1.1"), 24, 1500)), List.of());
        NodeConfig config = new NodeConfig("precopy", 1, new ManagementConfig("127.0.0.1", 7878, null),
                List.of(new PortConfig("a", null, "a-host")), List.of(vc));
        try (InMemoryPortPair a = InMemoryPortPair.create("a", "a-host");
             NodeCounters counters = NodeCounters.create(new NodeCounters.Config("precopy-" + ProcessHandle.current().pid()).deleteOnClose(true));
             Node node = new Node(config, counters, Map.<String, PacketPort>of("a", a.a())).start()) {
            KernelVr vr = node.kernelVr("big");
            long t0 = System.nanoTime();
            int installed = vr.call(() -> {
                Rib rib = vr.router().rib();
                Shadowd shadowd = vr.router().shadowd();
                NextHopSet via = NextHopSet.via(gw1, 0);
                for (int i = 0; i < table.size; i++) {
                    rib.add(RouteSource.EBGP, 1, table.prefixes[i], table.lengths[i], 0, via);
                    if ((i & 8191) == 0) {
                        shadowd.flush();
                    }
                }
                shadowd.flush();
                return vr.dataPlane().fib.size();
            }, 600_000);
            System.out.printf(Locale.ROOT, "{\"figure\":\"precopy.load\",\"prefixes\":%d,\"fib_routes\":%d,\"ms\":%.0f}%n",
                    table.size, installed, (System.nanoTime() - t0) / 1e6);
            // churn: on a 1 ms timer (which fires late when the control thread parks), as many routes move to
            // the other gateway (and later back) as the rate says for the time since the churn began
            long churnStart = System.nanoTime();
            long[] done = {0};
            int[] cursor = {0};
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                KernelVr current = node.kernelVr("big");
                Rib rib = current.router().rib();
                long due = (System.nanoTime() - churnStart) * rate / 1_000_000_000L;
                for (; done[0] < due; done[0]++) {
                    int i = cursor[0]++ % table.size;
                    int gw = (cursor[0] / table.size & 1) == 0 ? gw2 : gw1;
                    rib.add(RouteSource.EBGP, 1, table.prefixes[i], table.lengths[i], 0, NextHopSet.via(gw, 0));
                }
                current.router().shadowd().flush();
                current.router().loop().schedule(1_000_000L, tick[0]);
            };
            vr.call(() -> {
                vr.router().loop().schedule(1_000_000L, tick[0]);
                return null;
            }, 10_000);
            Thread.sleep(2_000);
            Node.PrecopyReport r = node.precopyReplace("big", 8, 64 * 1024);
            KernelVr after = node.kernelVr("big");
            after.call(() -> {
                after.router().loop().schedule(1_000_000L, tick[0]); // the churn goes on in the new VR
                return null;
            }, 10_000);
            Thread.sleep(200); // a resync, if the data plane could not be handed over, runs after the thaw
            int resyncs = after.call(after.router()::restoreResyncs, 60_000);
            double handOverMs = after.call(after.router()::lastResyncNanos, 60_000) / 1e6;
            System.out.printf(Locale.ROOT, "{\"figure\":\"precopy.rounds\",\"churn_routes_per_s\":%d,\"image_bytes\":%s,"
                            + "\"snapshot_bytes\":%d,\"final_delta_bytes\":%d,\"frozen_ms\":%.2f,\"total_ms\":%.0f,"
                            + "\"resyncs_after_thaw\":%d,\"resync_ms\":%.0f,\"changes_applied\":%d}%n", rate, r.imageBytes(), r.imageBytes().get(0),
                    r.finalDeltaBytes(), r.frozenMillis(), r.totalMillis(), resyncs, handOverMs, done[0]);
            int fib = after.call(() -> after.dataPlane().fib.size(), 60_000);
            int rib = after.call(() -> after.router().rib().size(), 60_000);
            System.out.printf(Locale.ROOT, "{\"figure\":\"precopy.after\",\"rib_prefixes\":%d,\"fib_routes\":%d}%n", rib, fib);
        }
    }
}
