package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.loop.TimerHandle;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpConnectionHandler;
import org.vroom.vr.spi.TcpConnectionStats;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

/**
 * A transmission control block: one connection's state (RFC 9293 section 3.3.1 variables plus
 * congestion control, RTT estimation, buffers, timers and counters) and the application's view of it.
 * The segment-arrival rules live in {@link TcpInput}, sending in {@link TcpOutput}, serialisation in
 * {@link TcbCodec}; this class holds the state, the API and the callbacks.
 *
 * <p>Threads: the VR loop only.
 */
final class Tcb implements TcpConnection {
    // events collected while a segment is processed, dispatched to the handler afterwards
    static final int EV_CONNECTED = 1;
    static final int EV_ACCEPT = 2;
    static final int EV_DATA = 4;
    static final int EV_WRITABLE = 8;
    static final int EV_PEER_CLOSED = 16;
    static final int EV_CLOSED = 32;

    // timers: one handle each, created on first use and re-armed afterwards
    static final int T_RETRANSMIT = 0;
    static final int T_PERSIST = 1;
    static final int T_DELAYED_ACK = 2;
    /** TIME-WAIT (2 MSL) or, for a connection the application closed, FIN-WAIT-2. */
    static final int T_CLOSE = 3;
    static final int TIMERS = 4;

    final TcpHost host;
    final long id;

    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;
    boolean passive;
    /** The listener a passive connection came from (0: none). */
    long listenerId;
    /** Passive and still in SYN-RECEIVED: counted in its listener's backlog. */
    boolean inBacklog;
    TcpOptions options;
    /** The TCP-MD5 key of this connection, or null. */
    byte[] md5Key;
    TcpState state = TcpState.CLOSED;
    TcpConnectionHandler handler;

    /** close() was called: the application is gone, no more callbacks. */
    boolean appClosed;
    /** shutdownOutput() or close(): FIN follows the queued data. */
    boolean outputShut;
    boolean finSent;
    /** Sequence number of our FIN (valid once sent). */
    int finSeq;
    /** The peer's FIN was received in order (RCV.NXT counts it). */
    boolean finReceived;
    boolean peerClosedNotified;
    boolean closedNotified;
    boolean readPaused;
    /** A write was short: tell the application when room returns. */
    boolean writeBlocked;
    boolean released;

    // send sequence space
    int iss;
    int sndUna;
    int sndNxt;
    /** Highest sequence number sent plus one (SND.NXT moves back on a timeout; this does not). */
    int sndMax;
    int sndWl1;
    int sndWl2;
    long sndWnd;
    long maxSndWnd;
    int sndScale;
    int rcvScale;
    /** Window scaling in use (active open: offered until the SYN-ACK tells; passive: both SYNs carry it). */
    boolean wsAgreed;
    /** Sequence number of the first byte in the send ring. */
    int sndBufStart;
    /** The last window field received (duplicate ACK detection), or -1. */
    int lastWindowField = -1;
    int peerMss = TcpWire.DEFAULT_PEER_MSS;
    /** MSS we announced (what the peer may send us). */
    int localMss;
    /** Largest segment we send: min(peer's MSS, our MSS); options (MD5) come off it per segment. */
    int sndMss;

    // receive sequence space
    int irs;
    int rcvNxt;
    /** Right edge of the window we advertised (never moves left). */
    int rcvAdv;
    boolean oooFin;
    int oooFinSeq;
    int segmentsSinceAck;
    boolean ackNow;

    /** When the last rate-limited reply to an invalid segment went out (see TcpHostOptions). */
    long lastInvalidAckAt;
    int retransmitCount;
    int persistShift;
    int probesUnanswered;
    long lastSendAt;

    final RttEstimator rtt;
    final CongestionControl cc = new CongestionControl();
    SendRing sendRing;
    ReceiveRing receiveRing;

    final TimerHandle[] timers = new TimerHandle[TIMERS];
    private final Runnable[] timerTasks = new Runnable[TIMERS];
    int events;
    private boolean delivering;
    /** In the stack's dirty set for the next checkpoint delta. */
    boolean dirty;
    /**
     * Restored: the source VR's clock when the section holding this connection was written, and the
     * times read from it (relative to that instant); {@link TcpCheckpoint} turns them into local timers
     * and times once it knows the latest section's instant.
     */
    boolean restored;
    long restoredAt;
    final long[] restoredTimers = new long[TIMERS];
    long restoredSendAge;
    long restoredInvalidAckAge;
    long restoredTimingAge;

    // counters
    long bytesSent;
    long bytesAcked;
    long bytesReceived;
    long segmentsSent;
    long segmentsReceived;
    long retransmittedSegments;
    long retransmittedBytes;
    long timeouts;
    long fastRetransmits;
    long duplicateAcks;
    long outOfOrderSegments;
    long duplicateSegments;
    long zeroWindowProbes;
    long challengeAcks;

    Tcb(TcpHost host, long id) {
        this(host, id, false);
    }

    /** {@code bare}: without a stack (table tests). */
    Tcb(TcpHost host, long id, boolean bare) {
        this.host = host;
        this.id = id;
        this.rtt = new RttEstimator(bare ? TcpHostOptions.DEFAULT : host.options());
        for (int k = 0; k < TIMERS; k++) {
            final int kind = k;
            timerTasks[k] = () -> host.onTimer(this, kind);
        }
    }

    /** Allocates the buffers for {@link #options}. */
    void allocateBuffers() {
        UnsafeBuffer s = host.scope().allocateDirect(options.sendBufferSize());
        UnsafeBuffer r = host.scope().allocateDirect(options.receiveBufferSize());
        sendRing = new SendRing(s);
        receiveRing = new ReceiveRing(r);
    }

    void freeBuffers() {
        if (sendRing != null) {
            host.scope().free(sendRing.buffer());
            sendRing = null;
        }
        if (receiveRing != null) {
            host.scope().free(receiveRing.buffer());
            receiveRing = null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // timers
    // ------------------------------------------------------------------------------------------

    void arm(int kind, long delayNanos) {
        TimerHandle h = timers[kind];
        if (h == null) {
            timers[kind] = host.context().schedule(delayNanos, timerTasks[kind]);
        } else {
            h.reschedule(delayNanos);
        }
    }

    void disarm(int kind) {
        TimerHandle h = timers[kind];
        if (h != null) {
            h.cancel();
        }
    }

    boolean armed(int kind) {
        TimerHandle h = timers[kind];
        return h != null && h.isScheduled();
    }

    /** Remaining time of a timer, or -1 when it is not armed. */
    long remaining(int kind) {
        return armed(kind) ? timers[kind].remainingNanos() : -1;
    }

    void disarmAll() {
        for (int k = 0; k < TIMERS; k++) {
            disarm(k);
        }
    }

    // ------------------------------------------------------------------------------------------
    // derived values
    // ------------------------------------------------------------------------------------------

    /** First sequence number after the queued data (our FIN's, once the output is shut). */
    int dataEnd() {
        return sndBufStart + sendRing.size();
    }

    /** Whether our FIN has been acknowledged. */
    boolean finAcked() {
        return finSent && Seq.gt(sndUna, finSeq);
    }

    /** Bytes in flight (SND.MAX - SND.UNA), FIN and SYN included. */
    long flight() {
        return Integer.toUnsignedLong(sndMax - sndUna);
    }

    /** Payload bytes per segment after the options every segment carries. */
    int maxPayload() {
        return Math.max(1, sndMss - (md5Key != null ? TcpWire.MD5_SPACE : 0));
    }

    int receiveWindowNow() {
        return Math.max(0, rcvAdv - rcvNxt);
    }

    /** Whether a reply to an invalid segment may go out now (and if so, remembers that it does). */
    boolean invalidAckAllowed() {
        long now = host.now();
        if (now - lastInvalidAckAt < host.options().invalidAckIntervalNanos()) {
            return false;
        }
        lastInvalidAckAt = now;
        return true;
    }

    void markDirty() {
        host.markDirty(this);
    }

    // ------------------------------------------------------------------------------------------
    // callbacks
    // ------------------------------------------------------------------------------------------

    /** Hands the events collected while processing a segment (or a timer) to the application. */
    void dispatch() {
        int ev = events;
        events = 0;
        if (ev == 0 || released || appClosed) {
            return;
        }
        if ((ev & EV_ACCEPT) != 0) {
            if (!host.accept(this)) {
                return;
            }
            ev |= EV_CONNECTED;
        }
        if ((ev & EV_CONNECTED) != 0 && handler != null) {
            try {
                handler.onConnected(this);
            } catch (RuntimeException e) {
                host.handlerFailed(this, "onConnected", e);
            }
            if (released || appClosed) {
                return;
            }
        }
        if ((ev & (EV_DATA | EV_PEER_CLOSED)) != 0) {
            deliver();
            if (released || appClosed) {
                return;
            }
        }
        if ((ev & EV_WRITABLE) != 0) {
            notifyWritable();
            if (released || appClosed) {
                return;
            }
        }
        if ((ev & EV_CLOSED) != 0) {
            notifyClosed();
        }
    }

    void notifyWritable() {
        if (handler != null && writeBlocked && !released && !appClosed) {
            writeBlocked = false;
            try {
                handler.onWritable(this);
            } catch (RuntimeException e) {
                host.handlerFailed(this, "onWritable", e);
            }
        }
    }

    void notifyClosed() {
        if (handler != null && !closedNotified && !appClosed) {
            closedNotified = true;
            try {
                handler.onClosed(this);
            } catch (RuntimeException e) {
                host.handlerFailed(this, "onClosed", e);
            }
        }
    }

    /**
     * Offers every unconsumed byte to the handler (contiguously: a range that wraps around the ring is
     * copied into the stack's scratch first), then the peer's FIN once everything before it was offered.
     */
    void deliver() {
        if (delivering || released || appClosed || handler == null || readPaused) {
            return;
        }
        int n = receiveRing.readable();
        delivering = true;
        try {
            // offer everything; again while the application consumes some but not all of it
            while (n > 0 && !readPaused && handler != null) {
                DirectBuffer view;
                int offset;
                boolean scratch = receiveRing.wraps();
                if (scratch) {
                    if (host.deliveryScratchBusy()) {
                        host.context().execute(this::deliverLater);
                        return;
                    }
                    view = host.deliveryScratch(n, receiveRing);
                    offset = 0;
                } else {
                    view = receiveRing.buffer();
                    offset = receiveRing.head();
                }
                int consumed;
                try {
                    consumed = handler.onData(this, view, offset, n);
                } catch (RuntimeException e) {
                    host.handlerFailed(this, "onData", e);
                    consumed = 0;
                } finally {
                    if (scratch) {
                        host.releaseDeliveryScratch();
                    }
                }
                if (released || appClosed) {
                    return;
                }
                consumed = Math.max(0, Math.min(consumed, n));
                if (consumed == 0) {
                    break;
                }
                receiveRing.consume(consumed);
                markDirty();
                n = receiveRing.readable();
            }
            if (finReceived && !peerClosedNotified && !readPaused && handler != null) {
                peerClosedNotified = true;
                markDirty();
                try {
                    handler.onPeerClosed(this);
                } catch (RuntimeException e) {
                    host.handlerFailed(this, "onPeerClosed", e);
                }
            }
        } finally {
            delivering = false;
        }
    }

    private void deliverLater() {
        if (!released) {
            deliver();
            if (!released) {
                host.output().output(this, TcpOutput.NORMAL);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // TcpConnection
    // ------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public TcpState state() {
        return state;
    }

    @Override
    public int localAddress() {
        return localAddress;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public int remoteAddress() {
        return remoteAddress;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }

    @Override
    public boolean isPassive() {
        return passive;
    }

    @Override
    public TcpOptions options() {
        return options;
    }

    @Override
    public void setHandler(TcpConnectionHandler value) {
        this.handler = value;
        if (value != null && !released && !appClosed) {
            // data (or a FIN) that waited for a handler, and room the application waited for
            host.context().execute(() -> {
                if (!released && handler != null) {
                    deliverLater();
                    notifyWritable();
                }
            });
        }
    }

    @Override
    public TcpConnectionHandler handler() {
        return handler;
    }

    @Override
    public int write(DirectBuffer buffer, int offset, int length) {
        if (released || outputShut || !state.canSend()) {
            return -1;
        }
        if (length < 0 || offset < 0 || (long) offset + length > buffer.capacity()) {
            throw new IndexOutOfBoundsException("write [" + offset + ", +" + length + ") of " + buffer.capacity());
        }
        int n = sendRing.append(buffer, offset, length);
        if (n < length) {
            writeBlocked = true;
        }
        if (n > 0) {
            markDirty();
            if (state.isSynchronized()) {
                host.output().output(this, TcpOutput.NORMAL);
            }
        }
        return n;
    }

    @Override
    public int writableBytes() {
        return released || outputShut || !state.canSend() ? 0 : sendRing.free();
    }

    @Override
    public void shutdownOutput() {
        if (released || outputShut) {
            return;
        }
        outputShut = true;
        markDirty();
        switch (state) {
            case ESTABLISHED -> state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> state = TcpState.LAST_ACK;
            default -> {
                // SYN-SENT / SYN-RECEIVED: the FIN follows once established (TcpInput)
            }
        }
        if (state.isSynchronized()) {
            host.output().output(this, TcpOutput.NORMAL);
        }
    }

    @Override
    public void close() {
        if (released || appClosed) {
            return;
        }
        if (state == TcpState.SYN_SENT || state == TcpState.CLOSED) {
            appClosed = true;
            host.release(this);
            return;
        }
        if (receiveRing.readable() > 0) {
            // RFC 9293 3.10.4 allows it and Linux does it: unread data means the peer must learn at once
            host.abort(this, TcpCounter.CONNECTIONS_ABORTED);
            return;
        }
        appClosed = true;
        markDirty();
        if (!outputShut) {
            shutdownOutput();
        }
        if (!released && state == TcpState.FIN_WAIT_2) {
            arm(T_CLOSE, host.options().finWait2TimeoutNanos());
        }
    }

    @Override
    public void abort() {
        if (released) {
            return;
        }
        host.abort(this, TcpCounter.CONNECTIONS_ABORTED);
    }

    @Override
    public void pauseReading() {
        if (!readPaused) {
            readPaused = true;
            markDirty();
        }
    }

    @Override
    public void resumeReading() {
        if (!readPaused) {
            return;
        }
        readPaused = false;
        markDirty();
        if (!released) {
            deliver();
            if (!released) {
                host.output().output(this, TcpOutput.NORMAL); // window update if the window opened enough
            }
        }
    }

    @Override
    public boolean isReadingPaused() {
        return readPaused;
    }

    @Override
    public int readableBytes() {
        return receiveRing == null ? 0 : receiveRing.readable();
    }

    @Override
    public int sndUna() {
        return sndUna;
    }

    @Override
    public int sndNxt() {
        return sndNxt;
    }

    @Override
    public int rcvNxt() {
        return rcvNxt;
    }

    @Override
    public TcpConnectionStats stats() {
        return new TcpConnectionStats(bytesSent, bytesAcked, bytesReceived, segmentsSent, segmentsReceived,
                retransmittedSegments, retransmittedBytes, timeouts, fastRetransmits, duplicateAcks,
                outOfOrderSegments, duplicateSegments, zeroWindowProbes, challengeAcks, cc.cwnd, cc.ssthresh, sndWnd,
                receiveWindowNow(), sndMss == 0 ? 0 : maxPayload(), rtt.srtt, rtt.rttvar, rtt.currentRto(),
                sendRing == null ? 0 : sendRing.size(), receiveRing == null ? 0 : receiveRing.readable());
    }

    /**
     * Every piece of state, as text (timers as remaining time, buffers as CRCs): two connections with
     * the same description are the same connection to the network. For checkpoint tests.
     */
    String describe() {
        long now = host.context().nanoTime();
        StringBuilder b = new StringBuilder(512);
        b.append("tcb ").append(id).append(' ').append(Ipv4Addresses.format(localAddress)).append(':').append(localPort)
                .append(" -> ").append(Ipv4Addresses.format(remoteAddress)).append(':').append(remotePort)
                .append(' ').append(state).append(passive ? " passive from " + listenerId : " active")
                .append('\n').append(options).append(" md5=").append(keyDigest(md5Key))
                .append("\nflags appClosed=").append(appClosed).append(" outputShut=").append(outputShut)
                .append(" finSent=").append(finSent).append(" finSeq=").append(u(finSeq))
                .append(" finReceived=").append(finReceived).append(" peerClosedNotified=").append(peerClosedNotified)
                .append(" closedNotified=").append(closedNotified).append(" paused=").append(readPaused)
                .append(" writeBlocked=").append(writeBlocked)
                .append("\nsnd iss=").append(u(iss)).append(" una=").append(u(sndUna)).append(" nxt=").append(u(sndNxt))
                .append(" max=").append(u(sndMax)).append(" wl1=").append(u(sndWl1)).append(" wl2=").append(u(sndWl2))
                .append(" wnd=").append(sndWnd).append(" maxwnd=").append(maxSndWnd).append(" scale=").append(sndScale).append(wsAgreed ? " ws" : " no-ws")
                .append(" bufStart=").append(u(sndBufStart)).append(" lastWnd=").append(lastWindowField)
                .append(" peerMss=").append(peerMss).append(" localMss=").append(localMss).append(" mss=").append(sndMss)
                .append("\nrcv irs=").append(u(irs)).append(" nxt=").append(u(rcvNxt)).append(" adv=").append(u(rcvAdv))
                .append(" scale=").append(rcvScale).append(" oooFin=").append(oooFin ? u(oooFinSeq) : "no")
                .append(" sinceAck=").append(segmentsSinceAck).append(" ackNow=").append(ackNow)
                .append("\nretries=").append(retransmitCount).append(" persistShift=").append(persistShift)
                .append(" probes=").append(probesUnanswered).append(" idle=").append(now - lastSendAt)
                .append(" invalidAck=").append(now - lastInvalidAckAt)
                .append("\n").append(rtt.describe(now)).append("\n").append(cc.describe());
        b.append("\nsendbuf cap=").append(sendRing.capacity()).append(" size=").append(sendRing.size())
                .append(" crc=").append(Long.toHexString(sendRing.crc()));
        b.append("\nrecvbuf cap=").append(receiveRing.capacity()).append(" readable=").append(receiveRing.readable())
                .append(" ooo=");
        for (int i = 0; i < receiveRing.intervals(); i++) {
            b.append('[').append(u(receiveRing.intervalStart(i))).append(',').append(u(receiveRing.intervalEnd(i)))
                    .append(')');
        }
        b.append(" crc=").append(Long.toHexString(receiveRing.crc(rcvNxt)));
        b.append("\ntimers");
        for (int k = 0; k < TIMERS; k++) {
            b.append(' ').append(remaining(k));
        }
        b.append("\nstats ").append(bytesSent).append('/').append(bytesAcked).append('/').append(bytesReceived)
                .append('/').append(segmentsSent).append('/').append(segmentsReceived).append('/')
                .append(retransmittedSegments).append('/').append(retransmittedBytes).append('/').append(timeouts)
                .append('/').append(fastRetransmits).append('/').append(duplicateAcks).append('/')
                .append(outOfOrderSegments).append('/').append(duplicateSegments).append('/').append(zeroWindowProbes)
                .append('/').append(challengeAcks);
        return b.toString();
    }

    /** A key as length and CRC: enough to compare, useless to an attacker reading logs (never the bytes). */
    static String keyDigest(byte[] key) {
        if (key == null) {
            return "none";
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(key);
        return key.length + "#" + Long.toHexString(crc.getValue());
    }

    private static String u(int seq) {
        return Integer.toUnsignedString(seq);
    }

    @Override
    public String toString() {
        return "TcpConnection[" + id + " " + Ipv4Addresses.format(localAddress) + ":" + localPort + " -> "
                + Ipv4Addresses.format(remoteAddress) + ":" + remotePort + " " + state + "]";
    }
}
