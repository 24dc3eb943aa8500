package org.vroom.kernel.control;

import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.vroom.fib.Ipv4Fib;
import org.vroom.kernel.dataplane.AdjacencyTable;
import org.vroom.kernel.dataplane.Punt;
import org.vroom.kernel.dataplane.TokenBucket;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.packetio.codec.ArpFlyweight;
import org.vroom.packetio.codec.EthernetFlyweight;
import org.vroom.packetio.codec.IcmpFlyweight;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.packetio.codec.MacAddress;
import org.vroom.packetio.codec.ValidationResult;
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.loop.VrLoop;
import org.vroom.vr.spi.SendStatus;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The link and ICMP layer of one VR's host stack, between the substrate and the VR's loop: ARP
 * (answering for the VR's addresses, resolving next hops with a bounded queue of waiting packets, a
 * neighbour cache with reachable time, probing and failure hold-down), ICMP echo for the VR's
 * addresses, ICMP port and protocol unreachable for what the VR does not serve, and sending the packets
 * that waited for ARP. Datagrams for a protocol the VR serves (TCP, OSPF, ...: a handler registered
 * through the VR SPI) go to the VR's loop ({@link VrLoop#receive}), and the VR's own datagrams leave
 * through {@link #sendIp}.
 *
 * <p>It runs on the VR's loop: {@link #poll} is the loop's punt-ring poller (it reads nothing while the
 * VR is frozen, so the punts wait in the VR's bounded punt ring, in order), its timers are loop timers,
 * and it is, with the hypervisor applying shadowd's batches on the same loop, the single writer of the
 * VR's FIB and adjacency table.
 */
public final class VrControlPlane implements org.vroom.checkpoint.Checkpointable {
    /** How long a neighbour stays reachable after its last confirmation (Linux: 15..45 s). */
    static final long REACHABLE_NANOS = 30_000_000_000L;
    static final long RETRY_NANOS = 1_000_000_000L;
    static final int MAX_TRIES = 3;
    /** After failing to resolve, packets to that neighbour are answered with host unreachable for this long. */
    static final long FAILED_HOLD_NANOS = 3_000_000_000L;
    /** Packets queued per unresolved neighbour, and in total per VR. */
    static final int PENDING_PER_NEIGHBOUR = 64;
    static final int PENDING_PER_VR = 1024;
    private static final long TIMER_PERIOD_NANOS = 100_000_000L;

    private final VrDataPlane vr;
    private final RingBuffer tx;
    private final Runnable txWakeup;
    private LongSupplier clock;
    /** Neighbours changed since the last checkpoint round (by address); all of them when {@code allDirty}. */
    private final org.agrona.collections.IntHashSet dirty = new org.agrona.collections.IntHashSet();
    private final Int2ObjectHashMap<Neighbour> neighbours = new Int2ObjectHashMap<>();
    private final TokenBucket icmpLimit = new TokenBucket(1000, 100);
    /** Frames are built in the first half (room for MTU 9000 + headers); the second half is scratch. */
    private static final int OUT_HALF = 16 * 1024;
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2 * OUT_HALF, 64));
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer heapView = new UnsafeBuffer(new byte[0]);
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final MessageHandler puntHandler = this::onPunt;
    private int pendingTotal;
    private int identification;
    private VirtualRouter router;
    private VrLoop loop;

    /**
     * @param tx       the ring of the worker that transmits for this VR (message type = port index + 1)
     * @param txWakeup wakes that worker if it is blocked in poll(2)
     */
    public VrControlPlane(VrDataPlane vr, RingBuffer tx, Runnable txWakeup, LongSupplier clock) {
        this.vr = vr;
        this.tx = tx;
        this.txWakeup = txWakeup;
        this.clock = clock;
    }

    public VrDataPlane dataPlane() {
        return vr;
    }

    /**
     * Attaches the VR this host stack serves: inbound datagrams of the protocols it registered go to its
     * loop, and the neighbour timers run there (every 100 ms while the VR runs; not while it is frozen).
     * Call once, on the loop (or before it runs on a thread), after the VR is created.
     */
    public void attach(VirtualRouter router) {
        this.router = router;
        this.loop = router.loop();
        this.clock = loop::nanoTime; // stands still while the VR is frozen
        loop.schedule(this, TIMER_PERIOD_NANOS, this::tick);
    }

    /** Uses {@code clock} instead of the loop's (tests that drive this class without a VR). */
    void useClock(LongSupplier testClock) {
        this.clock = testClock;
    }

    /** Runs the neighbour timers now (tests). */
    void runTimers() {
        timers(clock.getAsLong());
    }

    private void tick() {
        timers(clock.getAsLong());
        loop.schedule(this, TIMER_PERIOD_NANOS, this::tick);
    }

    /** The loop's punt-ring poller: handles up to {@code limit} punted frames, none while frozen. */
    public int poll(VrLoop polling, int limit) {
        if (polling.isFrozen()) {
            return 0;
        }
        return vr.punt.read(puntHandler, limit);
    }

    /**
     * Announces every interface with a gratuitous ARP (RFC 5227 announcement: sender = target = our
     * address), so that neighbours that cached another MAC for the address (a VR that was replaced, or one
     * that moved here) update it at once.
     */
    public void announce() {
        for (Vif v : vr.vifs()) {
            announce(v);
        }
    }

    private void announce(Vif v) {
        int len = ArpFlyweight.writeRequestFrame(out, 0, v.mac, v.vlan, v.address, v.address);
        send(v, out, 0, len);
        vr.stats.add(VrCounter.ARP_REQUESTS_SENT.ordinal(), 1);
    }

    // ------------------------------------------------------------------------------------------
    // configuration-time helpers (called on the VR loop before or while it runs)
    // ------------------------------------------------------------------------------------------

    /** The adjacency for next hop {@code ip} on {@code vif}, created unresolved if new. */
    public int adjacencyFor(Vif vif, int nextHop) {
        Neighbour n = neighbour(vif, nextHop);
        if (n.adjacency < 0) {
            n.adjacency = vr.adjacencies.add(AdjacencyTable.FORWARD, vif.index, nextHop);
            if (n.state == Neighbour.State.REACHABLE || n.state == Neighbour.State.PROBE) {
                vr.adjacencies.resolve(n.adjacency, n.mac);
            } else if (n.state == Neighbour.State.INCOMPLETE && n.tries == 0) {
                sendArpRequest(n, -1L); // a gateway of a new route: resolve it before traffic needs it
            }
        }
        return n.adjacency;
    }

    /**
     * Interface {@code vifIndex} was moved to another port or VLAN: what its neighbours' MACs were is no
     * longer known (as Linux flushes a link's neighbours when the link changes). Every neighbour on it is
     * forgotten, the gateways that routes use are resolved again at once, and the interface is announced
     * with a gratuitous ARP on its new link.
     */
    public void linkChanged(int vifIndex) {
        List<Neighbour> regateways = new ArrayList<>();
        for (Iterator<Neighbour> it = neighbours.values().iterator(); it.hasNext(); ) {
            Neighbour n = it.next();
            if (n.vifIndex != vifIndex) {
                continue;
            }
            if (forget(n)) {
                it.remove();
            } else {
                regateways.add(n);
            }
        }
        announce(vr.vif(vifIndex));
        for (Neighbour n : regateways) {
            sendArpRequest(n, -1L);
        }
    }

    /** Starts resolving {@code ip} now (for example the gateways of static routes at start-up). */
    public void resolve(Vif vif, int nextHop) {
        Neighbour n = neighbour(vif, nextHop);
        if (n.state == Neighbour.State.INCOMPLETE && n.tries == 0) {
            sendArpRequest(n, -1L);
        }
    }

    private Neighbour neighbour(Vif vif, int addr) {
        Neighbour n = neighbours.get(addr);
        if (n == null) {
            n = new Neighbour(addr, vif.index);
            neighbours.put(addr, n);
        }
        dirty.add(addr); // callers change it
        return n;
    }

    // ------------------------------------------------------------------------------------------
    // checkpoint (part "arp"): the neighbour cache with its adjacencies, deadlines as remaining time,
    // and the datagrams waiting for resolution
    // ------------------------------------------------------------------------------------------

    @Override
    public String partName() {
        return "arp";
    }

    @Override
    public int partVersion() {
        return 1;
    }

    /**
     * Deadlines travel as absolute times of the writing VR's clock, with that clock's reading in every
     * section: a neighbour written in an early round and unchanged since keeps its true deadline, which
     * the restoring side converts to its own clock with the time of the latest section it applied.
     */
    @Override
    public void writeSnapshot(org.vroom.checkpoint.CheckpointWriter out) {
        out.putLong(clock.getAsLong());
        out.putInt(identification);
        out.putVarInt(neighbours.size());
        for (Neighbour n : neighbours.values()) {
            writeNeighbour(out, n);
        }
        dirty.clear();
    }

    @Override
    public void writeDelta(org.vroom.checkpoint.CheckpointWriter out) {
        out.putLong(clock.getAsLong());
        out.putInt(identification);
        out.putVarInt(dirty.size());
        for (org.agrona.collections.IntHashSet.IntIterator it = dirty.iterator(); it.hasNext(); ) {
            int ip = it.nextValue();
            Neighbour n = neighbours.get(ip);
            if (n == null) {
                out.putBoolean(false).putInt(ip);
            } else {
                out.putBoolean(true);
                writeNeighbour(out, n);
            }
        }
        dirty.clear();
    }

    private void writeNeighbour(org.vroom.checkpoint.CheckpointWriter out, Neighbour n) {
        out.putInt(n.ip).putVarInt(n.vifIndex).putInt(n.adjacency).putBoolean(n.hostRoute).putLong(n.mac)
                .putByte(n.state.ordinal()).putLong(n.deadline).putVarInt(n.tries).putVarInt(n.pending.size());
        for (byte[] p : n.pending) {
            out.putBytes(p, 0, p.length);
        }
    }

    @Override
    public void restoreSnapshot(org.vroom.checkpoint.CheckpointReader in, int version) {
        checkVersion(version);
        neighbours.clear();
        pendingTotal = 0;
        restoreOffset = 0;
        rebase(in.getLong());
        identification = in.getInt();
        for (int i = in.getVarInt(); i > 0; i--) {
            readNeighbour(in);
        }
    }

    @Override
    public void applyDelta(org.vroom.checkpoint.CheckpointReader in, int version) {
        checkVersion(version);
        rebase(in.getLong());
        identification = in.getInt();
        for (int i = in.getVarInt(); i > 0; i--) {
            if (in.getBoolean()) {
                readNeighbour(in);
            } else {
                Neighbour gone = neighbours.remove(in.getInt());
                if (gone != null) {
                    pendingTotal -= gone.pending.size();
                }
            }
        }
    }

    /** This clock minus the writing clock, as of the latest section applied. */
    private long restoreOffset;

    /** A section written at {@code writerNow}: deadlines restored so far move to the new offset. */
    private void rebase(long writerNow) {
        long offset = clock.getAsLong() - writerNow;
        long shift = offset - restoreOffset;
        if (shift != 0) {
            for (Neighbour n : neighbours.values()) {
                n.deadline += shift;
            }
        }
        restoreOffset = offset;
    }

    private static void checkVersion(int version) {
        if (version != 1) {
            throw new org.vroom.checkpoint.CheckpointFormatException("part arp: version " + version
                    + " is not one this node reads (1)");
        }
    }

    /**
     * Reads one neighbour. The adjacency index is the data plane's: a restore on the same node keeps the
     * VR's data plane (FIB and adjacencies), so it still holds this neighbour's MAC.
     */
    private void readNeighbour(org.vroom.checkpoint.CheckpointReader in) {
        int ip = in.getInt();
        int vifIndex = in.getVarInt();
        if (vifIndex >= vr.vifs().length) {
            throw new org.vroom.checkpoint.CheckpointFormatException("part arp: neighbour on interface " + vifIndex
                    + ", the VR has " + vr.vifs().length);
        }
        Neighbour n = new Neighbour(ip, vifIndex);
        n.adjacency = in.getInt();
        n.hostRoute = in.getBoolean();
        n.mac = in.getLong();
        int state = in.getByte();
        if (state < 0 || state >= Neighbour.State.values().length) {
            throw new org.vroom.checkpoint.CheckpointFormatException("part arp: neighbour state " + state);
        }
        n.state = Neighbour.State.values()[state];
        n.deadline = in.getLong() + restoreOffset;
        n.tries = in.getVarInt();
        for (int p = in.getVarInt(); p > 0; p--) {
            n.pending.add(in.getBytes());
            pendingTotal++;
        }
        Neighbour old = neighbours.put(ip, n);
        if (old != null) {
            pendingTotal -= old.pending.size();
        }
    }

    /** A description of the whole neighbour cache, for round-trip tests: equal caches give equal text. */
    public String describeState() {
        long now = clock.getAsLong();
        java.util.TreeMap<Integer, String> sorted = new java.util.TreeMap<>(Integer::compareUnsigned);
        for (Neighbour n : neighbours.values()) {
            StringBuilder b = new StringBuilder().append(org.vroom.packetio.codec.Ipv4Addresses.format(n.ip))
                    .append(" if").append(n.vifIndex).append(" adj").append(n.adjacency).append(n.hostRoute ? " host" : "")
                    .append(' ').append(MacAddress.format(n.mac)).append(' ').append(n.state).append(" in ")
                    .append(n.deadline - now).append(" tries ").append(n.tries).append(" pending");
            for (byte[] p : n.pending) {
                b.append(' ').append(java.util.HexFormat.of().formatHex(p));
            }
            sorted.put(n.ip, b.toString());
        }
        return "id " + identification + " " + sorted.values();
    }

    /** One neighbour as management shows it. */
    public record NeighbourView(int address, long mac, String state, String interfaceName) {
    }

    /** The neighbour cache. VR loop only (use {@link #call}). */
    public List<NeighbourView> neighbours() {
        List<NeighbourView> list = new ArrayList<>();
        for (Neighbour n : neighbours.values()) {
            list.add(new NeighbourView(n.ip, n.mac, n.state.name().toLowerCase(java.util.Locale.ROOT), vr.vif(n.vifIndex).name));
        }
        return list;
    }

    /** A snapshot for management and tests: ip, MAC (0 if unresolved), state. */
    public List<String> neighbourSummary() {
        List<String> lines = new ArrayList<>();
        for (NeighbourView n : neighbours()) {
            lines.add(org.vroom.packetio.codec.Ipv4Addresses.format(n.address()) + " " + MacAddress.format(n.mac())
                    + " " + n.state().toUpperCase(java.util.Locale.ROOT) + " " + n.interfaceName());
        }
        return lines;
    }

    // ------------------------------------------------------------------------------------------
    // punted frames
    // ------------------------------------------------------------------------------------------

    private void onPunt(int typeId, MutableDirectBuffer buffer, int index, int length) {
        int reason = Punt.reason(typeId);
        Vif in = vr.vif(Punt.vif(typeId));
        int hop = buffer.getInt(index + Punt.NEXT_HOP_OFFSET);
        int frameOffset = index + Punt.HEADER_LENGTH;
        int frameLength = length - Punt.HEADER_LENGTH;
        eth.wrap(buffer, frameOffset, frameLength);
        if (eth.validate() != ValidationResult.OK) {
            return;
        }
        int l3 = eth.payloadOffset();
        int l3Length = frameOffset + frameLength - l3;
        switch (reason) {
            case Punt.ARP -> onArp(in, buffer, l3, l3Length);
            case Punt.LOCAL -> {
                completeChecksum(buffer, index, l3, l3Length);
                onLocal(in, buffer, l3, l3Length);
            }
            case Punt.RESOLVE -> {
                completeChecksum(buffer, index, l3, l3Length);
                onResolve(in, hop, buffer, l3, l3Length);
            }
            case Punt.FRAGMENT -> vr.stats.add(VrCounter.FRAGMENTATION_NEEDED.ordinal(), 1);
            case Punt.SEND -> {
                ip.wrap(buffer, l3, l3Length);
                if (ip.validate() == ValidationResult.OK) {
                    route(buffer, l3, ip.totalLength());
                }
            }
            default -> {
            }
        }
    }

    /** A frame a Linux sender left with a partial TCP/UDP checksum (veth offload) gets its full checksum. */
    private void completeChecksum(MutableDirectBuffer buffer, int puntIndex, int l3, int l3Length) {
        if ((buffer.getInt(puntIndex + Punt.RX_FLAGS_OFFSET) & org.vroom.packetio.RxBatch.FLAG_CHECKSUM_PARTIAL) != 0) {
            ip.wrap(buffer, l3, l3Length);
            if (ip.validate() == ValidationResult.OK) {
                org.vroom.kernel.dataplane.PartialChecksum.complete(ip);
            }
        }
    }

    private void onArp(Vif in, MutableDirectBuffer buffer, int offset, int length) {
        vr.stats.add(VrCounter.ARP_RECEIVED.ordinal(), 1);
        arp.wrap(buffer, offset, length);
        if (arp.validate() != ValidationResult.OK) {
            return;
        }
        int spa = arp.senderIp();
        long sha = arp.senderMac();
        int tpa = arp.targetIp();
        boolean forUs = tpa == in.address;
        boolean merged = false;
        if (spa != 0 && in.inSubnet(spa) && spa != in.address && !MacAddress.isMulticast(sha)) {
            Neighbour n = neighbours.get(spa);
            if (n != null) {
                confirm(n, sha);
                merged = true;
            }
            if (forUs && !merged) {
                confirm(neighbour(in, spa), sha);
            }
        }
        if (forUs && arp.isRequest()) {
            int len = ArpFlyweight.writeReplyFrame(out, 0, in.mac, in.vlan, in.address, sha, spa);
            send(in, out, 0, len);
            vr.stats.add(VrCounter.ARP_REPLIES_SENT.ordinal(), 1);
        }
    }

    private void onLocal(Vif in, MutableDirectBuffer buffer, int offset, int length) {
        ip.wrap(buffer, offset, length);
        if (ip.validate() != ValidationResult.OK) {
            return;
        }
        vr.stats.add(VrCounter.LOCAL_DELIVERED.ordinal(), 1);
        int protocol = ip.protocol();
        int destination = ip.destination();
        boolean toUs = vr.isOwnAddress(destination);
        if (protocol == Ipv4Flyweight.PROTOCOL_ICMP) {
            icmp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
            if (toUs && icmp.validate() == ValidationResult.OK && icmp.type() == IcmpFlyweight.TYPE_ECHO_REQUEST) {
                echoReply();
                return;
            }
        }
        if (router != null && router.servesProtocol(protocol)
                && (toUs || org.vroom.packetio.codec.Ipv4Addresses.isMulticast(destination)
                || org.vroom.packetio.codec.Ipv4Addresses.isLimitedBroadcast(destination) || destination == in.broadcast())) {
            if (ip.isFragment()) {
                vr.stats.add(VrCounter.LOCAL_UNHANDLED.ordinal(), 1); // no reassembly: BGP and OSPF do not fragment
                return;
            }
            loop.receive(in.index, buffer, offset, ip.totalLength());
            return;
        }
        if (protocol != Ipv4Flyweight.PROTOCOL_ICMP && toUs && !ip.isNonInitialFragment()) {
            if (protocol == Ipv4Flyweight.PROTOCOL_UDP) {
                icmpError(in, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_PORT_UNREACHABLE);
                return;
            }
            if (protocol != Ipv4Flyweight.PROTOCOL_TCP) {
                icmpError(in, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_PROTOCOL_UNREACHABLE);
                return;
            }
        }
        vr.stats.add(VrCounter.LOCAL_UNHANDLED.ordinal(), 1);
    }

    /** Answers the echo request in {@code ip}/{@code icmp} from the address it was sent to (RFC 1812 4.3.3.6). */
    private void echoReply() {
        int dataLength = icmp.length() - IcmpFlyweight.HEADER_LENGTH;
        int l3 = 64;
        int icmpLength = IcmpFlyweight.writeEcho(out, l3 + Ipv4Flyweight.MIN_HEADER_LENGTH, IcmpFlyweight.TYPE_ECHO_REPLY,
                icmp.identifier(), icmp.sequence(), icmp.buffer(), icmp.offset() + IcmpFlyweight.HEADER_LENGTH, dataLength);
        int total = Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength;
        Ipv4Flyweight.writeHeader(out, l3, 0, total, ++identification & 0xFFFF, 0, Ipv4Flyweight.DEFAULT_TTL,
                Ipv4Flyweight.PROTOCOL_ICMP, ip.destination(), ip.source());
        if (route(out, l3, total)) {
            vr.stats.add(VrCounter.ICMP_ECHO_REPLIES.ordinal(), 1);
        }
    }

    private void icmpError(Vif in, int type, int code) {
        if (IcmpFlyweight.errorSuppression(ip, false) != ValidationResult.OK) {
            vr.stats.add(VrCounter.ICMP_SUPPRESSED.ordinal(), 1);
            return;
        }
        if (!icmpLimit.tryAcquire(clock.getAsLong())) {
            vr.stats.add(VrCounter.ICMP_RATE_LIMITED.ordinal(), 1);
            return;
        }
        int l3 = 64;
        // from the address the packet was sent to when that is ours, else from the incoming interface
        int source = vr.isOwnAddress(ip.destination()) ? ip.destination() : in.address;
        int total = IcmpFlyweight.writeErrorDatagram(out, l3, source, ++identification & 0xFFFF, type, code, 0, ip);
        if (route(out, l3, total)) {
            vr.stats.add(VrCounter.ICMP_UNREACHABLE_SENT.ordinal(), 1);
        }
    }

    /** A packet whose next hop {@code hop} was not resolved when the worker forwarded it. */
    private void onResolve(Vif in, int hop, MutableDirectBuffer buffer, int offset, int length) {
        ip.wrap(buffer, offset, length);
        if (ip.validate() != ValidationResult.OK) {
            return;
        }
        int nh = vr.fib.lookup(ip.destination());
        if (nh == Ipv4Fib.NO_ROUTE) {
            return; // the route went away meanwhile
        }
        Vif outVif = vr.vif(vr.adjacencies.vif(nh));
        forwardVia(outVif, hop, buffer, offset, ip.totalLength(), in);
    }

    /**
     * Sends the datagram at {@code [offset, offset + length)} to neighbour {@code hop} on {@code vif}, or
     * queues it while the neighbour is resolved. {@code in}: for a forwarded packet, the interface it arrived
     * on (its TTL is decremented when it leaves: the worker punted it undecremented), null for a packet the
     * VR originates.
     */
    private boolean forwardVia(Vif vif, int hop, MutableDirectBuffer buffer, int offset, int length, Vif in) {
        boolean transit = in != null;
        if (length + vif.headerLength() > OUT_HALF) {
            vr.stats.add(VrCounter.FRAGMENTATION_NEEDED.ordinal(), 1);
            return false;
        }
        Neighbour n = neighbour(vif, hop);
        switch (n.state) {
            case REACHABLE, PROBE -> {
                if (transit) {
                    ip.wrap(buffer, offset, length);
                    ip.decrementTtl();
                }
                int h = vif.headerLength();
                if (buffer != out || offset != h) {
                    out.putBytes(h, buffer, offset, length);
                }
                if (transit) {
                    vr.stats.add(VrCounter.FORWARDED.ordinal(), 1);
                }
                return emit(vif, n.mac, length);
            }
            case FAILED -> {
                vr.stats.add(VrCounter.DROP_ARP_FAILED.ordinal(), 1);
                return false;
            }
            default -> {
                if (n.pending.size() >= PENDING_PER_NEIGHBOUR || pendingTotal >= PENDING_PER_VR) {
                    vr.stats.add(VrCounter.DROP_ARP_PENDING_FULL.ordinal(), 1);
                    return false;
                }
                // [0..1]: index of the interface a forwarded packet arrived on + 1 (0: originated here)
                byte[] copy = new byte[length + PENDING_HEADER];
                int tag = transit ? in.index + 1 : 0;
                copy[0] = (byte) (tag >>> 8);
                copy[1] = (byte) tag;
                buffer.getBytes(offset, copy, PENDING_HEADER, length);
                n.pending.add(copy);
                pendingTotal++;
                if (n.tries == 0) {
                    sendArpRequest(n, -1L);
                }
                return true;
            }
        }
    }

    /**
     * Sends a datagram the VR originates (its TCP, OSPF, ...) out of interface {@code ifIndex} to the
     * link-layer next hop {@code nextHop}: a multicast group or a broadcast address goes out at once to the
     * matching MAC, a neighbour through ARP (queued while it resolves, bounded). Copies the datagram.
     */
    public SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
        Vif vif = ifIndex >= 0 && ifIndex < vr.vifs().length ? vr.vif(ifIndex) : null;
        if (vif == null) {
            return SendStatus.NO_INTERFACE;
        }
        int h = vif.headerLength();
        if (length + h > OUT_HALF) {
            return SendStatus.TOO_BIG;
        }
        out.putBytes(h, buffer, offset, length);
        boolean multicast = org.vroom.packetio.codec.Ipv4Addresses.isMulticast(nextHop);
        if (multicast || org.vroom.packetio.codec.Ipv4Addresses.isLimitedBroadcast(nextHop)
                || (nextHop == vif.broadcast() && vif.broadcast() != 0)) {
            long mac = multicast ? MacAddress.ipv4Multicast(nextHop) : MacAddress.BROADCAST;
            return emit(vif, mac, length) ? SendStatus.SENT : SendStatus.TX_FULL;
        }
        Neighbour n = neighbours.get(nextHop);
        if (n != null && n.state == Neighbour.State.FAILED) {
            vr.stats.add(VrCounter.DROP_ARP_FAILED.ordinal(), 1);
            return SendStatus.NO_ROUTE;
        }
        boolean resolved = n != null && (n.state == Neighbour.State.REACHABLE || n.state == Neighbour.State.PROBE);
        if (!forwardVia(vif, nextHop, out, h, length, null)) {
            return SendStatus.TX_FULL;
        }
        return resolved ? SendStatus.SENT : SendStatus.QUEUED;
    }

    /** Routes a datagram the VR itself originates (already complete, TTL set) through its FIB. */
    private boolean route(MutableDirectBuffer buffer, int offset, int length) {
        ip.wrap(buffer, offset, length);
        int dst = ip.destination();
        int nh = vr.fib.lookup(dst);
        if (nh == Ipv4Fib.NO_ROUTE) {
            vr.stats.add(VrCounter.DROP_NO_ROUTE.ordinal(), 1);
            return false;
        }
        int kind = vr.adjacencies.kind(nh);
        if (kind != AdjacencyTable.FORWARD && kind != AdjacencyTable.GLEAN) {
            return false;
        }
        Vif vif = vr.vif(vr.adjacencies.vif(nh));
        int hop = kind == AdjacencyTable.GLEAN ? dst : vr.adjacencies.nextHop(nh);
        // put the datagram (built in the output buffer, or punted in the ring) where the Ethernet header
        // fits in front of it in the output buffer
        int h = vif.headerLength();
        if (length + h > OUT_HALF) {
            vr.stats.add(VrCounter.FRAGMENTATION_NEEDED.ordinal(), 1);
            return false;
        }
        if (buffer != out || offset != h) {
            out.putBytes(h, buffer, offset, length);
        }
        return forwardVia(vif, hop, out, h, length, null);
    }

    /** An ARP reply or a confirmation from {@code n}: resolve its adjacency and send what waited. */
    private void confirm(Neighbour n, long mac) {
        dirty.add(n.ip);
        n.mac = mac;
        n.state = Neighbour.State.REACHABLE;
        n.deadline = clock.getAsLong() + REACHABLE_NANOS;
        n.tries = 0;
        if (n.adjacency < 0) {
            n.adjacency = vr.adjacencies.add(AdjacencyTable.FORWARD, n.vifIndex, n.ip);
        }
        vr.adjacencies.resolve(n.adjacency, mac);
        if (!n.hostRoute && vr.vif(n.vifIndex).inSubnet(n.ip)) {
            vr.fib.add(n.ip, 32, n.adjacency);
            n.hostRoute = true;
        }
        while (!n.pending.isEmpty()) {
            byte[] p = n.pending.poll();
            pendingTotal--;
            heapView.wrap(p);
            out.putBytes(64, heapView, PENDING_HEADER, p.length - PENDING_HEADER);
            forwardVia(vr.vif(n.vifIndex), n.ip, out, 64, p.length - PENDING_HEADER, pendingInterface(p));
        }
    }

    private static final int PENDING_HEADER = 2;

    private Vif pendingInterface(byte[] p) {
        int tag = (p[0] & 0xFF) << 8 | (p[1] & 0xFF);
        return tag == 0 ? null : vr.vif(tag - 1);
    }

    private void sendArpRequest(Neighbour n, long unicastMac) {
        dirty.add(n.ip);
        n.tries++;
        n.deadline = clock.getAsLong() + RETRY_NANOS;
        Vif vif = vr.vif(n.vifIndex);
        int len = ArpFlyweight.writeRequestFrame(out, 0, vif.mac, vif.vlan, vif.address, n.ip);
        if (unicastMac != -1L) {
            MacAddress.write(out, EthernetFlyweight.DESTINATION_MAC_OFFSET, unicastMac);
        }
        send(vif, out, 0, len);
        vr.stats.add(VrCounter.ARP_REQUESTS_SENT.ordinal(), 1);
    }

    private int timers(long now) {
        int work = 0;
        Iterator<Neighbour> it = neighbours.values().iterator();
        List<Neighbour> failed = null;
        while (it.hasNext()) {
            Neighbour n = it.next();
            if (now - n.deadline < 0) {
                continue;
            }
            work++;
            switch (n.state) {
                case INCOMPLETE -> {
                    if (n.tries == 0) {
                        continue; // never asked for: nothing to do until a packet needs it
                    }
                    if (n.tries < MAX_TRIES) {
                        sendArpRequest(n, -1L);
                    } else {
                        if (failed == null) {
                            failed = new ArrayList<>();
                        }
                        failed.add(n);
                    }
                }
                case REACHABLE -> {
                    dirty.add(n.ip);
                    n.state = Neighbour.State.PROBE;
                    n.tries = 0;
                    sendArpRequest(n, n.mac);
                }
                case PROBE -> {
                    if (n.tries < MAX_TRIES) {
                        sendArpRequest(n, n.mac);
                    } else if (forget(n)) {
                        it.remove();
                    }
                }
                case FAILED -> {
                    if (forget(n)) {
                        it.remove();
                    }
                }
            }
        }
        if (failed != null) {
            for (Neighbour n : failed) {
                fail(n, now);
            }
        }
        return work;
    }

    /** Resolution failed: answer what waited with host unreachable (RFC 1812 4.3.3.1), hold down. */
    private void fail(Neighbour n, long now) {
        dirty.add(n.ip);
        n.state = Neighbour.State.FAILED;
        n.deadline = now + FAILED_HOLD_NANOS;
        n.tries = 0;
        while (!n.pending.isEmpty()) {
            byte[] p = n.pending.poll();
            pendingTotal--;
            vr.stats.add(VrCounter.DROP_ARP_FAILED.ordinal(), 1);
            Vif in = pendingInterface(p);
            if (in == null) {
                continue; // the VR's own packet (or error): nobody to tell
            }
            heapView.wrap(p);
            view.wrap(out.addressOffset() + OUT_HALF, OUT_HALF);
            int len = p.length - PENDING_HEADER;
            view.putBytes(0, heapView, PENDING_HEADER, len);
            ip.wrap(view, 0, len);
            if (ip.validate() == ValidationResult.OK) {
                // from the address of the interface the packet came in on (RFC 1812 4.3.2.4)
                icmpError(in, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_HOST_UNREACHABLE);
            }
        }
    }

    /**
     * The neighbour is gone: unresolve its adjacency and remove its host route. Returns whether the entry
     * can be dropped; an entry that owns an adjacency (a static route's gateway) stays, unresolved, so
     * that the routes pointing at the adjacency get it resolved again by the next packet.
     */
    private boolean forget(Neighbour n) {
        dirty.add(n.ip);
        if (n.adjacency >= 0) {
            vr.adjacencies.resolve(n.adjacency, 0);
        }
        if (n.hostRoute) {
            vr.fib.delete(n.ip, 32);
            n.hostRoute = false;
        }
        n.mac = 0;
        pendingTotal -= n.pending.size();
        n.pending.clear();
        n.state = Neighbour.State.INCOMPLETE;
        n.tries = 0;
        return n.adjacency < 0;
    }

    /**
     * Puts the Ethernet header for {@code vif} and {@code destinationMac} in front of the datagram of
     * {@code length} bytes that waits in the output buffer at {@code vif.headerLength()}, sends the frame
     * and counts it.
     */
    private boolean emit(Vif vif, long destinationMac, int length) {
        int h = EthernetFlyweight.writeHeader(out, 0, destinationMac, vif.mac, vif.vlan, EthernetFlyweight.ETHERTYPE_IPV4);
        boolean sent = send(vif, out, 0, h + length);
        vr.stats.add((sent ? VrCounter.TX_PACKETS : VrCounter.DROP_TX_FULL).ordinal(), 1);
        return sent;
    }

    private boolean send(Vif vif, MutableDirectBuffer buffer, int offset, int length) {
        boolean ok = tx.write(vif.portIndex + 1, buffer, offset, length);
        if (ok) {
            txWakeup.run();
        }
        return ok;
    }
}
