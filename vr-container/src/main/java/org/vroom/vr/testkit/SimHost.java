package org.vroom.vr.testkit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.VrHost;
import org.vroom.vr.loop.VrLoop;
import org.vroom.vr.shadow.DataPlaneHypervisor;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.SimpleCounter;
import org.vroom.vr.spi.TcpStack;
import org.vroom.vr.spi.VrInterface;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The in-memory {@link VrHost} of one VR in a {@link SimNetwork}: records what the VR sends, delivers
 * it to the VRs on the same simulated segment, queues what they send to it and hands it to the VR loop
 * through an inbound poller (so a frozen VR buffers it like on a node). Counters are plain heap counters
 * you can read by name; randomness is seeded. A test that runs a host stack installs it with
 * {@link #setTcp} so that {@code VrContext.tcp()} finds it; long transfers turn recording off with
 * {@link #recordSent(boolean)}.
 */
public final class SimHost implements VrHost {
    /** A datagram the VR sent. */
    public record Sent(int ifIndex, int nextHop, byte[] datagram) {
        @Override
        public String toString() {
            return "if " + ifIndex + " -> " + Ipv4Addresses.format(nextHop) + " (" + datagram.length + " bytes)";
        }
    }

    private record Inbound(int ifIndex, byte[] datagram) {
    }

    private final SimNetwork network;
    private final int vrId;
    private final DataPlaneHypervisor hypervisor;
    private final RandomGenerator random;
    private final List<Sent> sent = new ArrayList<>();
    private final ArrayDeque<Inbound> inbound = new ArrayDeque<>();
    private final Map<String, SimpleCounter> counters = new LinkedHashMap<>();
    private final List<String> interfaceChanges = new ArrayList<>();
    private final Map<Integer, SimNetwork.Segment> segments = new HashMap<>();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private SendStatus forcedStatus;
    private TcpStack tcp;
    private org.vroom.vr.spi.UdpStack udp;
    private boolean recordSent = true;

    SimHost(SimNetwork network, int vrId, DataPlaneHypervisor hypervisor, long seed) {
        this.network = network;
        this.vrId = vrId;
        this.hypervisor = hypervisor;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
        if (forcedStatus != null) {
            return forcedStatus;
        }
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        if (recordSent) {
            sent.add(new Sent(ifIndex, nextHop, copy));
        }
        SimNetwork.Segment segment = segments.get(ifIndex);
        if (segment != null) {
            segment.transmit(this, ifIndex, nextHop, copy);
        }
        return SendStatus.SENT;
    }

    @Override
    public DataPlaneHypervisor hypervisor() {
        return hypervisor;
    }

    @Override
    public void interfaceChanged(VrInterface before, VrInterface after) {
        interfaceChanges.add((before == null ? "-" : before.toString()) + " => " + (after == null ? "-" : after.toString()));
    }

    @Override
    public Counter counter(String name) {
        SimpleCounter c = new SimpleCounter(name);
        counters.put(name, c);
        return c;
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public TcpStack tcp() {
        return tcp;
    }

    /** The VR's TCP stack, as the kernel would provide it (null: none). */
    public void setUdp(org.vroom.vr.spi.UdpStack stack) {
        this.udp = stack;
    }

    @Override
    public org.vroom.vr.spi.UdpStack udp() {
        return udp;
    }

    public void setTcp(TcpStack stack) {
        this.tcp = stack;
    }

    /** Whether sent datagrams are kept for {@link #sent()} (default true). Delivery is not affected. */
    public void recordSent(boolean on) {
        this.recordSent = on;
    }

    /** The loop's inbound poller: hands queued datagrams to the VR (delivered, or buffered if frozen). */
    int poll(VrLoop loop, int limit) {
        int n = 0;
        while (n < limit && !inbound.isEmpty()) {
            Inbound p = inbound.poll();
            view.wrap(p.datagram());
            loop.receive(p.ifIndex(), view, 0, p.datagram().length);
            n++;
        }
        return n;
    }

    /** Queues a datagram as if received on {@code ifIndex} (delivered on the VR's next turn). */
    public void inject(int ifIndex, byte[] datagram) {
        inbound.add(new Inbound(ifIndex, datagram.clone()));
    }

    void attach(int ifIndex, SimNetwork.Segment segment) {
        segments.put(ifIndex, segment);
    }

    public int vrId() {
        return vrId;
    }

    public SimNetwork network() {
        return network;
    }

    /** What the VR sent so far. */
    public List<Sent> sent() {
        return sent;
    }

    /** What the VR sent since the last call, and forgets it. */
    public List<Sent> takeSent() {
        List<Sent> copy = new ArrayList<>(sent);
        sent.clear();
        return copy;
    }

    /** The value of counter {@code name} (0 if never allocated). */
    public long counter(String name, long ifMissing) {
        SimpleCounter c = counters.get(name);
        return c == null ? ifMissing : c.get();
    }

    /** Counters allocated and not yet closed. */
    public long openCounters() {
        return counters.values().stream().filter(c -> !c.isClosed()).count();
    }

    public List<String> interfaceChanges() {
        return interfaceChanges;
    }

    /** Makes every send return {@code status} (null: normal behaviour). */
    public void forceSendStatus(SendStatus status) {
        this.forcedStatus = status;
    }
}
