package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;
import org.vroom.checkpoint.Checkpointable;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.Registration;
import org.vroom.vr.spi.ResourceScope;
import org.vroom.vr.spi.TcpAcceptHandler;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpConnectionHandler;
import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpListener;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpStack;
import org.vroom.vr.spi.TcpState;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The TCP of one virtual router: the {@link TcpStack} its protocols use, the IP protocol 6 handler, the
 * connection and listener tables, ephemeral ports, ISNs, the host-wide counters, and the checkpoint part
 * {@code "tcp"}. Built once per VR with the VR's context (the kernel returns it from
 * {@code VrHost.tcp()}); everything runs on the VR loop.
 *
 * <p>Per received segment: parse and verify in place ({@link InboundSegment}; malformed input is counted
 * under one {@link TcpCounter} and dropped, never thrown), demultiplex without allocation
 * ({@link ConnectionTable}), check TCP-MD5 and the GTSM TTL, run the arrival rules ({@link TcpInput}),
 * hand the collected events to the application ({@link Tcb#dispatch}), then send what is due
 * ({@link TcpOutput}).
 */
public final class TcpHost implements TcpStack, Checkpointable, AutoCloseable {
    /** The largest IPv4 datagram: the segment scratch size. */
    private static final int SCRATCH = 65536;

    private final VrContext ctx;
    private final TcpHostOptions options;
    private final Counter[] counters = new Counter[TcpCounter.values().length];
    private final InboundSegment segment = new InboundSegment();
    private final TcpOutput output;
    private final TcpInput input;
    private final IsnGenerator isn;
    private final Registration registration;
    final ConnectionTable table = new ConnectionTable();
    final Long2ObjectHashMap<Tcb> byId = new Long2ObjectHashMap<>();
    final ArrayList<Listener> listeners = new ArrayList<>();
    long nextId = 1;
    int ephemeralCursor;

    // checkpoint dirty tracking, from the first snapshot on (nothing is tracked before anyone asks)
    boolean tracking;
    final ArrayList<Tcb> dirty = new ArrayList<>();
    final LongArrayList removed = new LongArrayList();
    boolean listenersDirty;

    private UnsafeBuffer deliveryScratch;
    private boolean deliveryScratchBusy;
    private long challengeWindowStart;
    private int challengeCount;
    private boolean closed;

    public TcpHost(VrContext ctx) {
        this(ctx, TcpHostOptions.DEFAULT);
    }

    public TcpHost(VrContext ctx, TcpHostOptions options) {
        this.ctx = ctx;
        this.options = options;
        for (TcpCounter c : TcpCounter.values()) {
            counters[c.ordinal()] = ctx.counter(c.counterName());
        }
        this.output = new TcpOutput(this, ctx.scope().allocateDirect(SCRATCH));
        this.input = new TcpInput(this, output);
        this.isn = new IsnGenerator(ctx.random().nextLong(), ctx.random().nextLong());
        int range = options.ephemeralLast() - options.ephemeralFirst() + 1;
        this.ephemeralCursor = options.ephemeralFirst() + ctx.random().nextInt(range);
        this.challengeWindowStart = ctx.nanoTime();
        this.registration = ctx.registerProtocol(TcpWire.PROTOCOL_TCP, this::onIpPacket);
        ctx.scope().register(this); // the VR (or component) going away closes the stack, silently
    }

    // ------------------------------------------------------------------------------------------
    // accessors for the package
    // ------------------------------------------------------------------------------------------

    VrContext context() {
        return ctx;
    }

    ResourceScope scope() {
        return ctx.scope();
    }

    TcpHostOptions options() {
        return options;
    }

    TcpOutput output() {
        return output;
    }

    long now() {
        return ctx.nanoTime();
    }

    void count(TcpCounter c) {
        counters[c.ordinal()].increment();
    }

    /** The value of a host-wide counter. */
    public long counter(TcpCounter c) {
        return counters[c.ordinal()].get();
    }

    void markDirty(Tcb t) {
        if (tracking && !t.dirty) {
            t.dirty = true;
            dirty.add(t);
        }
    }

    void listenersChanged() {
        listenersDirty = true;
    }

    // ------------------------------------------------------------------------------------------
    // receive
    // ------------------------------------------------------------------------------------------

    /** IP protocol 6 handler: one received datagram (valid only during the call). */
    void onIpPacket(int ifIndex, DirectBuffer buffer, int offset, int length) {
        if (closed) {
            return;
        }
        count(TcpCounter.RX_SEGMENTS);
        InboundSegment seg = segment;
        TcpCounter bad = seg.parse(ifIndex, buffer, offset, length);
        if (bad != null) {
            count(bad);
            return;
        }
        if (!Ipv4Addresses.isSingleHostSource(seg.source) || !Ipv4Addresses.isSingleHostSource(seg.destination)
                || isBroadcast(seg.destination)) {
            count(TcpCounter.RX_NOT_UNICAST);
            return;
        }
        Tcb t = table.get(seg.destination, seg.destinationPort, seg.source, seg.sourcePort);
        if (t != null) {
            if (!md5Ok(seg, t.md5Key) || !ttlOk(seg, t.options)) {
                return;
            }
            input.segmentArrives(t, seg);
            afterEvent(t);
            return;
        }
        Listener l = findListener(seg.destination, seg.destinationPort);
        if (l != null) {
            byte[] key = l.keyFor(seg.source);
            if (!md5Ok(seg, key) || !ttlOk(seg, l.options())) {
                return;
            }
            input.listen(l, seg, key);
            return;
        }
        if (seg.md5Offset >= 0) {
            count(TcpCounter.RX_MD5_UNEXPECTED); // no key for a signed segment: drop it, no RST (as Linux)
            return;
        }
        count(TcpCounter.RX_NO_SOCKET);
        resetFor(seg);
    }

    /** After a segment or timer: the application hears what happened, then what is due is sent. */
    private void afterEvent(Tcb t) {
        if (!t.released) {
            t.dispatch();
        }
        if (!t.released) {
            output.output(t, TcpOutput.NORMAL);
        }
    }

    private boolean isBroadcast(int address) {
        for (VrInterface i : ctx.interfaces()) {
            if (i.broadcast() != 0 && i.broadcast() == address) {
                return true;
            }
        }
        return false;
    }

    private boolean md5Ok(InboundSegment seg, byte[] key) {
        if (key == null) {
            if (seg.md5Offset >= 0) {
                count(TcpCounter.RX_MD5_UNEXPECTED);
                return false;
            }
            return true;
        }
        if (seg.md5Offset < 0) {
            count(TcpCounter.RX_MD5_MISSING);
            return false;
        }
        if (!output.md5().verify(seg.source, seg.destination, seg.buffer, seg.tcpOffset, seg.headerLength,
                seg.tcpLength, key, seg.md5Offset)) {
            count(TcpCounter.RX_MD5_BAD);
            return false;
        }
        return true;
    }

    private boolean ttlOk(InboundSegment seg, TcpOptions o) {
        if (seg.ttl < o.minTtl()) {
            count(TcpCounter.RX_TTL_TOO_LOW);
            return false;
        }
        return true;
    }

    /** RFC 9293 3.10.7.1: the reply to a segment for no connection. */
    private void resetFor(InboundSegment seg) {
        if (seg.has(TcpWire.RST)) {
            return;
        }
        if (seg.has(TcpWire.ACK)) {
            output.sendReset(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, seg.ack, 0, false, null,
                    TcpOptions.DEFAULT.ttl(), 0);
        } else {
            output.sendReset(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, 0,
                    seg.seq + seg.seqLength(), true, null, TcpOptions.DEFAULT.ttl(), 0);
        }
    }

    private Listener findListener(int address, int port) {
        Listener any = null;
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            if (l.localPort() == port) {
                if (l.localAddress() == address) {
                    return l;
                }
                if (l.localAddress() == 0) {
                    any = l;
                }
            }
        }
        return any;
    }

    // ------------------------------------------------------------------------------------------
    // timers and events
    // ------------------------------------------------------------------------------------------

    void onTimer(Tcb t, int kind) {
        if (t.released || closed) {
            return;
        }
        markDirty(t);
        switch (kind) {
            case Tcb.T_RETRANSMIT -> output.retransmitTimeout(t);
            case Tcb.T_PERSIST -> output.persistTimeout(t);
            case Tcb.T_DELAYED_ACK -> output.delayedAckTimeout(t);
            case Tcb.T_CLOSE -> {
                if (t.state == TcpState.TIME_WAIT || t.state == TcpState.FIN_WAIT_2) {
                    release(t);
                }
            }
            default -> throw new IllegalStateException("timer " + kind);
        }
        if (!t.released) {
            t.dispatch();
        }
    }

    /** A passive connection leaves SYN-RECEIVED (established or gone): its listener's backlog shrinks. */
    void leaveBacklog(Tcb t) {
        if (t.inBacklog) {
            t.inBacklog = false;
            Listener l = listenerById(t.listenerId);
            if (l != null && l.pending > 0) {
                l.pending--;
            }
        }
    }

    /** Hands an established passive connection to its listener's accept handler. */
    boolean accept(Tcb t) {
        Listener l = listenerById(t.listenerId);
        TcpAcceptHandler ah = l == null || l.closed ? null : l.acceptHandler();
        TcpConnectionHandler h = null;
        if (ah != null) {
            try {
                h = ah.onAccept(t);
            } catch (RuntimeException e) {
                handlerFailed(t, "onAccept", e);
            }
        }
        if (t.released) {
            return false;
        }
        if (h == null) {
            abort(t, TcpCounter.CONNECTIONS_ABORTED);
            return false;
        }
        t.handler = h;
        return true;
    }

    /** Forgets a connection: tables, timers, buffers; recorded as removed for the next delta. No callbacks. */
    void release(Tcb t) {
        if (t.released) {
            return;
        }
        leaveBacklog(t);
        t.released = true;
        t.state = TcpState.CLOSED;
        table.remove(t);
        byId.remove(t.id);
        t.disarmAll();
        t.freeBuffers();
        if (tracking) {
            removed.addLong(t.id);
        }
    }

    /** Ends a connection abnormally and tells the application (unless it closed it). */
    void fail(Tcb t, TcpError error, TcpCounter counter, boolean sendReset) {
        if (sendReset) {
            sendResetFor(t);
        }
        count(counter);
        boolean notify = !t.appClosed && t.handler != null;
        release(t);
        if (notify) {
            try {
                t.handler.onError(t, error);
            } catch (RuntimeException e) {
                handlerFailed(t, "onError", e);
            }
        }
    }

    /** The application (or the stack for it) resets the connection: RST if the peer knows it, no callbacks. */
    void abort(Tcb t, TcpCounter counter) {
        if (t.released) {
            return;
        }
        if (t.state != TcpState.SYN_SENT && t.state != TcpState.TIME_WAIT && t.state != TcpState.CLOSED) {
            sendResetFor(t);
        }
        count(counter);
        t.appClosed = true;
        release(t);
    }

    void timedOut(Tcb t) {
        if (t.state == TcpState.SYN_RECEIVED && t.passive) {
            release(t); // a half-open passive connection just goes away
            return;
        }
        fail(t, TcpError.TIMED_OUT, TcpCounter.CONNECTIONS_TIMED_OUT, t.state != TcpState.SYN_SENT);
    }

    /** LAST-ACK ends: both FINs exchanged and acknowledged. */
    void closedInOrder(Tcb t) {
        release(t);
        t.notifyClosed();
    }

    private void sendResetFor(Tcb t) {
        output.sendReset(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, t.sndNxt, 0, false, t.md5Key,
                t.options.ttl(), t.options.tos());
    }

    void handlerFailed(Tcb t, String callback, RuntimeException e) {
        ctx.logger().log(System.Logger.Level.ERROR, "TCP " + t + ": " + callback + " threw", e);
    }

    boolean deliveryScratchBusy() {
        return deliveryScratchBusy;
    }

    /** The readable bytes of {@code ring}, contiguous, in the stack's scratch (until {@link #releaseDeliveryScratch}). */
    DirectBuffer deliveryScratch(int length, ReceiveRing ring) {
        if (deliveryScratch == null || deliveryScratch.capacity() < length) {
            if (deliveryScratch != null) {
                ctx.scope().free(deliveryScratch);
            }
            deliveryScratch = ctx.scope().allocateDirect(Math.max(length, 64 * 1024));
        }
        ring.copyReadable(deliveryScratch, 0);
        deliveryScratchBusy = true;
        return deliveryScratch;
    }

    void releaseDeliveryScratch() {
        deliveryScratchBusy = false;
    }

    /** RFC 5961 section 7: at most so many challenge ACKs per second for the whole stack. */
    boolean allowChallengeAck() {
        long now = now();
        if (now - challengeWindowStart >= 1_000_000_000L) {
            challengeWindowStart = now;
            challengeCount = 0;
        }
        return challengeCount++ < options.challengeAcksPerSecond();
    }

    // ------------------------------------------------------------------------------------------
    // routes and interfaces
    // ------------------------------------------------------------------------------------------

    /** The interface the route to {@code destination} leaves by, or null. */
    VrInterface routeInterface(int destination) {
        return ctx.routeInterface(destination);
    }

    int mtuOf(int ifIndex) {
        VrInterface i = ctx.interfaceByIndex(ifIndex);
        return i == null ? 1500 : i.mtu();
    }

    /** The VR refused a segment as too big for the interface: send smaller ones from now on. */
    void shrinkMss(Tcb t) {
        VrInterface out = routeInterface(t.remoteAddress);
        if (out != null && out.mtu() - 40 < t.sndMss) {
            t.sndMss = Math.max(TcpOptions.MIN_MSS - 40, out.mtu() - 40);
        }
    }

    // ------------------------------------------------------------------------------------------
    // TcpStack
    // ------------------------------------------------------------------------------------------

    @Override
    public TcpListener listen(int localAddress, int port, TcpOptions tcpOptions, TcpAcceptHandler acceptHandler) {
        checkOpen();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 1..65535");
        }
        if (localAddress != 0 && ctx.interfaceByAddress(localAddress) == null) {
            throw new IllegalArgumentException("VR " + ctx.vrName() + " has no address " + Ipv4Addresses.format(localAddress));
        }
        for (Listener l : listeners) {
            if (l.localPort() == port && l.localAddress() == localAddress) {
                throw new IllegalStateException("already listening on " + Ipv4Addresses.format(localAddress) + ":" + port);
            }
        }
        Listener l = new Listener(this, nextId++, localAddress, port, tcpOptions);
        l.setAcceptHandler(acceptHandler);
        listeners.add(l);
        listenersDirty = true;
        return l;
    }

    void closeListener(Listener l) {
        for (Tcb t : snapshotConnections()) {
            if (t.inBacklog && t.listenerId == l.id()) {
                abort(t, TcpCounter.CONNECTIONS_ABORTED);
            }
        }
        l.closed = true;
        listeners.remove(l);
        listenersDirty = true;
    }

    @Override
    public TcpConnection connect(int localAddress, int remoteAddress, int remotePort, TcpOptions tcpOptions,
                                 TcpConnectionHandler handler) {
        checkOpen();
        if (remotePort < 1 || remotePort > 65535) {
            throw new IllegalArgumentException("port " + remotePort + " is not 1..65535");
        }
        if (!Ipv4Addresses.isSingleHostSource(remoteAddress)) {
            throw new IllegalArgumentException(Ipv4Addresses.format(remoteAddress) + " is not a unicast address");
        }
        VrInterface out = routeInterface(remoteAddress);
        int local = localAddress;
        int mtu;
        if (local == 0) {
            if (out == null) {
                return unroutable(remoteAddress, remotePort, tcpOptions, handler);
            }
            local = out.address();
            mtu = out.mtu();
        } else {
            VrInterface own = ctx.interfaceByAddress(local);
            if (own == null) {
                throw new IllegalArgumentException("VR " + ctx.vrName() + " has no address " + Ipv4Addresses.format(local));
            }
            mtu = out != null ? out.mtu() : own.mtu();
        }
        int port = ephemeralPort(local, remoteAddress, remotePort);
        Tcb t = newConnection(local, port, remoteAddress, remotePort, tcpOptions, tcpOptions.md5Key(), mtu);
        t.handler = handler;
        t.state = TcpState.SYN_SENT;
        count(TcpCounter.ACTIVE_OPENS);
        output.output(t, TcpOutput.NORMAL);
        return t;
    }

    /** A connection that cannot start (no route to choose its address from): the error follows on the next turn. */
    private TcpConnection unroutable(int remoteAddress, int remotePort, TcpOptions tcpOptions,
                                     TcpConnectionHandler handler) {
        Tcb t = new Tcb(this, nextId++);
        t.remoteAddress = remoteAddress;
        t.remotePort = remotePort;
        t.options = tcpOptions;
        t.released = true;
        ctx.execute(() -> {
            if (handler != null && !t.appClosed) {
                handler.onError(t, TcpError.NO_ROUTE);
            }
        });
        return t;
    }

    private int ephemeralPort(int local, int remote, int remotePort) {
        int first = options.ephemeralFirst();
        int range = options.ephemeralLast() - first + 1;
        for (int i = 0; i < range; i++) {
            int port = ephemeralCursor;
            ephemeralCursor = port == options.ephemeralLast() ? first : port + 1;
            if (table.get(local, port, remote, remotePort) == null && findListener(local, port) == null) {
                return port;
            }
        }
        throw new IllegalStateException("no free ephemeral port from " + Ipv4Addresses.format(local) + " to "
                + Ipv4Addresses.format(remote) + ":" + remotePort);
    }

    /** A new connection in CLOSED with its ISN, buffers and table entry; the caller sets the state. */
    Tcb newConnection(int local, int localPort, int remote, int remotePort, TcpOptions tcpOptions, byte[] key, int mtu) {
        Tcb t = new Tcb(this, nextId++);
        t.localAddress = local;
        t.localPort = localPort;
        t.remoteAddress = remote;
        t.remotePort = remotePort;
        t.options = tcpOptions;
        t.md5Key = key == null ? null : key.clone();
        int byMtu = Math.max(TcpOptions.MIN_MSS - 40, mtu - 40);
        t.localMss = tcpOptions.mss() != 0 ? Math.min(tcpOptions.mss(), byMtu) : byMtu;
        t.sndMss = Math.min(t.localMss, TcpWire.DEFAULT_PEER_MSS);
        long now = now();
        t.iss = isn.isn(local, localPort, remote, remotePort, now);
        t.sndUna = t.iss;
        t.sndNxt = t.iss;
        t.sndMax = t.iss;
        t.sndBufStart = t.iss + 1;
        t.lastSendAt = now;
        t.lastInvalidAckAt = now - options.invalidAckIntervalNanos();
        t.allocateBuffers();
        table.put(t);
        byId.put(t.id, t);
        markDirty(t);
        return t;
    }

    Listener listenerById(long id) {
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i).id() == id) {
                return listeners.get(i);
            }
        }
        return null;
    }

    List<Tcb> snapshotConnections() {
        List<Tcb> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparingLong(Tcb::id));
        return list;
    }

    @Override
    public List<TcpConnection> connections() {
        return List.copyOf(snapshotConnections());
    }

    @Override
    public List<TcpListener> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public TcpConnection connection(long id) {
        return byId.get(id);
    }

    @Override
    public TcpListener listener(long id) {
        return listenerById(id);
    }

    /** The state of connection {@code id} as text (see {@link Tcb#describe()}), or null. For tests. */
    public String describe(long id) {
        Tcb t = byId.get(id);
        return t == null ? null : t.describe();
    }

    /** Everything: listeners then connections, by id. For checkpoint tests. */
    public String describeAll() {
        StringBuilder b = new StringBuilder("tcp next-id=").append(nextId).append(" ephemeral=").append(ephemeralCursor)
                .append(" isn=").append(Long.toHexString(isn.k0())).append('/').append(Long.toHexString(isn.k1()));
        for (Listener l : listeners) {
            b.append('\n').append(l.describe());
        }
        for (Tcb t : snapshotConnections()) {
            b.append('\n').append(t.describe());
        }
        return b.toString();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the TCP of VR " + ctx.vrName() + " is closed");
        }
    }

    /**
     * Forgets everything silently: no RST, no callbacks (the VR is destroyed, or moved: its connections
     * live on elsewhere). Timers and buffers go; protocol 6 is unregistered.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (Tcb t : snapshotConnections()) {
            t.appClosed = true;
            release(t);
        }
        listeners.clear();
        closed = true;
        registration.close();
    }

    // ------------------------------------------------------------------------------------------
    // Checkpointable
    // ------------------------------------------------------------------------------------------

    @Override
    public String partName() {
        return "tcp";
    }

    @Override
    public int partVersion() {
        return TcpCheckpoint.VERSION;
    }

    @Override
    public void writeSnapshot(CheckpointWriter out) {
        TcpCheckpoint.writeSnapshot(this, out);
    }

    @Override
    public void writeDelta(CheckpointWriter out) {
        TcpCheckpoint.writeDelta(this, out);
    }

    @Override
    public void restoreSnapshot(CheckpointReader in, int version) {
        TcpCheckpoint.restoreSnapshot(this, in, version);
    }

    @Override
    public void applyDelta(CheckpointReader in, int version) {
        TcpCheckpoint.applyDelta(this, in, version);
    }

    IsnGenerator isn() {
        return isn;
    }

    /** Puts a restored connection into the tables (replacing one with the same id). */
    void install(Tcb t) {
        Tcb old = byId.get(t.id);
        if (old != null) {
            forget(old);
        }
        table.put(t);
        byId.put(t.id, t);
    }

    /** Drops a connection without recording it as removed (restore replaces or removes it). */
    void forget(Tcb t) {
        t.released = true;
        table.remove(t);
        byId.remove(t.id);
        t.disarmAll();
        t.freeBuffers();
    }

    @Override
    public String toString() {
        return "TcpHost[" + ctx.vrName() + ", " + byId.size() + " connections, " + listeners.size() + " listeners]";
    }
}
