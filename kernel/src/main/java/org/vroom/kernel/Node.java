package org.vroom.kernel;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.DynamicCompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.vroom.fib.Ipv4Fib;
import org.vroom.fib.QuiescentStateDomain;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.control.VrControlPlane;
import org.vroom.kernel.dataplane.BindingTable;
import org.vroom.kernel.dataplane.KernelHypervisor;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.shadow.Shadowd;
import org.vroom.kernel.dataplane.ForwardingWorker;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.dataplane.Stats;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.kernel.stats.CounterSet;
import org.vroom.kernel.stats.CounterTypes;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.packetio.AfPacketConfig;
import org.vroom.packetio.AfPacketPort;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.PollSet;
import org.vroom.packetio.PortIdleStrategy;
import org.vroom.packetio.codec.EthernetFlyweight;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A vroom node: the composition root that turns a {@link NodeConfig} into running ports, virtual
 * routers, a forwarding worker and the VR control loops, and tears them down again.
 *
 * <p>Threads: one forwarding worker thread (an {@link AgentRunner}; it blocks in poll(2) when idle) and
 * one control thread that runs every VR's control plane as agents of one composite agent. Setting up a
 * VR's tables happens before its control loop starts, so the control loop is the single writer of its
 * FIB from then on.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    private static final int MAX_NEXT_HOPS = 1 << 20;
    private static final int MAX_TBL8_GROUPS = 1 << 16;

    /** The current configuration: replaced when VRs are created or deleted at run time. */
    private volatile NodeConfig config;
    private int nextSlot;
    /** Slots of deleted VRs, reused first (the workers' per-slot state resets when a new VR takes a slot). */
    private final java.util.ArrayDeque<Integer> freeSlots = new java.util.ArrayDeque<>();
    private DynamicCompositeAgent controlAgent;
    private final NodeCounters counters;
    private final QuiescentStateDomain domain = new QuiescentStateDomain();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, Integer> portIndex = new LinkedHashMap<>();
    private final PacketPort[] ports;
    private final Stats[] portStats;
    private final BindingTable bindings;
    private final Map<String, VrDataPlane> vrs = new LinkedHashMap<>();
    private final Map<String, VrControlPlane> controls = new LinkedHashMap<>();
    private final Map<String, Rib> ribs = new LinkedHashMap<>();
    private final KernelHypervisor hypervisor = new KernelHypervisor();
    private final ForwardingWorker worker;
    private final PollSet pollSet;
    private AgentRunner workerRunner;
    private AgentRunner controlRunner;

    /** Opens the ports and builds the VRs; {@link #start()} starts the threads. */
    public Node(NodeConfig config, NodeCounters counters) {
        this(config, counters, Map.of());
    }

    /**
     * As {@link #Node(NodeConfig, NodeCounters)}, with some ports supplied by the caller instead of opened
     * from the configuration (by port name): the embedded demo and in-memory tests attach hosts to the other
     * ends of in-memory port pairs this way. Supplied ports are closed by their owner, not by the node.
     */
    public Node(NodeConfig config, NodeCounters counters, Map<String, PacketPort> suppliedPorts) {
        if (config.workers() != 1) {
            throw new IllegalArgumentException("node.workers: " + config.workers()
                    + " forwarding workers requested; this version runs exactly one (PACKET_FANOUT sharing is not wired yet)");
        }
        this.config = config;
        this.counters = counters;
        List<PortConfig> portConfigs = config.ports();
        ports = new PacketPort[portConfigs.size()];
        portStats = new Stats[ports.length];
        try {
            openPorts(portConfigs, suppliedPorts);
            bindings = new BindingTable(ports.length);
            pollSet = new PollSet(ports.length);
            resources.add(pollSet);
            int[] rx = new int[ports.length];
            for (int i = 0; i < ports.length; i++) {
                rx[i] = i;
                pollSet.add(ports[i]);
                CounterSet<PortCounter> set = counters.entity(PortCounter.class, CounterTypes.PORT, 0, ports[i].name(), 0);
                portStats[i] = stats(set, PortCounter.values());
            }
            worker = new ForwardingWorker("worker-0", ports, rx, portStats, bindings, domain, 1 << 20);
            for (VrConfig vc : config.vrs()) {
                buildVr(vc, nextSlot++);
            }
        } catch (RuntimeException e) {
            closeResources();
            throw e;
        }
    }

    private void openPorts(List<PortConfig> portConfigs, Map<String, PacketPort> supplied) {
        Map<String, InMemoryPortPair> pairs = new HashMap<>();
        for (int i = 0; i < portConfigs.size(); i++) {
            PortConfig pc = portConfigs.get(i);
            portIndex.put(pc.name(), i);
            if (supplied.containsKey(pc.name())) {
                ports[i] = supplied.get(pc.name());
            } else if (pc.linuxInterface() != null) {
                AfPacketPort port;
                try {
                    port = AfPacketPort.open(AfPacketConfig.builder(pc.linuxInterface()).promiscuous(true).build());
                } catch (org.vroom.packetio.PacketIoException e) {
                    throw new NodeStartException("port " + pc.name() + ": " + e.getMessage(), e);
                }
                resources.add(port);
                ports[i] = port;
            } else {
                InMemoryPortPair pair = pairs.get(pc.memoryPeer());
                if (pair == null) {
                    pair = InMemoryPortPair.create(pc.name(), pc.memoryPeer());
                    resources.add(pair);
                    pairs.put(pc.name(), pair);
                    ports[i] = pair.a();
                } else {
                    ports[i] = pair.b();
                }
            }
        }
    }

    private void buildVr(VrConfig vc, int slot) {
        List<InterfaceConfig> ifs = vc.interfaces();
        Vif[] vifs = new Vif[ifs.size()];
        Map<String, Vif> byName = new HashMap<>();
        for (int i = 0; i < vifs.length; i++) {
            InterfaceConfig ic = ifs.get(i);
            int p = portIndex.get(ic.port());
            vifs[i] = new Vif(i, ic.name(), p, ic.vlan() == 0 ? EthernetFlyweight.NO_VLAN : ic.vlan(),
                    Vif.macFor(vc.id(), i), ic.address(), ic.prefixLength(), ic.mtu());
            byName.put(ic.name(), vifs[i]);
        }
        Ipv4Fib fib = Ipv4Fib.dir24_8(MAX_NEXT_HOPS, MAX_TBL8_GROUPS, domain);
        CounterSet<VrCounter> set = counters.entity(VrCounter.class, CounterTypes.VR, vc.id(), vc.name(), 0);
        VrDataPlane vr = new VrDataPlane(vc.id(), vc.name(), slot, fib, vifs, VrDataPlane.DEFAULT_PUNT_CAPACITY,
                stats(set, VrCounter.values()));
        resources.add(vr);
        VrControlPlane control = new VrControlPlane(vr, worker.injectRing(), pollSet::wakeup, System::nanoTime);
        // The VR's routes go through its RIB (administrative distance decides: a connected subnet beats a
        // static route to the same prefix) and shadowd's batches into the FIB, through the hypervisor.
        Rib rib = new Rib(8);
        // gateways share the adjacency the control plane resolves with ARP
        hypervisor.register(vr, (vifIndex, gateway) -> control.adjacencyFor(vr.vif(vifIndex), gateway));
        Shadowd shadowd = new Shadowd(vc.id(), rib, hypervisor); // listens to the RIB from now on
        for (Vif v : vifs) {
            if (v.prefixLength < 32) {
                rib.add(RouteSource.CONNECTED, 0, v.subnet(), v.prefixLength, 0, NextHopSet.attached(v.index));
            }
            rib.add(RouteSource.LOCAL, 0, v.address, 32, 0, NextHopSet.LOCAL);
            if (v.broadcast() != 0) {
                rib.add(RouteSource.LOCAL, 0, v.broadcast(), 32, 0, NextHopSet.LOCAL);
            }
        }
        for (StaticRouteConfig r : vc.staticRoutes()) {
            NextHopSet hops = switch (r.action()) {
                case DROP -> NextHopSet.DROP;
                case REJECT -> NextHopSet.REJECT;
                case FORWARD -> {
                    Vif out = r.interfaceName() != null ? byName.get(r.interfaceName()) : vr.connectedVif(r.via());
                    control.resolve(out, r.via());
                    yield NextHopSet.via(r.via(), out.index);
                }
            };
            rib.add(RouteSource.STATIC, 0, r.prefix(), r.length(), 0, hops);
        }
        shadowd.flush();
        ribs.put(vc.name(), rib);
        for (Vif v : vifs) {
            bindings.bind(vr, v);
        }
        vrs.put(vc.name(), vr);
        controls.put(vc.name(), control);
    }

    private static <E extends Enum<E> & org.vroom.kernel.stats.CounterKind> Stats stats(CounterSet<E> set, E[] kinds) {
        AtomicCounter[] c = new AtomicCounter[kinds.length];
        for (E k : kinds) {
            c[k.ordinal()] = set.get(k);
        }
        return new Stats(c);
    }

    /** Starts the worker and the control thread. */
    public Node start() {
        IdleStrategy workerIdle = new WorkerIdle(worker, new PortIdleStrategy(pollSet));
        workerRunner = new AgentRunner(workerIdle, this::onError, null, worker);
        // the control thread parks up to 50 ms when idle (its timers tick every 100 ms); the worker unparks it
        // after every round that punted frames, so ARP and ping answers do not wait for the park to end
        controlRunner = new AgentRunner(new BackoffIdleStrategy(10, 10, 10_000, 50_000_000), this::onError, null,
                controlAgent = new DynamicCompositeAgent("vr-control", new ArrayList<>(controls.values())));
        Thread controlThread = AgentRunner.startOnThread(controlRunner);
        worker.puntWakeup(() -> java.util.concurrent.locks.LockSupport.unpark(controlThread));
        AgentRunner.startOnThread(workerRunner);
        LOG.log(System.Logger.Level.INFO, "node {0} started: {1} ports, {2} VRs", config.name(), ports.length, vrs.size());
        return this;
    }

    private void onError(Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "agent error", t);
    }

    public NodeConfig config() {
        return config;
    }

    public VrDataPlane vr(String name) {
        return vrs.get(name);
    }

    public VrControlPlane control(String name) {
        return controls.get(name);
    }

    public PacketPort port(String name) {
        Integer i = portIndex.get(name);
        return i == null ? null : ports[i];
    }

    /** The VR's RIB; touch it only on the VR's loop ({@link VrControlPlane#call}). */
    public Rib rib(String name) {
        return ribs.get(name);
    }

    public BindingTable bindings() {
        return bindings;
    }

    /**
     * Creates and starts a VR while the node runs. The whole node configuration with the new VR is validated
     * first (names, ids, bindings, addresses), so a refused VR changes nothing.
     *
     * @throws org.vroom.kernel.config.ConfigException with every problem, when the VR does not fit the node
     */
    public synchronized void createVr(VrConfig vc) throws org.vroom.kernel.config.ConfigException {
        List<VrConfig> list = new ArrayList<>(config.vrs());
        list.add(vc);
        NodeConfig next = new NodeConfig(config.name(), config.workers(), config.management(), config.ports(), list);
        // only what the new VR adds counts: a node built in code (the demo, tests) may have supplied ports
        // whose in-memory peers the file rules do not know
        List<String> before = problems(config);
        List<String> added = new ArrayList<>(problems(next));
        added.removeAll(before);
        if (!added.isEmpty()) {
            throw new org.vroom.kernel.config.ConfigException(added);
        }
        buildVr(vc, freeSlots.isEmpty() ? nextSlot++ : freeSlots.poll());
        if (controlAgent != null) {
            VrControlPlane control = controls.get(vc.name());
            awaitAgentChange(() -> controlAgent.tryAdd(control), controlAgent::hasAddAgentCompleted, "add", vc.name());
        }
        config = next;
    }

    /**
     * Stops and removes a VR while the node runs: its interfaces are unbound first (one atomic store each, so
     * the workers stop sending it frames), then its control loop leaves the control thread, then its FIB and
     * counters are freed (the FIB after a grace period of the forwarding workers).
     */
    public synchronized void deleteVr(String name) {
        VrDataPlane vr = vrs.get(name);
        if (vr == null) {
            throw new IllegalArgumentException("no VR named " + name);
        }
        for (Vif v : vr.vifs()) {
            bindings.unbind(v.portIndex, v.vlan);
        }
        VrControlPlane control = controls.get(name);
        if (controlAgent != null) {
            awaitAgentChange(() -> controlAgent.tryRemove(control), controlAgent::hasRemoveAgentCompleted, "remove", name);
        }
        hypervisor.unregister(vr.id);
        vrs.remove(name);
        controls.remove(name);
        ribs.remove(name);
        resources.remove(vr);
        vr.close();
        freeSlots.add(vr.slot);
        List<VrConfig> list = new ArrayList<>(config.vrs());
        list.removeIf(c -> c.name().equals(name));
        config = new NodeConfig(config.name(), config.workers(), config.management(), config.ports(), list);
    }

    private static List<String> problems(NodeConfig c) {
        try {
            org.vroom.kernel.config.NodeConfigLoader.validate(c);
            return List.of();
        } catch (org.vroom.kernel.config.ConfigException e) {
            return e.problems();
        }
    }

    private void awaitAgentChange(java.util.function.BooleanSupplier request, java.util.function.BooleanSupplier done,
                                  String what, String vrName) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!request.getAsBoolean()) {
            checkDeadline(deadline, what, vrName);
            Thread.onSpinWait();
        }
        while (!done.getAsBoolean()) {
            checkDeadline(deadline, what, vrName);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    private static void checkDeadline(long deadline, String what, String vrName) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the control thread did not " + what + " VR " + vrName + " within 5 s");
        }
    }

    /**
     * Moves interface {@code ifName} of VR {@code vrName} to another VLAN of its port ({@code -1}: untagged):
     * binds the new slot, publishes the new interface to the VR, then frees the old slot. Each step is one
     * atomic store; no other binding and no other VR is touched. Frames that arrive on the old VLAN after
     * the switch are counted as unbound. Callers serialise rebinds (management runs one change at a time).
     */
    public synchronized void rebind(String vrName, String ifName, int vlan) {
        VrDataPlane vr = vrs.get(vrName);
        if (vr == null) {
            throw new IllegalArgumentException("no VR named " + vrName);
        }
        Vif old = null;
        for (Vif v : vr.vifs()) {
            if (v.name.equals(ifName)) {
                old = v;
            }
        }
        if (old == null) {
            throw new IllegalArgumentException("VR " + vrName + " has no interface " + ifName);
        }
        if (old.vlan == vlan) {
            return;
        }
        BindingTable.Binding taken = bindings.lookup(old.portIndex, vlan);
        if (taken != null) {
            throw new IllegalArgumentException("VLAN " + (vlan < 0 ? "untagged" : vlan) + " of port " + old.portIndex
                    + " is bound to " + taken.vr().name + "/" + taken.vif().name);
        }
        Vif moved = new Vif(old.index, old.name, old.portIndex, vlan, old.mac, old.address, old.prefixLength, old.mtu);
        bindings.bind(vr, moved);
        vr.replaceVif(moved);
        bindings.unbind(old.portIndex, old.vlan);
    }

    /** The management API's view of this node (reads run on the VRs' loops). */
    public org.vroom.kernel.mgmt.NodeManagement management(NodeCounters nodeCounters) {
        return new NodeManagementAdapter(this, nodeCounters);
    }

    /**
     * Starts the management API for this node as its configuration says, or returns null (with a warning
     * in the log) when it cannot listen: forwarding matters more than management.
     */
    public org.vroom.kernel.mgmt.ManagementServer startManagement(NodeCounters nodeCounters) {
        try {
            return org.vroom.kernel.mgmt.ManagementServer.forNode(management(nodeCounters), config.management(),
                    org.vroom.kernel.mgmt.ApiToken.runBase().resolve(config.name())).start();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "management API not started on {0}: {1}",
                    config.management().listen(), e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        CloseHelper.quietCloseAll(controlRunner, workerRunner);
        closeResources();
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            CloseHelper.quietClose(resources.get(i));
        }
        resources.clear();
    }

    /** The node could not start (a port could not be opened, ...); the message says why, for the operator. */
    public static final class NodeStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NodeStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Goes offline in the FIB reclamation domain around every blocking wait of the port idle strategy. */
    private record WorkerIdle(ForwardingWorker worker, PortIdleStrategy delegate) implements IdleStrategy {
        @Override
        public void idle(int workCount) {
            if (workCount > 0) {
                delegate.reset();
                return;
            }
            idle();
        }

        @Override
        public void idle() {
            worker.offline();
            delegate.idle();
            worker.online();
        }

        @Override
        public void reset() {
            delegate.reset();
        }
    }
}
