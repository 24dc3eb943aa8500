package org.vroom.perf.forwarding;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vroom.fib.Ipv4Fib;
import org.vroom.fib.QuiescentStateDomain;
import org.vroom.kernel.dataplane.AdjacencyTable;
import org.vroom.kernel.dataplane.BindingTable;
import org.vroom.kernel.dataplane.ForwardingWorker;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.dataplane.Stats;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.packetio.InMemoryPortPair;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.RxBatch;
import org.vroom.packetio.codec.EthernetFlyweight;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.perf.FullTable;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The substrate forwarding path on in-memory ports with the full table in the VR's FIB: a host writes
 * 64 frames (64-byte IPv4/UDP, destinations drawn from the table's prefixes) into the router's input
 * port, the worker runs one duty cycle (receive, classify, validate, batched FIB lookup, TTL and
 * Ethernet rewrite, transmit), and the output host drains the 64 frames. One operation = one packet;
 * the score is ns per packet for the whole loop (the in-memory port copies included). {@code -prof gc}
 * shows the allocation per packet (0 expected).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ForwardingBenchmark {
    static final int BATCH = ForwardingWorker.BATCH;
    private static final int FRAME = 64;
    private static final int FRAMES = 1 << 14;

    @Param({"fulltable"})
    public String table;

    private InMemoryPortPair in;
    private InMemoryPortPair out;
    private VrDataPlane vr;
    private ForwardingWorker worker;
    private PacketPort hostIn;
    private PacketPort hostOut;
    private UnsafeBuffer frames;
    private RxBatch drain;
    private int cursor;
    private long forwardedBefore;

    @Setup(Level.Trial)
    public void setUp() {
        FullTable t = FullTable.load(FullTable.GLOBAL_TABLE_SIZE, 2024);
        in = InMemoryPortPair.create("in", "in-host", 1024, 1500);
        out = InMemoryPortPair.create("out", "out-host", 1024, 1500);
        hostIn = in.b();
        hostOut = out.b();
        PacketPort[] ports = {in.a(), out.a()};
        CountersManager cm = new CountersManager(new UnsafeBuffer(new byte[1 << 20]), new UnsafeBuffer(new byte[1 << 18]));
        Stats[] portStats = {stats(cm, "in", PortCounter.COUNT), stats(cm, "out", PortCounter.COUNT)};
        Vif vin = new Vif(0, "eth0", 0, EthernetFlyweight.NO_VLAN, Vif.macFor(1, 0), 0x0A000101, 24, 1500);
        Vif vout = new Vif(1, "eth1", 1, EthernetFlyweight.NO_VLAN, Vif.macFor(1, 1), 0x0A000201, 24, 1500);
        QuiescentStateDomain domain = new QuiescentStateDomain();
        Ipv4Fib fib = Ipv4Fib.dir24_8(1 << 16, 1 << 15, domain);
        vr = new VrDataPlane(1, "bench", 0, fib, new Vif[] {vin, vout}, 1 << 16, stats(cm, "vr", VrCounter.COUNT));
        int adj = vr.adjacencies.add(AdjacencyTable.FORWARD, 1, 0x0A000202);
        vr.adjacencies.resolve(adj, 0x02_aa_00_00_00_02L);
        for (int i = 0; i < t.size; i++) {
            fib.add(t.prefixes[i], t.lengths[i], adj);
        }
        BindingTable bindings = new BindingTable(2);
        bindings.bind(vr, vin);
        bindings.bind(vr, vout);
        worker = new ForwardingWorker("bench", ports, new int[] {0}, portStats, bindings, domain, 1 << 16);
        worker.onStart();
        int[] dst = t.prefixTrace(FRAMES, 11);
        frames = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FRAMES * FRAME, 64));
        for (int i = 0; i < FRAMES; i++) {
            int o = i * FRAME;
            EthernetFlyweight.writeHeader(frames, o, vin.mac, 0x02_aa_00_00_00_01L, EthernetFlyweight.ETHERTYPE_IPV4);
            int ipLen = FRAME - EthernetFlyweight.HEADER_LENGTH;
            Ipv4Flyweight.writeHeader(frames, o + 14, 0, ipLen, i, 0, 64, Ipv4Flyweight.PROTOCOL_UDP, 0x0A000102, dst[i]);
            frames.putShort(o + 34, (short) 40000, ByteOrder.BIG_ENDIAN);
            frames.putShort(o + 36, (short) 9, ByteOrder.BIG_ENDIAN);
            frames.putShort(o + 38, (short) (ipLen - 20), ByteOrder.BIG_ENDIAN);
        }
        drain = new RxBatch(BATCH);
        forwardedBefore = vr.stats.get(VrCounter.FORWARDED.ordinal());
    }

    private static Stats stats(CountersManager cm, String prefix, int n) {
        AtomicCounter[] c = new AtomicCounter[n];
        for (int i = 0; i < n; i++) {
            c[i] = cm.newCounter(prefix + "-" + i);
        }
        return new Stats(c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long forwarded = vr.stats.get(VrCounter.FORWARDED.ordinal()) - forwardedBefore;
        if (forwarded == 0) {
            throw new IllegalStateException("nothing was forwarded: the benchmark measured a drop path");
        }
        worker.onClose();
        vr.close();
        in.close();
        out.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int forward64() {
        int c = cursor;
        long base = frames.addressOffset();
        for (int i = 0; i < BATCH; i++) {
            // send() copies the frame into the ring, so the pattern keeps its TTL of 64
            hostIn.send(base + (long) c * FRAME, FRAME);
            c = (c + 1) & (FRAMES - 1);
        }
        hostIn.flush();
        cursor = c;
        int work = worker.doWork();
        int n = hostOut.receive(drain);
        hostOut.release();
        return work + n;
    }
}
