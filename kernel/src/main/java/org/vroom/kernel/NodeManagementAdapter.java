package org.vroom.kernel;

import org.vroom.fib.Ipv4Fib;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.RouteAction;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.control.VrControlPlane;
import org.vroom.kernel.dataplane.AdjacencyTable;
import org.vroom.kernel.dataplane.BindingTable;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.kernel.mgmt.FibEntry;
import org.vroom.kernel.mgmt.InterfaceStatus;
import org.vroom.kernel.mgmt.ManagementException;
import org.vroom.kernel.mgmt.NeighbourEntry;
import org.vroom.kernel.mgmt.NodeManagement;
import org.vroom.kernel.mgmt.ReconfigureResult;
import org.vroom.kernel.mgmt.RibRoute;
import org.vroom.kernel.mgmt.VrState;
import org.vroom.kernel.mgmt.VrStatus;
import org.vroom.kernel.stats.CounterRecord;
import org.vroom.kernel.stats.CountersFileReader;
import org.vroom.kernel.stats.NodeCounters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The management API's view of a running {@link Node}. Reads of a VR's tables run on that VR's loop
 * (the single writer of its FIB) through {@link KernelVr#call}, and so do reads of its RIB (every
 * candidate of every prefix, the best one marked).
 * VRs can be created, deleted, reconfigured (in place where possible), frozen and thawed at run time.
 */
final class NodeManagementAdapter implements NodeManagement {
    private static final long CALL_TIMEOUT_MILLIS = 2_000;
    private final Node node;
    private final NodeCounters counters;
    private final Instant startedAt = Instant.now();
    private CountersFileReader countersReader;

    NodeManagementAdapter(Node node, NodeCounters counters) {
        this.node = node;
        this.counters = counters;
    }

    @Override
    public NodeConfig config() {
        return node.config();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public Duration uptime() {
        return Duration.between(startedAt, Instant.now());
    }

    @Override
    public List<VrStatus> vrs() {
        List<VrStatus> list = new ArrayList<>();
        for (VrConfig c : node.config().vrs()) {
            list.add(status(c));
        }
        return list;
    }

    @Override
    public VrStatus vr(String name) throws ManagementException {
        return status(find(name));
    }

    private VrStatus status(VrConfig c) {
        KernelVr vr = node.kernelVr(c.name());
        int[] sizes = vr.call(() -> new int[] {vr.router().rib().size(), vr.dataPlane().fib.size()}, CALL_TIMEOUT_MILLIS);
        return new VrStatus(c.name(), c.id(), vr.router().loop().isFrozen() ? VrState.FROZEN : VrState.RUNNING, sizes[0],
                sizes[1]);
    }

    @Override
    public List<InterfaceStatus> interfaces(String vrName) throws ManagementException {
        VrConfig c = find(vrName);
        VrDataPlane vr = node.vr(vrName);
        List<InterfaceStatus> list = new ArrayList<>();
        for (int i = 0; i < c.interfaces().size(); i++) {
            Vif v = vr.vif(i);
            BindingTable.Binding b = node.bindings().lookup(v.portIndex, v.vlan);
            list.add(new InterfaceStatus(c.interfaces().get(i), v.mac, b != null && b.vr() == vr && b.vif().index == i));
        }
        return list;
    }

    @Override
    public List<RibRoute> rib(String vrName) throws ManagementException {
        VrConfig c = find(vrName);
        KernelVr vr = node.kernelVr(vrName);
        org.vroom.vr.rib.Rib rib = vr.router().rib();
        return vr.call(() -> {
            List<RibRoute> routes = new ArrayList<>();
            List<int[]> prefixes = new ArrayList<>();
            rib.forEachBest((prefix, length, source, distance, metric, hops) -> prefixes.add(new int[] {prefix, length}));
            for (int[] p : prefixes) {
                org.vroom.vr.rib.Route best = rib.best(p[0], p[1]);
                for (org.vroom.vr.rib.Route r : rib.candidates(p[0], p[1])) {
                    routes.add(route(c, r, best != null && best.source() == r.source() && best.origin() == r.origin()));
                }
            }
            return routes;
        }, CALL_TIMEOUT_MILLIS);
    }

    private static RibRoute route(VrConfig c, org.vroom.vr.rib.Route r, boolean best) {
        org.vroom.vr.rib.NextHopSet set = r.nextHops();
        RouteAction action = RouteAction.FORWARD;
        List<RibRoute.NextHop> hops = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            int kind = set.kind(i);
            if (kind == org.vroom.vr.rib.NextHop.DROP) {
                action = RouteAction.DROP;
            } else if (kind == org.vroom.vr.rib.NextHop.REJECT) {
                action = RouteAction.REJECT;
            } else {
                int ifIndex = set.ifIndex(i);
                String ifName = ifIndex >= 0 && ifIndex < c.interfaces().size() ? c.interfaces().get(ifIndex).name() : null;
                hops.add(new RibRoute.NextHop(kind == org.vroom.vr.rib.NextHop.FORWARD ? set.address(i) : 0, ifName));
            }
        }
        String protocol = r.source().name().toLowerCase(java.util.Locale.ROOT);
        return new RibRoute(new Ipv4.Prefix(r.prefix(), r.length()), protocol, r.distance(), r.metric(), action, hops,
                best);
    }

    @Override
    public Optional<FibEntry> fibExact(String vrName, Ipv4.Prefix prefix) throws ManagementException {
        find(vrName);
        KernelVr vr = node.kernelVr(vrName);
        VrControlPlane control = vr.control();
        return vr.call(() -> {
            int nh = control.dataPlane().fib.get(prefix.address(), prefix.length());
            return nh == Ipv4Fib.NO_ROUTE ? Optional.<FibEntry>empty() : Optional.of(entry(control, prefix, nh));
        }, CALL_TIMEOUT_MILLIS);
    }

    @Override
    public Optional<FibEntry> fibLookup(String vrName, int address) throws ManagementException {
        find(vrName);
        KernelVr vr = node.kernelVr(vrName);
        VrControlPlane control = vr.control();
        return vr.call(() -> {
            Ipv4Fib fib = control.dataPlane().fib;
            int nh = fib.lookup(address);
            if (nh == Ipv4Fib.NO_ROUTE) {
                return Optional.<FibEntry>empty();
            }
            // the FIB answers only the next hop: find the prefix that matched, longest first
            for (int len = 32; len >= 0; len--) {
                int p = len == 0 ? 0 : address & (-1 << (32 - len));
                if (fib.get(p, len) == nh) {
                    return Optional.of(entry(control, new Ipv4.Prefix(p, len), nh));
                }
            }
            return Optional.of(entry(control, new Ipv4.Prefix(address, 32), nh));
        }, CALL_TIMEOUT_MILLIS);
    }

    private static FibEntry entry(VrControlPlane control, Ipv4.Prefix prefix, int nh) {
        VrDataPlane vr = control.dataPlane();
        AdjacencyTable adj = vr.adjacencies;
        int kind = adj.kind(nh);
        String ifName = kind == AdjacencyTable.FORWARD || kind == AdjacencyTable.GLEAN ? vr.vif(adj.vif(nh)).name : null;
        return new FibEntry(prefix, AdjacencyTable.kindName(kind), nh, adj.nextHop(nh), ifName, adj.mac(nh));
    }

    @Override
    public List<NeighbourEntry> neighbours(String vrName) throws ManagementException {
        find(vrName);
        KernelVr vr = node.kernelVr(vrName);
        List<NeighbourEntry> list = new ArrayList<>();
        for (VrControlPlane.NeighbourView n : vr.call(vr.control()::neighbours, CALL_TIMEOUT_MILLIS)) {
            list.add(new NeighbourEntry(n.address(), n.mac(), n.state(), n.interfaceName()));
        }
        return list;
    }

    @Override
    public synchronized List<CounterRecord> counters() {
        if (countersReader == null) {
            countersReader = CountersFileReader.open(counters.file()); // one mapping, reused
        }
        return countersReader.snapshot().counters();
    }

    @Override
    public VrStatus createVr(VrConfig config) throws ManagementException {
        if (node.config().findVr(config.name()).isPresent()) {
            throw new ManagementException(ManagementException.Kind.CONFLICT, "a VR named " + config.name() + " exists");
        }
        try {
            node.createVr(config);
        } catch (org.vroom.kernel.config.ConfigException e) {
            throw new ManagementException(ManagementException.Kind.INVALID, String.join("; ", e.problems()));
        } catch (RuntimeException e) {
            throw new ManagementException(ManagementException.Kind.UNAVAILABLE, "VR " + config.name()
                    + " could not be created: " + e.getMessage());
        }
        return status(config);
    }

    @Override
    public void deleteVr(String name) throws ManagementException {
        find(name);
        node.deleteVr(name);
    }

    @Override
    public ReconfigureResult reconfigureVr(String name, VrConfig config) throws ManagementException {
        find(name);
        if (!name.equals(config.name())) {
            throw new ManagementException(ManagementException.Kind.INVALID, "the configuration names VR " + config.name()
                    + ", not " + name + ": a VR is renamed by creating it under the new name");
        }
        try {
            return node.reconfigureVr(config);
        } catch (org.vroom.kernel.config.ConfigException e) {
            throw new ManagementException(ManagementException.Kind.INVALID, String.join("; ", e.problems()));
        } catch (IllegalStateException e) {
            throw new ManagementException(ManagementException.Kind.UNAVAILABLE, "VR " + name
                    + " could not be reconfigured: " + e.getMessage());
        }
    }

    @Override
    public boolean freeze(String name) throws ManagementException {
        find(name);
        return node.freeze(name);
    }

    @Override
    public boolean thaw(String name) throws ManagementException {
        find(name);
        return node.thaw(name);
    }

    @Override
    public CheckpointInfo checkpoint(String name) throws ManagementException {
        find(name);
        long start = System.nanoTime();
        byte[] image;
        try {
            image = node.snapshot(name);
        } catch (IllegalStateException e) {
            throw new ManagementException(ManagementException.Kind.CONFLICT, e.getMessage());
        }
        double millis = (System.nanoTime() - start) / 1e6;
        java.nio.file.Path file = checkpointFile(name);
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, image);
        } catch (java.io.IOException e) {
            throw new ManagementException(ManagementException.Kind.UNAVAILABLE, "VR " + name
                    + " checkpointed, but the image could not be written to " + file + ": " + e.getMessage());
        }
        return new CheckpointInfo(name, image.length, file.toString(), millis);
    }

    @Override
    public CheckpointInfo restore(String name) throws ManagementException {
        find(name);
        java.nio.file.Path file = checkpointFile(name);
        byte[] image;
        try {
            image = java.nio.file.Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ManagementException(ManagementException.Kind.CONFLICT, "VR " + name + " has no checkpoint ("
                    + file + "): checkpoint it first");
        } catch (java.io.IOException e) {
            throw new ManagementException(ManagementException.Kind.UNAVAILABLE, "cannot read " + file + ": "
                    + e.getMessage());
        }
        long start = System.nanoTime();
        try {
            node.restore(name, image);
        } catch (IllegalStateException | org.vroom.checkpoint.CheckpointFormatException e) {
            throw new ManagementException(ManagementException.Kind.CONFLICT, "VR " + name + ": " + e.getMessage());
        }
        return new CheckpointInfo(name, image.length, file.toString(), (System.nanoTime() - start) / 1e6);
    }

    @Override
    public PrecopyInfo precopy(String name) throws ManagementException {
        find(name);
        try {
            Node.PrecopyReport r = node.precopyReplace(name, 8, 64 * 1024);
            return new PrecopyInfo(name, r.imageBytes(), r.frozenMillis(), r.totalMillis());
        } catch (IllegalStateException | org.vroom.checkpoint.CheckpointFormatException e) {
            throw new ManagementException(ManagementException.Kind.CONFLICT, "VR " + name + ": " + e.getMessage());
        }
    }

    /** Where VR {@code name}'s checkpoint image is kept: the node's run directory. */
    private java.nio.file.Path checkpointFile(String name) {
        return org.vroom.kernel.mgmt.ApiToken.runBase().resolve(node.config().name()).resolve("checkpoints")
                .resolve(name + ".vrck");
    }

    private VrConfig find(String name) throws ManagementException {
        return node.config().findVr(name).orElseThrow(() ->
                new ManagementException(ManagementException.Kind.NOT_FOUND, "no VR named " + name));
    }
}
