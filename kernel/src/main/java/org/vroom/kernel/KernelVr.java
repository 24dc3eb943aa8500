package org.vroom.kernel;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.control.VrControlPlane;
import org.vroom.kernel.dataplane.KernelHypervisor;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.VrHost;
import org.vroom.vr.loop.LoopOptions;
import org.vroom.vr.shadow.DataPlaneHypervisor;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.TcpStack;
import org.vroom.vr.spi.VrInterface;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One virtual router as the node runs it: the vr-container {@link VirtualRouter} (its loop, RIB,
 * shadowd, protocols and lifecycle), its substrate data plane ({@link VrDataPlane}: FIB, adjacencies,
 * interfaces, punt ring, counters) and the link/ICMP layer of its host stack ({@link VrControlPlane}),
 * joined by this class's {@link VrHost} implementation.
 *
 * <p>Threads: the VR's loop runs on the node's control thread; everything of the VR is touched there
 * only. Other threads go through {@link #call}, which queues a control command on the loop (it runs
 * while the VR is frozen too).
 */
public final class KernelVr implements VrHost {
    private final VrDataPlane dataPlane;
    private final VrControlPlane control;
    private final KernelHypervisor hypervisor;
    private final VirtualRouter router;
    /** The node-level configuration now in effect (bindings included); replaced on reconfiguration. */
    private volatile VrConfig config;
    private final org.vroom.netstack.tcp.TcpHost tcp;
    private final org.vroom.netstack.udp.UdpHost udp;
    private final KernelHypervisor.ForwardAdjacencies forward;
    /** Where the VR's stack counters live (null: in memory only). */
    private final org.vroom.kernel.stats.NodeCounters counters;
    private List<org.vroom.checkpoint.Checkpointable> sourceParts;
    /** Wakes the thread that runs this VR's loop (it parks when idle); set by the node. */
    private volatile Runnable loopWakeup = () -> { };
    private org.vroom.vr.checkpoint.ConfigCheckpoint restoredConfig;

    /**
     * @param restoring false for a new VR (its data plane registers with the hypervisor); true for a VR
     *                  that will replace one restored from a checkpoint on the same data plane (the
     *                  hypervisor keeps that data plane's routes and next hops; {@link #takeForwardAdjacencies}
     *                  at the switch-over)
     */
    KernelVr(VrConfig config, VrDataPlane dataPlane, VrControlPlane control, KernelHypervisor hypervisor,
             org.vroom.kernel.stats.NodeCounters counters, NanoClock clock, LoopOptions loopOptions, boolean restoring) {
        this.config = config;
        this.counters = counters;
        this.dataPlane = dataPlane;
        this.control = control;
        this.hypervisor = hypervisor;
        // gateways share the adjacency the host stack resolves with ARP
        this.forward = (vifIndex, gateway) -> control.adjacencyFor(dataPlane.vif(vifIndex), gateway);
        if (!restoring) {
            hypervisor.register(dataPlane, forward);
        }
        this.router = VirtualRouter.create(toVrConfig(config), this, clock, loopOptions);
        control.attach(router);
        router.loop().addPoller(control::poll);
        // the VR's TCP lives as long as the VR (not only while it runs): it is part of its host stack
        this.tcp = new org.vroom.netstack.tcp.TcpHost(router.context());
        this.udp = new org.vroom.netstack.udp.UdpHost(router.context());
    }

    /**
     * Makes this VR's neighbour cache the source of its data plane's forward adjacencies: a VR restored to
     * replace another on the same data plane does it at the switch-over, once the other is stopped.
     */
    void takeForwardAdjacencies() {
        hypervisor.replaceForward(dataPlane.id, forward);
    }

    /** The vr-container configuration of a node VR: interfaces without their bindings, static routes. */
    static org.vroom.vr.VrConfig toVrConfig(VrConfig c) {
        List<org.vroom.vr.InterfaceConfig> ifs = new ArrayList<>();
        for (InterfaceConfig i : c.interfaces()) {
            ifs.add(new org.vroom.vr.InterfaceConfig(i.name(), i.address(), i.prefixLength(), i.mtu(), true));
        }
        List<org.vroom.vr.StaticRouteConfig> routes = new ArrayList<>();
        for (StaticRouteConfig r : c.staticRoutes()) {
            routes.add(switch (r.action()) {
                case FORWARD -> org.vroom.vr.StaticRouteConfig.forward(r.prefix(), r.length(), r.via(), r.interfaceName());
                case DROP -> org.vroom.vr.StaticRouteConfig.drop(r.prefix(), r.length());
                case REJECT -> org.vroom.vr.StaticRouteConfig.reject(r.prefix(), r.length());
            });
        }
        return new org.vroom.vr.VrConfig(c.id(), c.name(), ifs, routes, List.of(), org.vroom.vr.VrConfig.DEFAULT_ECMP_WIDTH);
    }

    void loopWakeup(Runnable wakeup) {
        this.loopWakeup = wakeup;
    }

    public String name() {
        return router.name();
    }

    public VirtualRouter router() {
        return router;
    }

    public VrDataPlane dataPlane() {
        return dataPlane;
    }

    public VrControlPlane control() {
        return control;
    }

    public VrConfig config() {
        return config;
    }

    void config(VrConfig next) {
        config = next;
    }

    /**
     * Runs {@code call} on this VR's loop (the only thread that may touch its tables) and returns its
     * result, failing after {@code timeoutMillis}. Runs while the VR is frozen too. Never call it from the
     * loop itself.
     */
    public <T> T call(Supplier<T> call, long timeoutMillis) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (!router.loop().offerControl(() -> {
            try {
                f.complete(call.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        })) {
            throw new IllegalStateException("VR " + name() + " is busy or closed: its control queue refused the request");
        }
        loopWakeup.run();
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for VR " + name(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("VR " + name() + " did not answer within " + timeoutMillis + " ms", e);
        }
    }

    /**
     * Every checkpointed part of this VR as a checkpoint source, in restore order: its configuration, its
     * RIB, its neighbour cache (with the data plane's adjacency indices) and its TCP. The same list serves
     * every round of a series (the parts track what changed since the last one). VR loop only.
     */
    List<org.vroom.checkpoint.Checkpointable> checkpointParts() {
        if (sourceParts == null) {
            sourceParts = org.vroom.vr.checkpoint.VrParts.source(router::config, router.rib(), List.of(control, tcp));
        }
        return sourceParts;
    }

    /**
     * The parts a checkpoint of this VR is restored into (a new VR, before it starts): the same names as
     * {@link #checkpointParts}; the restored configuration is checked against this VR's.
     */
    List<org.vroom.checkpoint.Checkpointable> restoreParts() {
        List<org.vroom.checkpoint.Checkpointable> parts =
                org.vroom.vr.checkpoint.VrParts.target(instance -> null, router.rib(), List.of(control, tcp));
        restoredConfig = (org.vroom.vr.checkpoint.ConfigCheckpoint) parts.get(0); // VrParts puts config first
        return parts;
    }

    /** After a restore: refuses a checkpoint of a VR configured differently from this one. */
    void checkRestoredConfig() {
        org.vroom.vr.VrConfig restored = restoredConfig == null ? null : restoredConfig.restored();
        if (restored != null && !restored.equals(router.config())) {
            throw new org.vroom.checkpoint.CheckpointFormatException("the checkpoint is of VR " + restored.name()
                    + " configured as " + restored + ", not of this VR (" + router.config() + ")");
        }
    }

    // ------------------------------------------------------------------------------------------
    // VrHost (on the VR loop)
    // ------------------------------------------------------------------------------------------

    @Override
    public SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
        return control.sendIp(ifIndex, nextHop, buffer, offset, length);
    }

    @Override
    public DataPlaneHypervisor hypervisor() {
        return hypervisor;
    }

    /**
     * A counter of the VR's stack in the node's counters file ({@code vroom stat}, {@code /metrics}),
     * labelled {@code "<name> vr=<vr>"} and freed when the VR's scope closes. They start from 0 in a VR
     * restored from a checkpoint (counters are not part of it).
     */
    @Override
    public org.vroom.vr.spi.Counter counter(String name) {
        if (counters == null) {
            return VrHost.super.counter(name);
        }
        org.agrona.concurrent.status.AtomicCounter c = counters.counter(
                org.vroom.kernel.stats.CounterTypes.VR_STACK, name + " vr=" + config.name(), config.id());
        return new StackCounter(name, c, counters);
    }

    /** One stack counter: written by the VR loop only (release stores), read by any thread. */
    private record StackCounter(String name, org.agrona.concurrent.status.AtomicCounter counter,
                                org.vroom.kernel.stats.NodeCounters file) implements org.vroom.vr.spi.Counter {
        @Override
        public void increment() {
            counter.incrementRelease();
        }

        @Override
        public void add(long delta) {
            counter.getAndAddRelease(delta);
        }

        @Override
        public long get() {
            return counter.get();
        }

        @Override
        public void close() {
            file.free(counter);
        }
    }

    /**
     * Reconfiguration changed an interface: the data plane gets the new MTU (addresses, additions and
     * removals are refused before they reach the VR: they need the VR re-created, see
     * {@link Node#reconfigureVr}).
     */
    @Override
    public void interfaceChanged(VrInterface before, VrInterface after) {
        if (before == null || after == null) {
            throw new IllegalStateException("VR " + name() + ": interfaces are added or removed by re-creating the VR");
        }
        Vif old = dataPlane.vif(before.index());
        if (old.address != after.address() || old.prefixLength != after.prefixLength()) {
            throw new IllegalStateException("VR " + name() + ": an address changes by re-creating the VR");
        }
        if (old.mtu != after.mtu()) {
            dataPlane.replaceVif(new Vif(old.index, old.name, old.portIndex, old.vlan, old.mac, old.address,
                    old.prefixLength, after.mtu()));
        }
    }

    /** The VR's UDP (on its loop only): sockets are bound again by their protocol after a restore. */
    @Override
    public org.vroom.netstack.udp.UdpHost udp() {
        return udp;
    }

    /** The VR's TCP (on its loop only). */
    @Override
    public org.vroom.netstack.tcp.TcpHost tcp() {
        return tcp;
    }

    @Override
    public String toString() {
        return "VR " + name() + " (id " + router.id() + ")";
    }
}
