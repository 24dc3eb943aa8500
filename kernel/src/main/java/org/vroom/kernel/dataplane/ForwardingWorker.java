package org.vroom.kernel.dataplane;

import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.vroom.fib.Ipv4Fib;
import org.vroom.fib.QuiescentStateDomain;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.RxBatch;
import org.vroom.packetio.codec.EthernetFlyweight;
import org.vroom.packetio.codec.IcmpFlyweight;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.packetio.codec.MacAddress;
import org.vroom.packetio.codec.ValidationResult;

import java.util.Arrays;

/**
 * A substrate forwarding worker (an Agrona agent): receive a batch on each of its ports, classify
 * every frame to a VR through the binding table, validate IPv4 (RFC 1812 5.2.2), look all destinations
 * up in their VRs' FIBs in batches, then rewrite (TTL with an incremental checksum, Ethernet header,
 * VLAN tag) and queue each frame on its outgoing port; flush every port once per batch. Frames for
 * the VR itself, ARP, and packets whose next hop is not resolved are copied to the VR's punt ring.
 * ICMP time exceeded and destination unreachable are generated here, rate limited per VR. Punts are
 * policed per VR (a token bucket per VR on each worker, {@link VrDataPlane#puntPolicer(int, int)}): the
 * VR's own punt ring keeps its queue apart from the other VRs', the policer keeps a flood of one VR from
 * taking the time of the control thread all VRs share; what it drops is counted as
 * {@link VrCounter#PUNT_POLICED}.
 *
 * <p>The per-packet path allocates nothing, takes no lock and does not log: counters are tallied in
 * worker-local arrays and flushed once per batch. After each round the worker reports a quiescent
 * state to the FIBs' reclamation domain; before it blocks in poll(2) it goes offline.
 *
 * <p>Frames that the VR control planes want to send arrive on this worker's inject ring (any thread
 * writes, this worker reads) and go out with the next flush.
 */
public final class ForwardingWorker implements Agent {
    public static final int BATCH = 64;
    /** ICMP errors per VR per worker: 1,000 per second, bursts of 100. */
    static final int ICMP_RATE = 1000;
    static final int ICMP_BURST = 100;
    /** Room for the largest frame: MTU 9000 + a tagged Ethernet header, with headroom. */
    private static final int SCRATCH = 16 * 1024;
    private static final int SCRATCH_HEADROOM = 64;

    private final String name;
    private final PacketPort[] ports;
    private final int[] rxPorts;
    private final Stats[] portStats;
    private final BindingTable bindings;
    private final QuiescentStateDomain domain;
    private final ManyToOneRingBuffer inject;
    private QuiescentStateDomain.Reader reader;

    private final RxBatch batch = new RxBatch(BATCH);
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer txView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SCRATCH, 64));
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Ipv4Flyweight quoted = new Ipv4Flyweight();

    // per-batch staging of IPv4 packets to look up
    private final int[] dst = new int[BATCH];
    private final int[] nextHop = new int[BATCH];
    private final int[] stagedFrame = new int[BATCH];
    private final int[] stagedL3 = new int[BATCH];
    private final VrDataPlane[] stagedVr = new VrDataPlane[BATCH];
    private final Vif[] stagedVif = new Vif[BATCH];
    private final int[] lookupIn = new int[BATCH];
    private final int[] lookupOut = new int[BATCH];

    private final long[][] portTally;
    private final boolean[] txPending;
    private long[][] vrTally = new long[16][];
    private VrDataPlane[] vrBySlot = new VrDataPlane[16];
    private TokenBucket[] icmpLimit = new TokenBucket[16];
    private TokenBucket[] puntLimit = new TokenBucket[16];
    /** Per VR slot: the {@link VrDataPlane#puntPolicer()} value {@link #puntLimit} was built from (0: none). */
    private long[] puntPolicerBySlot = new long[16];
    private final int[] touched = new int[BATCH + 1];
    private int touchedCount;
    /** Per VR slot: the round in which its tally was last listed in {@link #touched}. */
    private long[] touchedRound = new long[16];
    /** Advanced by {@link #flushTallies}, which ends every round; starts above the arrays' initial 0. */
    private long round = 1;
    private long now;
    private long lastPortStatistics;
    private static final long PORT_STATISTICS_NANOS = 1_000_000_000L;
    private int ipIdentification;
    private final org.agrona.concurrent.MessageHandler injectHandler = this::onInject;
    /** Wakes the control thread after a round that punted something (it may be parked while idle). */
    private volatile Runnable puntWakeup = () -> { };
    private boolean punted;

    /**
     * @param ports    every substrate port, by node port index (this worker may transmit on any)
     * @param rxPorts  the indices of the ports this worker receives from
     */
    public ForwardingWorker(String name, PacketPort[] ports, int[] rxPorts, Stats[] portStats, BindingTable bindings,
                            QuiescentStateDomain domain, int injectCapacity) {
        this.name = name;
        this.ports = ports;
        this.rxPorts = rxPorts.clone();
        this.portStats = portStats;
        this.bindings = bindings;
        this.domain = domain;
        this.inject = new ManyToOneRingBuffer(new UnsafeBuffer(
                BufferUtil.allocateDirectAligned(injectCapacity + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.portTally = new long[ports.length][PortCounter.COUNT];
        this.txPending = new boolean[ports.length];
    }

    /** The ring through which control planes transmit frames: message type = port index + 1, body = frame. */
    public ManyToOneRingBuffer injectRing() {
        return inject;
    }

    @Override
    public void onStart() {
        reader = domain.register();
    }

    @Override
    public void onClose() {
        if (reader != null) {
            reader.close();
        }
    }

    /** Sets what wakes the control planes' thread after this worker punted frames to it. */
    public void puntWakeup(Runnable wakeup) {
        this.puntWakeup = wakeup;
    }

    /** Called by the idle strategy around blocking waits. */
    public void offline() {
        if (reader != null) {
            reader.offline();
        }
    }

    public void online() {
        if (reader != null) {
            reader.online();
        }
    }

    @Override
    public String roleName() {
        return name;
    }

    @Override
    public int doWork() {
        now = System.nanoTime();
        int work = 0;
        for (int p : rxPorts) {
            PacketPort port = ports[p];
            int n = port.receive(batch);
            if (n > 0) {
                work += n;
                processBatch(p, n);
                port.release();
            }
        }
        work += inject.read(injectHandler, BATCH);
        flushPorts();
        flushTallies();
        if (punted) {
            punted = false;
            puntWakeup.run();
        }
        if (now - lastPortStatistics > PORT_STATISTICS_NANOS) {
            lastPortStatistics = now;
            publishPortStatistics();
        }
        if (reader != null) {
            reader.quiescent();
        }
        return work;
    }

    private void processBatch(int portIndex, int n) {
        long[] pt = portTally[portIndex];
        int staged = 0;
        for (int i = 0; i < n; i++) {
            int len = batch.length(i);
            pt[PortCounter.RX_FRAMES.ordinal()]++;
            pt[PortCounter.RX_BYTES.ordinal()] += len;
            frame.wrap(batch.address(i), len);
            eth.wrap(frame, 0, len);
            if (eth.validate() != ValidationResult.OK) {
                pt[PortCounter.RX_MALFORMED.ordinal()]++;
                continue;
            }
            BindingTable.Binding b = bindings.lookup(portIndex, eth.vlanId());
            if (b == null) {
                pt[PortCounter.RX_UNBOUND.ordinal()]++;
                continue;
            }
            VrDataPlane vr = b.vr();
            Vif vif = b.vif();
            long[] t = tally(vr);
            long dmac = MacAddress.read(frame, EthernetFlyweight.DESTINATION_MAC_OFFSET);
            boolean linkMulticast = MacAddress.isMulticast(dmac);
            if (dmac != vif.mac && !linkMulticast) {
                t[VrCounter.DROP_NOT_FOR_US.ordinal()]++;
                continue;
            }
            int etherType = eth.etherType();
            if (etherType == EthernetFlyweight.ETHERTYPE_ARP) {
                punt(vr, t, Punt.ARP, vif.index, 0, len, 0);
                continue;
            }
            if (etherType != EthernetFlyweight.ETHERTYPE_IPV4) {
                t[VrCounter.DROP_OTHER_ETHERTYPE.ordinal()]++;
                continue;
            }
            t[VrCounter.RX_PACKETS.ordinal()]++;
            int l3 = eth.payloadOffset();
            ip.wrap(frame, l3, len - l3);
            int v = ip.validate();
            if (v != ValidationResult.OK) {
                t[v == ValidationResult.IPV4_BAD_CHECKSUM ? VrCounter.DROP_BAD_CHECKSUM.ordinal()
                        : v == ValidationResult.IPV4_BAD_VERSION ? VrCounter.DROP_BAD_VERSION.ordinal()
                        : VrCounter.DROP_BAD_LENGTH.ordinal()]++;
                continue;
            }
            int d = ip.destination();
            if (Ipv4Addresses.isMulticast(d) || Ipv4Addresses.isLimitedBroadcast(d)) {
                if (Ipv4Addresses.isLinkLocalMulticast(d) || Ipv4Addresses.isLimitedBroadcast(d)) {
                    punt(vr, t, Punt.LOCAL, vif.index, 0, len, batch.flags(i));
                } else {
                    t[VrCounter.DROP_MULTICAST.ordinal()]++;
                }
                continue;
            }
            if (Ipv4Addresses.classifySource(ip.source()) != ValidationResult.OK
                    || Ipv4Addresses.classifyDestination(d) != ValidationResult.OK) {
                t[VrCounter.DROP_MARTIAN.ordinal()]++;
                continue;
            }
            if (linkMulticast) {
                // a unicast IP packet in a link-layer broadcast (RFC 1812 5.3.4): not forwarded
                t[VrCounter.DROP_MULTICAST.ordinal()]++;
                continue;
            }
            dst[staged] = d;
            stagedFrame[staged] = i;
            stagedL3[staged] = l3;
            stagedVr[staged] = vr;
            stagedVif[staged] = vif;
            staged++;
        }
        if (staged == 0) {
            return;
        }
        lookup(staged);
        for (int k = 0; k < staged; k++) {
            forward(k);
            stagedVr[k] = null;
            stagedVif[k] = null;
        }
    }

    /** Batched FIB lookups, one lookupBatch per run of packets of the same VR. */
    private void lookup(int staged) {
        int start = 0;
        while (start < staged) {
            VrDataPlane vr = stagedVr[start];
            int end = start + 1;
            while (end < staged && stagedVr[end] == vr) {
                end++;
            }
            int m = end - start;
            if (m == 1) {
                nextHop[start] = vr.fib.lookup(dst[start]);
            } else {
                System.arraycopy(dst, start, lookupIn, 0, m);
                vr.fib.lookupBatch(lookupIn, lookupOut, m);
                System.arraycopy(lookupOut, 0, nextHop, start, m);
            }
            start = end;
        }
    }

    private void forward(int k) {
        int i = stagedFrame[k];
        VrDataPlane vr = stagedVr[k];
        Vif in = stagedVif[k];
        long[] t = tally(vr);
        int len = batch.length(i);
        frame.wrap(batch.address(i), len);
        int l3 = stagedL3[k];
        ip.wrap(frame, l3, len - l3);
        int nh = nextHop[k];
        if (nh == Ipv4Fib.NO_ROUTE) {
            t[VrCounter.DROP_NO_ROUTE.ordinal()]++;
            icmpError(vr, t, in, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_NET_UNREACHABLE, 0);
            return;
        }
        AdjacencyTable.Arrays3 adj = vr.adjacencies.arrays();
        int kind = adj.kind(nh);
        switch (kind) {
            case AdjacencyTable.LOCAL -> {
                punt(vr, t, Punt.LOCAL, in.index, 0, len, batch.flags(i));
                return;
            }
            case AdjacencyTable.DROP -> {
                t[VrCounter.DROP_BLACKHOLE.ordinal()]++;
                return;
            }
            case AdjacencyTable.REJECT -> {
                t[VrCounter.DROP_BLACKHOLE.ordinal()]++;
                icmpError(vr, t, in, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_HOST_UNREACHABLE, 0);
                return;
            }
            default -> {
            }
        }
        if (ip.ttl() <= 1) {
            t[VrCounter.DROP_TTL_EXPIRED.ordinal()]++;
            icmpError(vr, t, in, IcmpFlyweight.TYPE_TIME_EXCEEDED, IcmpFlyweight.CODE_TTL_EXCEEDED_IN_TRANSIT, 0);
            return;
        }
        long mac = kind == AdjacencyTable.FORWARD ? adj.mac(nh) : 0;
        if (mac == 0) {
            int hop = kind == AdjacencyTable.GLEAN ? ip.destination() : adj.nextHop(nh);
            punt(vr, t, Punt.RESOLVE, in.index, hop, len, batch.flags(i));
            return;
        }
        Vif out = vr.vif(adj.vif(nh));
        int total = ip.totalLength();
        if (total > out.mtu) {
            if (ip.dontFragment()) {
                t[VrCounter.FRAGMENTATION_NEEDED.ordinal()]++;
                icmpError(vr, t, in, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE,
                        IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, out.mtu & 0xFFFF);
            } else {
                punt(vr, t, Punt.FRAGMENT, in.index, adj.nextHop(nh), len, batch.flags(i));
            }
            return;
        }
        ip.decrementTtl();
        if ((batch.flags(i) & RxBatch.FLAG_CHECKSUM_PARTIAL) != 0) {
            PartialChecksum.complete(ip);
        }
        // Ethernet padding beyond the IP datagram is not carried over
        int end = l3 + total;
        if (transmit(vr, t, out, mac, batch.address(i), l3, end)) {
            t[VrCounter.FORWARDED.ordinal()]++;
        }
    }

    /**
     * Sends the IPv4 datagram at {@code [base + l3, base + end)} out of {@code out} to {@code mac}: the new
     * Ethernet header is written in place just before the datagram when it fits (same or shorter header),
     * else the frame is assembled in the scratch buffer. Returns whether the port took the frame.
     */
    private boolean transmit(VrDataPlane vr, long[] t, Vif out, long mac, long base, int l3, int end) {
        int h = out.headerLength();
        PacketPort port = ports[out.portIndex];
        boolean sent;
        if (h <= l3) {
            int start = l3 - h;
            txView.wrap(base + start, end - start);
            EthernetFlyweight.writeHeader(txView, 0, mac, out.mac, out.vlan, EthernetFlyweight.ETHERTYPE_IPV4);
            sent = port.send(base + start, end - start);
        } else {
            int payload = end - l3;
            if (h + payload > SCRATCH) {
                t[VrCounter.FRAGMENTATION_NEEDED.ordinal()]++;
                return false;
            }
            EthernetFlyweight.writeHeader(scratch, 0, mac, out.mac, out.vlan, EthernetFlyweight.ETHERTYPE_IPV4);
            org.agrona.UnsafeApi.copyMemory(base + l3, scratch.addressOffset() + h, payload);
            sent = port.send(scratch, 0, h + payload);
        }
        countTx(out.portIndex, sent, end - l3 + h);
        if (sent) {
            t[VrCounter.TX_PACKETS.ordinal()]++;
        } else {
            t[VrCounter.DROP_TX_FULL.ordinal()]++;
        }
        return sent;
    }

    private void countTx(int portIndex, boolean sent, int bytes) {
        long[] pt = portTally[portIndex];
        if (sent) {
            pt[PortCounter.TX_FRAMES.ordinal()]++;
            pt[PortCounter.TX_BYTES.ordinal()] += bytes;
            txPending[portIndex] = true;
        } else {
            pt[PortCounter.TX_RING_FULL.ordinal()]++;
        }
    }

    /**
     * An ICMP error about the packet in {@code ip}, from the address of the interface it arrived on
     * (RFC 1812 4.3.2.4), routed back through the VR's FIB. Suppressed per RFC 1812 4.3.2.7 and rate
     * limited per VR.
     */
    private void icmpError(VrDataPlane vr, long[] t, Vif in, int type, int code, int restOfHeader) {
        long dmac = MacAddress.read(frame, EthernetFlyweight.DESTINATION_MAC_OFFSET);
        if (IcmpFlyweight.errorSuppression(ip, MacAddress.isMulticast(dmac)) != ValidationResult.OK
                || ip.source() == in.broadcast()) {
            t[VrCounter.ICMP_SUPPRESSED.ordinal()]++;
            return;
        }
        if (!limiter(vr).tryAcquire(now)) {
            t[VrCounter.ICMP_RATE_LIMITED.ordinal()]++;
            return;
        }
        int back = ip.source();
        int nh = vr.fib.lookup(back);
        if (nh == Ipv4Fib.NO_ROUTE) {
            t[VrCounter.ICMP_SUPPRESSED.ordinal()]++;
            return;
        }
        AdjacencyTable.Arrays3 adj = vr.adjacencies.arrays();
        int kind = adj.kind(nh);
        if (kind != AdjacencyTable.FORWARD && kind != AdjacencyTable.GLEAN) {
            t[VrCounter.ICMP_SUPPRESSED.ordinal()]++; // the source is ourselves or behind a drop route
            return;
        }
        long mac = kind == AdjacencyTable.FORWARD ? adj.mac(nh) : 0;
        int l3 = SCRATCH_HEADROOM;
        int length = IcmpFlyweight.writeErrorDatagram(scratch, l3, in.address, ++ipIdentification & 0xFFFF,
                type, code, restOfHeader, ip);
        if (mac == 0) {
            // the source is not resolved yet: the control plane resolves it and sends the error after ARP
            EthernetFlyweight.writeHeader(scratch, l3 - EthernetFlyweight.HEADER_LENGTH, 0L, 0L,
                    EthernetFlyweight.ETHERTYPE_IPV4);
            punt(vr, t, Punt.SEND, in.index, 0, scratch, l3 - EthernetFlyweight.HEADER_LENGTH,
                    EthernetFlyweight.HEADER_LENGTH + length, 0);
        } else {
            Vif out = vr.vif(adj.vif(nh));
            if (!transmit(vr, t, out, mac, scratch.addressOffset(), l3, l3 + length)) {
                return;
            }
        }
        t[(type == IcmpFlyweight.TYPE_TIME_EXCEEDED ? VrCounter.ICMP_TIME_EXCEEDED_SENT : VrCounter.ICMP_UNREACHABLE_SENT)
                .ordinal()]++;
    }

    /** Copies the frame in {@code frame} to the VR's punt ring with a {@link Punt} header. */
    private void punt(VrDataPlane vr, long[] t, int reason, int vifIndex, int hop, int len, int rxFlags) {
        punt(vr, t, reason, vifIndex, hop, frame, 0, len, rxFlags);
    }

    private void punt(VrDataPlane vr, long[] t, int reason, int vifIndex, int hop, UnsafeBuffer source, int offset,
                      int len, int rxFlags) {
        if (!puntPolicer(vr).tryAcquire(now)) {
            t[VrCounter.PUNT_POLICED.ordinal()]++;
            return;
        }
        ManyToOneRingBuffer ring = vr.punt;
        if (Punt.HEADER_LENGTH + len > ring.maxMsgLength()) {
            t[VrCounter.PUNT_QUEUE_FULL.ordinal()]++;
            return;
        }
        int index = ring.tryClaim(Punt.typeId(reason, vifIndex), Punt.HEADER_LENGTH + len);
        if (index <= 0) {
            t[VrCounter.PUNT_QUEUE_FULL.ordinal()]++;
            return;
        }
        MutableDirectBuffer rb = ring.buffer();
        rb.putInt(index + Punt.NEXT_HOP_OFFSET, hop);
        rb.putInt(index + Punt.RX_FLAGS_OFFSET, rxFlags);
        rb.putBytes(index + Punt.HEADER_LENGTH, source, offset, len);
        ring.commit(index);
        t[VrCounter.PUNTED.ordinal()]++;
        punted = true;
    }

    private void onInject(int typeId, MutableDirectBuffer buffer, int index, int length) {
        int p = typeId - 1;
        if (p < 0 || p >= ports.length) {
            return;
        }
        boolean sent = ports[p].send(buffer, index, length);
        countTx(p, sent, length);
    }

    private void flushPorts() {
        for (int p = 0; p < txPending.length; p++) {
            if (txPending[p]) {
                txPending[p] = false;
                ports[p].flush();
            }
        }
    }

    /** Once a second: the kernel's ring drop count (a syscall per AF_PACKET port), into the port counters. */
    private void publishPortStatistics() {
        for (int p : rxPorts) {
            PacketPort port = ports[p];
            if (port instanceof org.vroom.packetio.AfPacketPort af) {
                af.refreshStatistics();
            }
            portStats[p].counter(PortCounter.RX_RING_DROPS.ordinal()).setRelease(port.counters().rxDrops());
        }
    }

    private long[] tally(VrDataPlane vr) {
        int s = vr.slot;
        if (s >= vrTally.length) {
            int n = Math.max(s + 1, vrTally.length * 2);
            vrTally = Arrays.copyOf(vrTally, n);
            vrBySlot = Arrays.copyOf(vrBySlot, n);
            icmpLimit = Arrays.copyOf(icmpLimit, n);
            puntLimit = Arrays.copyOf(puntLimit, n);
            puntPolicerBySlot = Arrays.copyOf(puntPolicerBySlot, n);
            touchedRound = Arrays.copyOf(touchedRound, n);
        }
        long[] t = vrTally[s];
        if (t == null || vrBySlot[s] != vr) {
            // first packet of this VR on this worker (or a new VR reusing the slot): once per VR
            t = new long[VrCounter.COUNT];
            vrTally[s] = t;
            vrBySlot[s] = vr;
            icmpLimit[s] = new TokenBucket(ICMP_RATE, ICMP_BURST);
            puntPolicerBySlot[s] = 0; // the punt policer is built at this VR's first punt
        }
        if (touchedRound[s] != round) {
            touchedRound[s] = round;
            if (touchedCount == touched.length) {
                flushTallies(); // more VRs in one round than a batch has frames: flush early
            }
            touched[touchedCount++] = s;
        }
        return t;
    }

    private TokenBucket limiter(VrDataPlane vr) {
        return icmpLimit[vr.slot];
    }

    /**
     * The VR's punt policer on this worker, rebuilt (full) when the VR's setting changed: an allocation per
     * change of setting, none per packet. Only called after {@link #tally} saw the VR.
     */
    private TokenBucket puntPolicer(VrDataPlane vr) {
        int s = vr.slot;
        long policy = vr.puntPolicer();
        if (puntPolicerBySlot[s] != policy) {
            puntLimit[s] = new TokenBucket((int) (policy >>> 32), (int) policy);
            puntPolicerBySlot[s] = policy;
        }
        return puntLimit[s];
    }

    private void flushTallies() {
        round++;
        for (int i = 0; i < touchedCount; i++) {
            int s = touched[i];
            vrBySlot[s].stats.flush(vrTally[s]);
        }
        touchedCount = 0;
        for (int p = 0; p < portTally.length; p++) {
            portStats[p].flush(portTally[p]);
        }
    }
}
