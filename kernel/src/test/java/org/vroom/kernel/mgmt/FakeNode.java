package org.vroom.kernel.mgmt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.RouteAction;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.CounterRecord;
import org.vroom.kernel.stats.CounterTypes;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;

/**
 * An in-memory {@link NodeManagement}: a node named "lab1" with ports p0, p1 (Linux) and m0/m1 (memory),
 * VRs red (id 1) and blue (id 2). The RIB holds connected, local and static routes built from each VR's
 * configuration; the FIB is the RIB's best routes with adjacencies; counters are synthetic (two shards
 * per VR so that summing is visible). Records which threads call it and how often each method runs.
 */
final class FakeNode implements NodeManagement {
    private final Instant started = Instant.parse("2026-11-02T10:00:00Z");
    private final long startNanos = System.nanoTime() - Duration.ofSeconds(3723).toNanos();
    private final List<PortConfig> ports = List.of(PortConfig.linux("p0", "veth0"), PortConfig.linux("p1", "veth1"),
        PortConfig.memory("m0", "m1"), PortConfig.memory("m1", "m0"));
    private final Map<String, VrConfig> vrs = new LinkedHashMap<>();
    private final Map<String, VrState> states = new LinkedHashMap<>();
    private final Map<String, List<NeighbourEntry>> neighbours = new LinkedHashMap<>();

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    /** When set, {@link #neighbours} waits for it (interruptibly): a slow VR call. */
    volatile CountDownLatch neighboursGate;
    /** Counted down when a call to {@link #neighbours} starts waiting on the gate. */
    volatile CountDownLatch neighboursEntered = new CountDownLatch(1);
    /** Set when a gated {@link #neighbours} call was interrupted (timeout). */
    volatile boolean neighboursInterrupted;
    /** Replaces the synthetic counters when set. */
    volatile Supplier<List<CounterRecord>> counterSource;

    FakeNode() {
        add(red());
        add(blue());
        neighbours.put("red", List.of(
            new NeighbourEntry(Ipv4.parseAddress("10.0.1.254"), 0x02AABBCCDDEEL, "reachable", "eth0"),
            new NeighbourEntry(Ipv4.parseAddress("10.0.2.7"), 0, "incomplete", "eth1")));
    }

    static VrConfig red() {
        return new VrConfig("red", 1, List.of(
            itf("eth0", "p0", 0, "10.0.1.1/24", 1500),
            itf("eth1", "p1", 100, "10.0.2.1/24", 9000)), List.of(
            StaticRouteConfig.forward(Ipv4.parsePrefix("0.0.0.0/0"), Ipv4.parseAddress("10.0.1.254")),
            StaticRouteConfig.discard(Ipv4.parsePrefix("10.9.0.0/16"), RouteAction.DROP)));
    }

    static VrConfig blue() {
        return new VrConfig("blue", 2, List.of(itf("eth0", "p0", 200, "192.168.1.1/24", 1500)), List.of());
    }

    static InterfaceConfig itf(String name, String port, int vlan, String address, int mtu) {
        final Ipv4.Prefix a = Ipv4.parseAddressWithPrefix(address);
        return new InterfaceConfig(name, port, vlan, a.address(), a.length(), mtu);
    }

    private void add(VrConfig vr) {
        vrs.put(vr.name(), vr);
        states.put(vr.name(), VrState.RUNNING);
    }

    private void called(String method) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        threads.add(Thread.currentThread().getName());
    }

    int calls(String method) {
        final AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private VrConfig find(String name) throws ManagementException {
        final VrConfig vr = vrs.get(name);
        if (vr == null) {
            throw ManagementException.noSuchVr(name);
        }
        return vr;
    }

    @Override
    public synchronized NodeConfig config() {
        called("config");
        return new NodeConfig("lab1", 1, ManagementConfig.DEFAULT, ports, new ArrayList<>(vrs.values()));
    }

    @Override
    public Instant startedAt() {
        called("startedAt");
        return started;
    }

    @Override
    public Duration uptime() {
        called("uptime");
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public synchronized List<VrStatus> vrs() {
        called("vrs");
        final List<VrStatus> out = new ArrayList<>();
        for (VrConfig vr : vrs.values()) {
            out.add(status(vr));
        }
        return out;
    }

    private VrStatus status(VrConfig vr) {
        final List<RibRoute> rib = ribOf(vr);
        return new VrStatus(vr.name(), vr.id(), states.get(vr.name()), rib.size(),
            (int) rib.stream().filter(RibRoute::best).count());
    }

    @Override
    public synchronized VrStatus vr(String name) throws ManagementException {
        called("vr");
        return status(find(name));
    }

    @Override
    public synchronized List<InterfaceStatus> interfaces(String vr) throws ManagementException {
        called("interfaces");
        final VrConfig c = find(vr);
        final List<InterfaceStatus> out = new ArrayList<>();
        for (int i = 0; i < c.interfaces().size(); i++) {
            out.add(new InterfaceStatus(c.interfaces().get(i), 0x02L << 40 | (long) c.id() << 16 | i, i == 0));
        }
        return out;
    }

    @Override
    public synchronized List<RibRoute> rib(String vr) throws ManagementException {
        called("rib");
        return ribOf(find(vr));
    }

    private static List<RibRoute> ribOf(VrConfig vr) {
        final List<RibRoute> rib = new ArrayList<>();
        for (InterfaceConfig itf : vr.interfaces()) {
            rib.add(new RibRoute(itf.subnet(), "connected", 0, 0, RouteAction.FORWARD,
                List.of(new RibRoute.NextHop(0, itf.name())), true));
            rib.add(new RibRoute(new Ipv4.Prefix(itf.address(), 32), "local", 0, 0, RouteAction.FORWARD,
                List.of(new RibRoute.NextHop(0, itf.name())), true));
        }
        for (StaticRouteConfig r : vr.staticRoutes()) {
            final List<RibRoute.NextHop> hops = r.hasVia()
                ? List.of(new RibRoute.NextHop(r.via(), connected(vr, r.via()))) : List.of();
            rib.add(new RibRoute(r.destination(), "static", 1, 0, r.action(), hops, true));
        }
        rib.sort(Comparator.comparingLong((RibRoute r) -> Integer.toUnsignedLong(r.prefix().address()))
            .thenComparingInt(r -> r.prefix().length()).thenComparingInt(RibRoute::distance));
        return rib;
    }

    private static String connected(VrConfig vr, int address) {
        for (InterfaceConfig itf : vr.interfaces()) {
            if (itf.inSubnet(address)) {
                return itf.name();
            }
        }
        return null;
    }

    private FibEntry fibEntry(VrConfig vr, RibRoute r, int index) {
        final String kind;
        if (r.protocol().equals("local")) {
            kind = "local";
        } else if (r.action() == RouteAction.DROP) {
            kind = "drop";
        } else if (r.action() == RouteAction.REJECT) {
            kind = "reject";
        } else if (r.protocol().equals("connected")) {
            kind = "glean";
        } else {
            kind = "forward";
        }
        final RibRoute.NextHop hop = r.nextHops().isEmpty() ? null : r.nextHops().get(0);
        long mac = 0;
        if (hop != null && hop.address() != 0) {
            for (NeighbourEntry n : neighbours.getOrDefault(vr.name(), List.of())) {
                if (n.address() == hop.address()) {
                    mac = n.mac();
                }
            }
        }
        return new FibEntry(r.prefix(), kind, index, hop == null ? 0 : hop.address(),
            hop == null ? null : hop.interfaceName(), mac);
    }

    @Override
    public synchronized Optional<FibEntry> fibExact(String vr, Ipv4.Prefix prefix) throws ManagementException {
        called("fibExact");
        final VrConfig c = find(vr);
        final List<RibRoute> rib = ribOf(c);
        for (int i = 0; i < rib.size(); i++) {
            if (rib.get(i).prefix().equals(prefix)) {
                return Optional.of(fibEntry(c, rib.get(i), i));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<FibEntry> fibLookup(String vr, int address) throws ManagementException {
        called("fibLookup");
        final VrConfig c = find(vr);
        final List<RibRoute> rib = ribOf(c);
        int best = -1;
        for (int i = 0; i < rib.size(); i++) {
            final Ipv4.Prefix p = rib.get(i).prefix();
            if (p.contains(address) && (best < 0 || p.length() > rib.get(best).prefix().length())) {
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(fibEntry(c, rib.get(best), best));
    }

    @Override
    public List<NeighbourEntry> neighbours(String vr) throws ManagementException {
        called("neighbours");
        final CountDownLatch gate = neighboursGate;
        if (gate != null) {
            neighboursEntered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                neighboursInterrupted = true;
                Thread.currentThread().interrupt();
                throw new ManagementException(ManagementException.Kind.UNAVAILABLE, "interrupted");
            }
        }
        synchronized (this) {
            find(vr);
            return neighbours.getOrDefault(vr, List.of());
        }
    }

    @Override
    public synchronized List<CounterRecord> counters() {
        called("counters");
        final Supplier<List<CounterRecord>> source = counterSource;
        if (source != null) {
            return source.get();
        }
        final List<CounterRecord> out = new ArrayList<>();
        int id = 0;
        for (VrConfig vr : vrs.values()) {
            for (VrCounter k : VrCounter.values()) {
                for (int shard = 0; shard < 2; shard++) {
                    final long value = k == VrCounter.RX_PACKETS ? vr.id() * 100L + shard
                        : k == VrCounter.FORWARDED ? vr.id() * 10L : 0;
                    out.add(new CounterRecord(id++, id, CounterTypes.VR, k.label() + " vr=" + vr.id() + " name="
                        + vr.name() + " shard=" + shard, value, "vr", vr.id(), vr.name(), shard, k.code(), k.label(),
                        new long[0]));
                }
            }
        }
        for (PortConfig p : ports) {
            for (PortCounter k : PortCounter.values()) {
                out.add(new CounterRecord(id++, id, CounterTypes.PORT, k.label() + " port=" + p.name(),
                    k == PortCounter.RX_FRAMES ? 1000 : 0, "port", 0, p.name(), 0, k.code(), k.label(), new long[0]));
            }
        }
        out.add(new CounterRecord(id++, id, CounterTypes.NODE, "errors \"odd\" \\ label", 3, "node", 0, null, 0, -1,
            "errors \"odd\" \\ label", new long[0]));
        return out;
    }

    @Override
    public synchronized VrStatus createVr(VrConfig config) throws ManagementException {
        called("createVr");
        if (vrs.containsKey(config.name())) {
            throw new ManagementException(ManagementException.Kind.CONFLICT, "VR " + config.name() + " exists",
                "name");
        }
        add(config);
        return status(config);
    }

    @Override
    public synchronized void deleteVr(String name) throws ManagementException {
        called("deleteVr");
        find(name);
        vrs.remove(name);
        states.remove(name);
        neighbours.remove(name);
    }

    @Override
    public synchronized ReconfigureResult reconfigureVr(String name, VrConfig config) throws ManagementException {
        called("reconfigureVr");
        final VrConfig running = find(name);
        final ReconfigureResult result = VrConfigDiff.proposal(VrConfigDiff.between(running, config));
        vrs.put(name, config);
        return result;
    }

    @Override
    public synchronized boolean freeze(String name) throws ManagementException {
        called("freeze");
        find(name);
        return states.put(name, VrState.FROZEN) != VrState.FROZEN;
    }

    @Override
    public synchronized boolean thaw(String name) throws ManagementException {
        called("thaw");
        find(name);
        return states.put(name, VrState.RUNNING) != VrState.RUNNING;
    }
}
