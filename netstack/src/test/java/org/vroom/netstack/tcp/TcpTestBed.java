package org.vroom.netstack.tcp;

import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.InterfaceConfig;
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.VrConfig;
import org.vroom.vr.testkit.LinkImpairment;
import org.vroom.vr.testkit.SimHost;
import org.vroom.vr.testkit.SimNetwork;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Two VRs, "a" (10.0.0.1) and "b" (10.0.0.2), on one simulated link with a TCP stack each, driven
 * deterministically. Time moves only through {@link #run} and {@link #runUntil}.
 */
final class TcpTestBed implements AutoCloseable {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final int A = Ipv4Addresses.parse("10.0.0.1");
    static final int B = Ipv4Addresses.parse("10.0.0.2");

    final SimNetwork net;
    final SimNetwork.Segment link;
    final TcpHostOptions options;
    TcpHost a;
    TcpHost b;

    TcpTestBed(long seed) {
        this(seed, TcpHostOptions.DEFAULT, LinkImpairment.latency(MS));
    }

    TcpTestBed(long seed, TcpHostOptions options, LinkImpairment impairment) {
        this.options = options;
        this.net = new SimNetwork(seed);
        net.addRouter(config(1, "a", A)).start();
        net.addRouter(config(2, "b", B)).start();
        this.link = net.link("a", "eth0", "b", "eth0").impair(impairment);
        this.a = stack("a");
        this.b = stack("b");
    }

    static VrConfig config(int id, String name, int address) {
        return VrConfig.of(id, name, List.of(InterfaceConfig.of("eth0", address, 24)), List.of());
    }

    private TcpHost stack(String name) {
        VirtualRouter vr = net.router(name);
        TcpHost h = new TcpHost(vr.context(), options);
        SimHost host = net.host(name);
        host.setTcp(h);
        host.recordSent(false);
        return h;
    }

    VirtualRouter vr(String name) {
        return net.router(name);
    }

    SimHost host(String name) {
        return net.host(name);
    }

    long now() {
        return net.clock().nanoTime();
    }

    void run(long nanos) {
        net.advance(nanos);
    }

    /** Runs in 1 ms steps until {@code done} or {@code maxNanos} passed; returns whether it is done. */
    boolean runUntil(BooleanSupplier done, long maxNanos) {
        long end = now() + maxNanos;
        net.runUntilIdle();
        while (!done.getAsBoolean()) {
            if (now() - end >= 0) {
                return false;
            }
            net.advance(MS);
        }
        return true;
    }

    /**
     * Destroys VR {@code name} and builds it again from the same configuration with a fresh TCP stack
     * restored from {@code snapshot} and {@code deltas}: what a migration does on the destination.
     */
    TcpHost replace(String name, byte[] snapshot, List<byte[]> deltas) {
        VirtualRouter old = net.router(name);
        VrConfig config = old.config();
        net.removeRouter(name);
        net.addRouter(config).start();
        TcpHost fresh = stack(name);
        fresh.restoreSnapshot(new MemoryCheckpoint.Reader(snapshot), fresh.partVersion());
        for (byte[] d : deltas) {
            fresh.applyDelta(new MemoryCheckpoint.Reader(d), fresh.partVersion());
        }
        if (name.equals("a")) {
            a = fresh;
        } else {
            b = fresh;
        }
        return fresh;
    }

    static byte[] snapshot(TcpHost h) {
        MemoryCheckpoint.Writer w = new MemoryCheckpoint.Writer();
        h.writeSnapshot(w);
        return w.toBytes();
    }

    static byte[] delta(TcpHost h) {
        MemoryCheckpoint.Writer w = new MemoryCheckpoint.Writer();
        h.writeDelta(w);
        return w.toBytes();
    }

    @Override
    public void close() {
        net.close();
    }
}
