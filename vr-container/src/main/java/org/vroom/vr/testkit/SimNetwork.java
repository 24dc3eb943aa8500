package org.vroom.vr.testkit;

import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.VrConfig;
import org.vroom.vr.VrState;
import org.vroom.vr.loop.DeterministicScheduler;
import org.vroom.vr.loop.LoopOptions;
import org.vroom.vr.loop.ManualClock;
import org.vroom.vr.spi.VrInterface;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Virtual routers wired together in memory, driven deterministically on the calling thread: the test
 * bed for protocols written against the VR SPI (two OSPF routers on a segment, a BGP session later).
 * Time moves only through {@link #advance}; every run with the same seed is the same.
 *
 * <p>A {@link Segment} is a broadcast link: a datagram sent to a unicast next hop reaches the attached
 * interface that owns that address; one sent to a multicast group or 255.255.255.255 reaches every
 * other attached interface. Delivery happens on the receiver's next loop turn, or later on a segment
 * with a {@link LinkImpairment} (latency, deterministic loss, duplication and reordering).
 *
 * <p>A VR removed and added again under the same name (a restored or migrated VR) rejoins the segments
 * its name was attached to.
 */
public final class SimNetwork implements AutoCloseable {
    private final ManualClock clock = new ManualClock();
    private final DeterministicScheduler scheduler = new DeterministicScheduler(clock);
    private final RecordingHypervisor hypervisor = new RecordingHypervisor();
    private final Map<String, VirtualRouter> routers = new LinkedHashMap<>();
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final List<Segment> segments = new ArrayList<>();
    private final long seed;

    public SimNetwork(long seed) {
        this.seed = seed;
    }

    /** Creates a VR (state CREATED) driven by this network's scheduler. */
    public VirtualRouter addRouter(VrConfig config) {
        return addRouter(config, LoopOptions.DEFAULT);
    }

    public VirtualRouter addRouter(VrConfig config, LoopOptions options) {
        if (routers.containsKey(config.name())) {
            throw new IllegalArgumentException("VR " + config.name() + " exists");
        }
        SimHost host = new SimHost(this, config.id(), hypervisor, seed * 31 + config.id());
        VirtualRouter vr = VirtualRouter.create(config, host, clock, options);
        vr.loop().addPoller(host::poll);
        scheduler.add(vr.loop());
        routers.put(config.name(), vr);
        hosts.put(config.name(), host);
        for (Segment s : segments) {
            s.rejoin(config.name());
        }
        return vr;
    }

    /** Destroys VR {@code name} (stopping it first if needed) and forgets it. */
    public void removeRouter(String name) {
        VirtualRouter vr = routers.remove(name);
        SimHost host = hosts.remove(name);
        if (vr == null) {
            return;
        }
        if (vr.state() == VrState.RUNNING || vr.state() == VrState.FROZEN) {
            vr.stop();
        }
        if (vr.state() != VrState.DESTROYED) {
            vr.destroy();
        }
        scheduler.remove(vr.loop());
        hypervisor.forget(host.vrId());
    }

    public VirtualRouter router(String name) {
        return routers.get(name);
    }

    public SimHost host(String name) {
        return hosts.get(name);
    }

    public RecordingHypervisor hypervisor() {
        return hypervisor;
    }

    public ManualClock clock() {
        return clock;
    }

    public DeterministicScheduler scheduler() {
        return scheduler;
    }

    /** A new broadcast segment. */
    public Segment segment(String name) {
        Segment s = new Segment(name);
        segments.add(s);
        return s;
    }

    /** A point-to-point link: a segment with two interfaces. */
    public Segment link(String vrA, String ifA, String vrB, String ifB) {
        Segment s = segment(vrA + "." + ifA + "--" + vrB + "." + ifB);
        s.attach(vrA, ifA);
        s.attach(vrB, ifB);
        return s;
    }

    public int runUntilIdle() {
        return scheduler.runUntilIdle();
    }

    public void advance(long nanos) {
        scheduler.advance(nanos);
    }

    @Override
    public void close() {
        for (String name : new ArrayList<>(routers.keySet())) {
            removeRouter(name);
        }
    }

    /** A simulated broadcast link between VR interfaces. */
    public final class Segment {
        private record Port(String vr, String ifName) {
        }

        private final String name;
        private final List<Port> ports = new ArrayList<>();
        private boolean up = true;
        private LinkImpairment impairment = LinkImpairment.NONE;
        private SplittableRandom faults = new SplittableRandom(0);
        private Predicate<byte[]> dropFilter;
        private long lost;
        private long duplicated;
        private long reordered;

        private Segment(String name) {
            this.name = name;
        }

        public Segment attach(String vrName, String ifName) {
            VirtualRouter vr = routers.get(vrName);
            if (vr == null || vr.interfaceByName(ifName) == null) {
                throw new IllegalArgumentException("no interface " + vrName + "." + ifName);
            }
            Port port = new Port(vrName, ifName);
            if (!ports.contains(port)) {
                ports.add(port);
            }
            hosts.get(vrName).attach(vr.interfaceByName(ifName).index(), this);
            return this;
        }

        private void rejoin(String vrName) {
            VirtualRouter vr = routers.get(vrName);
            for (Port p : ports) {
                if (p.vr().equals(vrName) && vr.interfaceByName(p.ifName()) != null) {
                    hosts.get(vrName).attach(vr.interfaceByName(p.ifName()).index(), this);
                }
            }
        }

        /** Cuts (or restores) the segment: nothing is delivered while it is down. */
        public void setUp(boolean on) {
            this.up = on;
        }

        /** Applies {@code value} to every delivery from now on; its seed restarts the fault generator. */
        public Segment impair(LinkImpairment value) {
            this.impairment = value;
            this.faults = new SplittableRandom(value.seed());
            return this;
        }

        public LinkImpairment impairment() {
            return impairment;
        }

        /** Drops every datagram for which {@code filter} returns true (null: none); for targeted loss in tests. */
        public Segment dropIf(Predicate<byte[]> filter) {
            this.dropFilter = filter;
            return this;
        }

        /** Deliveries lost by the impairment or the drop filter so far. */
        public long lost() {
            return lost;
        }

        public long duplicated() {
            return duplicated;
        }

        public long reordered() {
            return reordered;
        }

        void transmit(SimHost from, int ifIndex, int nextHop, byte[] datagram) {
            if (!up) {
                return;
            }
            if (dropFilter != null && dropFilter.test(datagram)) {
                lost++;
                return;
            }
            boolean flood = Ipv4Addresses.isMulticast(nextHop) || nextHop == Ipv4Addresses.LIMITED_BROADCAST;
            for (Port p : ports) {
                SimHost to = hosts.get(p.vr());
                VirtualRouter vr = routers.get(p.vr());
                if (to == null || vr == null) {
                    continue;
                }
                VrInterface iface = vr.interfaceByName(p.ifName());
                if (iface == null || (to == from && iface.index() == ifIndex) || !iface.isUp()) {
                    continue;
                }
                if (flood || iface.address() == nextHop || (iface.broadcast() != 0 && iface.broadcast() == nextHop)) {
                    deliver(vr, to, iface.index(), datagram);
                }
            }
        }

        private void deliver(VirtualRouter vr, SimHost to, int ifIndex, byte[] datagram) {
            int copies = 1;
            long delay = impairment.latencyNanos();
            if (impairment.faulty()) {
                if (faults.nextDouble() < impairment.loss()) {
                    lost++;
                    return;
                }
                if (faults.nextDouble() < impairment.duplicate()) {
                    duplicated++;
                    copies = 2;
                }
                if (faults.nextDouble() < impairment.reorder()) {
                    reordered++;
                    delay += impairment.reorderDelayNanos();
                }
            }
            for (int i = 0; i < copies; i++) {
                if (delay == 0) {
                    to.inject(ifIndex, datagram);
                } else if (!vr.loop().isClosed()) {
                    vr.loop().schedule(delay, () -> to.inject(ifIndex, datagram));
                }
            }
        }

        @Override
        public String toString() {
            return "Segment[" + name + ", " + ports + "]";
        }
    }
}
