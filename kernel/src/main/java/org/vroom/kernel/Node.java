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
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.loop.LoopOptions;
import org.vroom.vr.rib.Rib;
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
 * one control thread that runs every VR's loop ({@link org.vroom.vr.loop.VrLoop}) as agents of one
 * composite agent. A VR is built on the calling thread but started by a command on its loop, so the
 * loop is the single writer of its FIB from the first route on.
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
    private final Map<String, KernelVr> vrs = new LinkedHashMap<>();
    private final KernelHypervisor hypervisor = new KernelHypervisor();
    private final ForwardingWorker worker;
    private final PollSet pollSet;
    private AgentRunner workerRunner;
    private AgentRunner controlRunner;
    /** Unparks the control thread (it parks up to 50 ms when idle); a no-op until {@link #start}. */
    private volatile Runnable controlWakeup = () -> { };

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

    private KernelVr buildVr(VrConfig vc, int slot) {
        List<InterfaceConfig> ifs = vc.interfaces();
        Vif[] vifs = new Vif[ifs.size()];
        for (int i = 0; i < vifs.length; i++) {
            InterfaceConfig ic = ifs.get(i);
            int p = portIndex.get(ic.port());
            vifs[i] = new Vif(i, ic.name(), p, ic.vlan() == 0 ? EthernetFlyweight.NO_VLAN : ic.vlan(),
                    Vif.macFor(vc.id(), i), ic.address(), ic.prefixLength(), ic.mtu());
        }
        Ipv4Fib fib = Ipv4Fib.dir24_8(MAX_NEXT_HOPS, MAX_TBL8_GROUPS, domain);
        CounterSet<VrCounter> set = counters.entity(VrCounter.class, CounterTypes.VR, vc.id(), vc.name(), 0);
        VrDataPlane dp = new VrDataPlane(vc.id(), vc.name(), slot, fib, vifs, VrDataPlane.DEFAULT_PUNT_CAPACITY,
                stats(set, VrCounter.values()));
        KernelVr vr;
        try {
            VrControlPlane control = new VrControlPlane(dp, worker.injectRing(), pollSet::wakeup, System::nanoTime);
            vr = new KernelVr(vc, dp, control, hypervisor, counters, org.agrona.concurrent.SystemNanoClock.INSTANCE,
                    LoopOptions.DEFAULT, false);
        } catch (RuntimeException e) {
            hypervisor.unregister(vc.id());
            dp.close();
            throw e;
        }
        resources.add(dp);
        // the VR starts on its loop (the single writer of its FIB): connected, local and static routes go
        // through its RIB and shadowd into the FIB there, then every interface is announced
        vr.loopWakeup(controlWakeup);
        VirtualRouter router = vr.router();
        router.loop().offerControl(() -> {
            router.start();
            vr.control().announce();
        });
        for (Vif v : vifs) {
            bindings.bind(dp, v);
        }
        vrs.put(vc.name(), vr);
        return vr;
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
        List<org.agrona.concurrent.Agent> loops = new ArrayList<>();
        for (KernelVr vr : vrs.values()) {
            loops.add(vr.router().loop());
        }
        controlRunner = new AgentRunner(new BackoffIdleStrategy(10, 10, 10_000, 50_000_000), this::onError, null,
                controlAgent = new DynamicCompositeAgent("vr-control", loops));
        Thread controlThread = AgentRunner.startOnThread(controlRunner);
        controlWakeup = () -> java.util.concurrent.locks.LockSupport.unpark(controlThread);
        worker.puntWakeup(controlWakeup);
        for (KernelVr vr : vrs.values()) {
            vr.loopWakeup(controlWakeup);
        }
        AgentRunner.startOnThread(workerRunner);
        for (KernelVr vr : vrs.values()) {
            awaitStarted(vr);
        }
        LOG.log(System.Logger.Level.INFO, "node {0} started: {1} ports, {2} VRs", config.name(), ports.length, vrs.size());
        return this;
    }

    private void onError(Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "agent error", t);
    }

    public NodeConfig config() {
        return config;
    }

    /** The data plane of VR {@code name}, or null. */
    public VrDataPlane vr(String name) {
        KernelVr vr = vrs.get(name);
        return vr == null ? null : vr.dataPlane();
    }

    /** VR {@code name} as the node runs it, or null. */
    public KernelVr kernelVr(String name) {
        return vrs.get(name);
    }

    /** The link/ICMP layer of VR {@code name}'s host stack, or null. */
    public VrControlPlane control(String name) {
        KernelVr vr = vrs.get(name);
        return vr == null ? null : vr.control();
    }

    public PacketPort port(String name) {
        Integer i = portIndex.get(name);
        return i == null ? null : ports[i];
    }

    /** The VR's RIB; touch it only on the VR's loop ({@link KernelVr#call}). */
    public Rib rib(String name) {
        KernelVr vr = vrs.get(name);
        return vr == null ? null : vr.router().rib();
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
        KernelVr vr = buildVr(vc, freeSlots.isEmpty() ? nextSlot++ : freeSlots.poll());
        config = next;
        if (controlAgent != null) {
            awaitAgentChange(() -> controlAgent.tryAdd(vr.router().loop()), controlAgent::hasAddAgentCompleted, "add",
                    vc.name());
            awaitStarted(vr);
        }
    }

    private static void awaitStarted(KernelVr vr) {
        org.vroom.vr.VrState s = vr.call(vr.router()::state, 5_000);
        if (s != org.vroom.vr.VrState.RUNNING) {
            throw new IllegalStateException("VR " + vr.name() + " did not start: it is " + s);
        }
    }

    /**
     * Stops and removes a VR while the node runs: its interfaces are unbound first (one atomic store each, so
     * the workers stop sending it frames), then its control loop leaves the control thread, then its FIB and
     * counters are freed (the FIB after a grace period of the forwarding workers).
     */
    public synchronized void deleteVr(String name) {
        KernelVr kvr = existing(name);
        VrDataPlane vr = kvr.dataPlane();
        for (Vif v : vr.vifs()) {
            bindings.unbind(v.portIndex, v.vlan);
        }
        VirtualRouter router = kvr.router();
        retire(kvr, () -> {
            // protocols stop and the FIB is withdrawn by its writer
            if (router.state() == org.vroom.vr.VrState.RUNNING || router.state() == org.vroom.vr.VrState.FROZEN) {
                router.stop();
            }
        });
        hypervisor.unregister(vr.id);
        vrs.remove(name);
        resources.remove(vr);
        vr.close();
        freeSlots.add(vr.slot);
        List<VrConfig> list = new ArrayList<>(config.vrs());
        list.removeIf(c -> c.name().equals(name));
        config = new NodeConfig(config.name(), config.workers(), config.management(), config.ports(), list);
    }

    /**
     * Ends VR {@code kvr}'s control plane: {@code last} and then the destroy (which frees its loop, timers,
     * queues and shadowd) run on its loop, then the loop leaves the control thread. The composite agent
     * reports a removal done before it has called the agent's onClose, so nothing of the loop may be
     * touched from here after that.
     */
    private void retire(KernelVr kvr, Runnable last) {
        VirtualRouter router = kvr.router();
        Runnable end = () -> {
            last.run();
            if (router.state() != org.vroom.vr.VrState.DESTROYED) {
                router.destroy();
            }
        };
        if (controlAgent == null) {
            end.run(); // no thread runs the loop yet
            return;
        }
        kvr.call(() -> {
            end.run();
            return null;
        }, 10_000);
        awaitAgentChange(() -> controlAgent.tryRemove(router.loop()), controlAgent::hasRemoveAgentCompleted, "remove",
                kvr.name());
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
        controlWakeup.run(); // the composite agent makes the change on its next turn
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
     * Moves interface {@code ifName} of VR {@code vrName} to another VLAN of its port ({@code -1}:
     * untagged). See {@link #rebind(String, String, String, int)}.
     */
    public synchronized void rebind(String vrName, String ifName, int vlan) {
        KernelVr kvr = existing(vrName);
        Vif old = vifNamed(kvr, ifName);
        rebind(kvr, old, old.portIndex, vlan);
    }

    /**
     * Moves interface {@code ifName} of VR {@code vrName} to port {@code portName}, VLAN {@code vlan}
     * ({@code -1}: untagged): binds the new slot, publishes the new interface to the VR, then frees the
     * old slot. Each step is one atomic store; no other binding and no other VR is touched. Frames that
     * arrive on the old slot after the switch are counted as unbound. The interface keeps its MAC.
     */
    public synchronized void rebind(String vrName, String ifName, String portName, int vlan) {
        KernelVr kvr = existing(vrName);
        Integer port = portIndex.get(portName);
        if (port == null) {
            throw new IllegalArgumentException("no port named " + portName);
        }
        rebind(kvr, vifNamed(kvr, ifName), port, vlan);
        VrConfig c = kvr.config();
        List<InterfaceConfig> ifs = new ArrayList<>();
        for (InterfaceConfig ic : c.interfaces()) {
            ifs.add(ic.name().equals(ifName)
                    ? new InterfaceConfig(ic.name(), portName, vlan < 0 ? 0 : vlan, ic.address(), ic.prefixLength(), ic.mtu())
                    : ic);
        }
        replaceConfig(new VrConfig(c.name(), c.id(), ifs, c.staticRoutes()));
    }

    private static Vif vifNamed(KernelVr kvr, String ifName) {
        for (Vif v : kvr.dataPlane().vifs()) {
            if (v.name.equals(ifName)) {
                return v;
            }
        }
        throw new IllegalArgumentException("VR " + kvr.name() + " has no interface " + ifName);
    }

    private void rebind(KernelVr kvr, Vif old, int port, int vlan) {
        if (old.vlan == vlan && old.portIndex == port) {
            return;
        }
        BindingTable.Binding taken = bindings.lookup(port, vlan);
        if (taken != null) {
            throw new IllegalArgumentException("VLAN " + (vlan < 0 ? "untagged" : vlan) + " of port " + ports[port].name()
                    + " is bound to " + taken.vr().name + "/" + taken.vif().name);
        }
        VrDataPlane vr = kvr.dataPlane();
        Vif moved = new Vif(old.index, old.name, port, vlan, old.mac, old.address, old.prefixLength, old.mtu);
        bindings.bind(vr, moved);
        vr.replaceVif(moved);
        bindings.unbind(old.portIndex, old.vlan);
        if (controlAgent != null) {
            kvr.call(() -> {
                kvr.control().linkChanged(old.index);
                return null;
            }, 5_000);
        }
    }

    private void replaceConfig(VrConfig vc) {
        kernelVr(vc.name()).config(vc);
        List<VrConfig> list = new ArrayList<>();
        for (VrConfig c : config.vrs()) {
            list.add(c.name().equals(vc.name()) ? vc : c);
        }
        config = new NodeConfig(config.name(), config.workers(), config.management(), config.ports(), list);
    }

    /**
     * Reconfigures VR {@code wanted.name()} in place where that is possible: static routes (the RIB and
     * FIB follow on the VR's loop), an interface's port or VLAN (an atomic rebinding) and its MTU. Changes
     * that need the VR re-created (its id, interfaces added, removed or reordered, an address: its
     * connected routes, neighbours and sessions depend on it) are not applied and come back in
     * {@code needsRestart}; the node's configuration records only what is in effect.
     *
     * @throws org.vroom.kernel.config.ConfigException the in-place part does not fit the node (a VLAN that
     *                                                 is taken, a gateway outside every subnet, ...)
     */
    public synchronized org.vroom.kernel.mgmt.ReconfigureResult reconfigureVr(VrConfig wanted)
            throws org.vroom.kernel.config.ConfigException {
        KernelVr kvr = existing(wanted.name());
        VrConfig running = kvr.config();
        List<org.vroom.kernel.mgmt.VrConfigDiff.Change> changes = org.vroom.kernel.mgmt.VrConfigDiff.between(running, wanted);
        java.util.Set<String> restartInterfaces = new java.util.HashSet<>();
        boolean restartAll = false;
        for (org.vroom.kernel.mgmt.VrConfigDiff.Change c : changes) {
            if (c.impact() == org.vroom.kernel.mgmt.VrConfigDiff.Impact.RESTART) {
                String path = c.change().path();
                if (path.startsWith("interfaces[")) {
                    restartInterfaces.add(path.substring("interfaces[".length(), path.indexOf(']')));
                } else {
                    restartAll = true;
                }
            }
        }
        // what takes effect now: the running interfaces with the wanted port, VLAN and MTU (unless the
        // interface itself needs a restart), and the wanted static routes
        List<InterfaceConfig> ifs = new ArrayList<>();
        for (InterfaceConfig ic : running.interfaces()) {
            InterfaceConfig w = wanted.findInterface(ic.name()).orElse(null);
            ifs.add(w == null || restartAll || restartInterfaces.contains(ic.name()) ? ic
                    : new InterfaceConfig(ic.name(), w.port(), w.vlan(), ic.address(), ic.prefixLength(), w.mtu()));
        }
        VrConfig effective = new VrConfig(running.name(), running.id(), ifs, restartAll ? running.staticRoutes()
                : wanted.staticRoutes());
        List<VrConfig> list = new ArrayList<>();
        for (VrConfig c : config.vrs()) {
            list.add(c.name().equals(effective.name()) ? effective : c);
        }
        NodeConfig next = new NodeConfig(config.name(), config.workers(), config.management(), config.ports(), list);
        List<String> added = new ArrayList<>(problems(next));
        added.removeAll(problems(config));
        if (!added.isEmpty()) {
            throw new org.vroom.kernel.config.ConfigException(added);
        }
        List<org.vroom.kernel.mgmt.ConfigChange> applied = new ArrayList<>();
        List<org.vroom.kernel.mgmt.ConfigChange> restart = new ArrayList<>();
        for (org.vroom.kernel.mgmt.VrConfigDiff.Change c : changes) {
            String path = c.change().path();
            boolean now = c.impact() == org.vroom.kernel.mgmt.VrConfigDiff.Impact.IN_PLACE && !restartAll
                    && !(path.startsWith("interfaces[")
                    && restartInterfaces.contains(path.substring("interfaces[".length(), path.indexOf(']'))));
            (now ? applied : restart).add(c.change());
        }
        // bindings first (atomic per interface, a VLAN freed by one move may be taken by the next)
        for (int i = 0; i < ifs.size(); i++) {
            InterfaceConfig ic = ifs.get(i);
            Vif v = vifNamed(kvr, ic.name());
            int vlan = ic.vlan() == 0 ? EthernetFlyweight.NO_VLAN : ic.vlan();
            int port = portIndex.get(ic.port());
            if (v.portIndex != port || v.vlan != vlan) {
                rebind(kvr, v, port, vlan);
            }
        }
        org.vroom.vr.VrConfig vrConfig = KernelVr.toVrConfig(effective);
        kvr.call(() -> kvr.router().reconfigure(vrConfig), 5_000);
        replaceConfig(effective);
        return new org.vroom.kernel.mgmt.ReconfigureResult(applied, restart);
    }

    /** Freezes VR {@code name} (see {@link VirtualRouter#freeze}); false if it was not running. */
    public boolean freeze(String name) {
        KernelVr kvr = existing(name);
        return kvr.call(() -> {
            if (kvr.router().state() != org.vroom.vr.VrState.RUNNING) {
                return false;
            }
            kvr.router().freeze();
            return true;
        }, 5_000);
    }

    /** Thaws VR {@code name}: the punts that waited are handled in order; false if it was not frozen. */
    public boolean thaw(String name) {
        KernelVr kvr = existing(name);
        // the punts that waited are read on the loop's next turn, on the same thread
        return kvr.call(() -> {
            if (kvr.router().state() != org.vroom.vr.VrState.FROZEN) {
                return false;
            }
            kvr.router().thaw();
            return true;
        }, 5_000);
    }

    /**
     * A checkpoint image of frozen VR {@code name}: every part of its state (see
     * {@link KernelVr#checkpointParts}) in the format of {@code checkpoint/FORMAT.md}. The VR stays frozen.
     */
    public byte[] snapshot(String name) {
        KernelVr kvr = existing(name);
        return kvr.call(() -> {
            requireFrozen(kvr, "snapshot");
            org.vroom.checkpoint.Checkpointer c = new org.vroom.checkpoint.Checkpointer(kvr.router().id(), name,
                    kvr.checkpointParts());
            org.agrona.DirectBuffer image = c.snapshot();
            byte[] copy = new byte[c.imageLength()];
            image.getBytes(0, copy);
            return copy;
        }, 30_000);
    }

    private static void requireFrozen(KernelVr kvr, String what) {
        if (kvr.router().state() != org.vroom.vr.VrState.FROZEN) {
            throw new IllegalStateException("VR " + kvr.name() + " is " + kvr.router().state() + ": freeze it before "
                    + what);
        }
    }

    /**
     * Replaces frozen VR {@code name}'s control plane by one restored from {@code image} (taken by
     * {@link #snapshot} of this VR): the old one is detached (its routes stay in the data plane) and
     * destroyed, a new one is built on the same data plane, restored, started (shadowd's first batch is a
     * make-before-break reset of identical routes) and left frozen; {@link #thaw} resumes it, and the punts
     * that waited meanwhile in the VR's punt ring are handled then, in order. The data plane forwards
     * throughout. An image that cannot be restored changes nothing (the old VR stays frozen).
     */
    public synchronized void restore(String name, byte[] image) {
        KernelVr old = existing(name);
        old.call(() -> {
            requireFrozen(old, "restoring it");
            return null;
        }, 10_000);
        // the new control plane is built and restored first, beside the frozen old one: a bad image
        // leaves the old VR as it was
        Target target = newTarget(old);
        target.apply(image);
        switchOver(old, target, false);
    }

    /** A VR being restored beside the one it will replace, on the same data plane; its loop has no thread yet. */
    private final class Target {
        final KernelVr vr;
        final org.vroom.checkpoint.Restorer restorer;

        Target(KernelVr vr) {
            this.vr = vr;
            this.restorer = new org.vroom.checkpoint.Restorer(vr.restoreParts());
        }

        /** Applies one image (snapshot, then deltas in order); a bad one destroys the target and throws. */
        void apply(byte[] image) {
            try {
                restorer.apply(new org.agrona.concurrent.UnsafeBuffer(image));
            } catch (RuntimeException e) {
                vr.router().destroy();
                throw e;
            }
        }
    }

    private Target newTarget(KernelVr old) {
        VrDataPlane dp = old.dataPlane();
        VrControlPlane control = new VrControlPlane(dp, worker.injectRing(), pollSet::wakeup, System::nanoTime);
        KernelVr vr = new KernelVr(old.config(), dp, control, hypervisor, counters, org.agrona.concurrent.SystemNanoClock.INSTANCE,
                LoopOptions.DEFAULT, true);
        vr.loopWakeup(controlWakeup);
        VirtualRouter router = vr.router();
        router.prepareRestore();
        // its clock stands still from here to the thaw: timers keep the remaining time they were saved with
        router.loop().freeze();
        return new Target(vr);
    }

    /**
     * Replaces frozen {@code old} by restored {@code target}: the old VR stops without withdrawing its
     * routes and is destroyed, the new one takes over the data plane's forward adjacencies and the
     * control thread, starts, and is thawed ({@code thaw}) or left frozen.
     */
    private long switchOver(KernelVr old, Target target, boolean thaw) {
        KernelVr vr = target.vr;
        VirtualRouter router = vr.router();
        try {
            vr.checkRestoredConfig();
        } catch (RuntimeException e) {
            router.destroy();
            throw e;
        }
        VirtualRouter oldRouter = old.router();
        retire(old, () -> {
            // both VRs feed one data plane: the new shadowd continues the old one's ids and sequence
            router.adoptDataPlaneState(oldRouter);
            oldRouter.detach(); // stops without withdrawing: the data plane keeps its routes
        });
        vr.takeForwardAdjacencies();
        java.util.concurrent.atomic.AtomicLong thawedAt = new java.util.concurrent.atomic.AtomicLong();
        router.loop().offerControl(() -> {
            router.startRestored();
            if (thaw) {
                router.loop().thaw(); // the restored VR was never frozen as a VR: only its loop, since it was built
                thawedAt.set(System.nanoTime());
            } else {
                router.freeze();
            }
        });
        vrs.put(old.name(), vr);
        if (controlAgent != null) {
            awaitAgentChange(() -> controlAgent.tryAdd(router.loop()), controlAgent::hasAddAgentCompleted, "add",
                    old.name());
            org.vroom.vr.VrState s = vr.call(router::state, 10_000);
            if (s != (thaw ? org.vroom.vr.VrState.RUNNING : org.vroom.vr.VrState.FROZEN)) {
                throw new IllegalStateException("VR " + old.name() + " restored but did not start: it is " + s);
            }
        }
        return thawedAt.get();
    }

    /**
     * What a pre-copy replacement did: images in order (snapshot first, final delta last), the time from
     * the old VR's freeze to the new one's thaw (both instants taken on the control thread), and the whole.
     */
    public record PrecopyReport(List<Integer> imageBytes, double frozenMillis, double totalMillis) {
        public int finalDeltaBytes() {
            return imageBytes.get(imageBytes.size() - 1);
        }
    }

    /**
     * Replaces running VR {@code name}'s control plane by a restored copy with pre-copy, the way a
     * migration will: a snapshot is taken while the VR runs and restored into a new VR beside it, then
     * deltas in rounds (at most {@code maxRounds}, until one is at most {@code smallDeltaBytes}) while it
     * keeps running; then it is frozen, the final delta is taken and applied, and the new VR takes over
     * and runs. Only the final delta and the switch-over happen frozen; the data plane forwards throughout.
     */
    public synchronized PrecopyReport precopyReplace(String name, int maxRounds, int smallDeltaBytes) {
        KernelVr old = existing(name);
        long start = System.nanoTime();
        org.vroom.checkpoint.Checkpointer checkpointer = old.call(() -> {
            if (old.router().state() != org.vroom.vr.VrState.RUNNING) {
                throw new IllegalStateException("VR " + name + " is " + old.router().state() + ": pre-copy needs it running");
            }
            return new org.vroom.checkpoint.Checkpointer(old.router().id(), name, old.checkpointParts());
        }, 10_000);
        Target target = newTarget(old);
        List<Integer> sizes = new ArrayList<>();
        byte[] image = old.call(() -> copy(checkpointer.snapshot(), checkpointer.imageLength()), 60_000);
        sizes.add(image.length);
        target.apply(image);
        for (int round = 1; round <= maxRounds && image.length > smallDeltaBytes; round++) {
            image = old.call(() -> copy(checkpointer.delta(), checkpointer.imageLength()), 60_000);
            sizes.add(image.length);
            target.apply(image);
        }
        java.util.concurrent.atomic.AtomicLong frozenAt = new java.util.concurrent.atomic.AtomicLong();
        byte[] last = old.call(() -> {
            old.router().freeze();
            frozenAt.set(System.nanoTime());
            return copy(checkpointer.delta(), checkpointer.imageLength());
        }, 60_000);
        sizes.add(last.length);
        try {
            target.apply(last);
        } catch (RuntimeException e) {
            old.call(old.router()::thaw, 10_000); // the old VR carries on
            throw e;
        }
        long thawedAt = switchOver(old, target, true);
        long end = System.nanoTime();
        return new PrecopyReport(sizes, (thawedAt - frozenAt.get()) / 1e6, (end - start) / 1e6);
    }

    private static byte[] copy(org.agrona.DirectBuffer image, int length) {
        byte[] b = new byte[length];
        image.getBytes(0, b);
        return b;
    }

    private KernelVr existing(String name) {
        KernelVr kvr = vrs.get(name);
        if (kvr == null) {
            throw new IllegalArgumentException("no VR named " + name);
        }
        return kvr;
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
