package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.checkpoint.CheckpointFormatException;
import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint part {@code "tcp"}, version 1. Layout (all through {@link CheckpointWriter}):
 *
 * <pre>
 * snapshot := host isnKey0:long isnKey1:long listeners connections
 * delta    := host listenersChanged:bool [listeners] connections removed
 * host        := clock:long nextId:varlong ephemeralCursor:varint
 * listeners   := count:varint listener*
 * listener    := id:varlong address:int port:varint options peers:varint (peer:int key:bytes)*
 * connections := count:varint tcb*            (a changed connection is written whole)
 * removed     := count:varint id:varlong*     (closed since the last round; unknown ids are ignored)
 * options     := mss:varint windowScale:byte(+2) rcvbuf:varint sndbuf:varint key:bool [bytes] ttl:byte
 *                minTtl:byte tos:byte backlog:varint retries:varint synRetries:varint delayedAck:bool
 * tcb         := see {@link #writeTcb}: identity, options, key, state, flags, every sequence variable,
 *                windows and scales, MSS, RTT estimator, congestion control, timers as remaining
 *                nanoseconds (-1: not armed), counters, the send buffer (unacknowledged and unsent
 *                bytes) and the receive buffer (unread bytes, then each out-of-order interval with its bytes)
 * </pre>
 *
 * Dirty tracking is per connection: anything that changes a connection (a segment, a timer, an API
 * call) puts it in the stack's dirty list once; a delta writes those whole and lists the ids of the
 * connections released since. Times (timers, the age of the last send, of a running RTT measurement)
 * are written relative to the VR's clock at the time of writing, and every section carries that
 * clock. A connection that did not change since an earlier round was written relative to that
 * round's clock: after each section is applied, every restored connection is rebased to the latest
 * section's instant (its timers lose the time that passed in between) and then to the restoring VR's
 * clock, so the result equals the source at the latest round. Restore into a VR whose loop does not
 * run yet (frozen or not started): the timers are armed as each section is applied.
 */
final class TcpCheckpoint {
    static final int VERSION = 1;

    private TcpCheckpoint() {
    }

    static void writeSnapshot(TcpHost host, CheckpointWriter out) {
        long now = host.now();
        writeHostFields(host, out, now);
        out.putLong(host.isn().k0()).putLong(host.isn().k1());
        writeListeners(host, out);
        List<Tcb> all = host.snapshotConnections();
        out.putVarInt(all.size());
        for (Tcb t : all) {
            writeTcb(t, out, now);
        }
        clearDirty(host);
        host.tracking = true;
    }

    static void writeDelta(TcpHost host, CheckpointWriter out) {
        if (!host.tracking) {
            // no snapshot before (nothing was tracked): everything counts as changed
            host.tracking = true;
            host.listenersDirty = true;
            for (Tcb t : host.snapshotConnections()) {
                host.markDirty(t);
            }
        }
        long now = host.now();
        writeHostFields(host, out, now);
        out.putBoolean(host.listenersDirty);
        if (host.listenersDirty) {
            writeListeners(host, out);
        }
        int live = 0;
        for (Tcb t : host.dirty) {
            if (!t.released) {
                live++;
            }
        }
        out.putVarInt(live);
        for (Tcb t : host.dirty) {
            if (!t.released) {
                writeTcb(t, out, now);
            }
        }
        out.putVarInt(host.removed.size());
        for (int i = 0; i < host.removed.size(); i++) {
            out.putVarLong(host.removed.getLong(i));
        }
        clearDirty(host);
    }

    private static void clearDirty(TcpHost host) {
        for (Tcb t : host.dirty) {
            t.dirty = false;
        }
        host.dirty.clear();
        host.removed.clear();
        host.listenersDirty = false;
    }

    static void restoreSnapshot(TcpHost host, CheckpointReader in, int version) {
        checkVersion(version);
        for (Tcb t : host.snapshotConnections()) {
            host.forget(t);
        }
        host.listeners.clear();
        long written = readHostFields(host, in);
        host.isn().setKey(in.getLong(), in.getLong());
        readListeners(host, in);
        int n = in.getVarInt();
        for (int i = 0; i < n; i++) {
            host.install(readTcb(host, in, written));
        }
        finishRestore(host, written);
    }

    static void applyDelta(TcpHost host, CheckpointReader in, int version) {
        checkVersion(version);
        long written = readHostFields(host, in);
        if (in.getBoolean()) {
            host.listeners.clear();
            readListeners(host, in);
        }
        int changed = in.getVarInt();
        for (int i = 0; i < changed; i++) {
            host.install(readTcb(host, in, written));
        }
        int removed = in.getVarInt();
        for (int i = 0; i < removed; i++) {
            Tcb t = host.byId.get(in.getVarLong());
            if (t != null) {
                host.forget(t);
            }
        }
        finishRestore(host, written);
    }

    private static void finishRestore(TcpHost host, long written) {
        long now = host.now();
        for (Tcb t : host.snapshotConnections()) {
            if (t.restored) {
                rebase(t, written, now);
            }
        }
        for (Listener l : host.listeners) {
            l.pending = 0;
        }
        for (Tcb t : host.snapshotConnections()) {
            if (t.inBacklog) {
                Listener l = host.listenerById(t.listenerId);
                if (l != null) {
                    l.pending++;
                }
            }
        }
        // restoring is not a change of this VR's state: a new series starts with a snapshot
        host.tracking = false;
        for (Tcb t : host.dirty) {
            t.dirty = false;
        }
        host.dirty.clear();
        host.removed.clear();
        host.listenersDirty = false;
    }

    private static void checkVersion(int version) {
        if (version != VERSION) {
            throw new CheckpointFormatException("tcp: part version " + version + " is not " + VERSION);
        }
    }

    private static void writeHostFields(TcpHost host, CheckpointWriter out, long now) {
        out.putLong(now).putVarLong(host.nextId).putVarInt(host.ephemeralCursor);
    }

    /** Reads the host fields; returns the source clock at which the section was written. */
    private static long readHostFields(TcpHost host, CheckpointReader in) {
        long written = in.getLong();
        host.nextId = in.getVarLong();
        host.ephemeralCursor = in.getVarInt();
        return written;
    }

    /**
     * Turns the times a restored connection was read with (relative to the instant of its section) into
     * local times and timers as of {@code latest}, the instant of the newest section applied.
     */
    private static void rebase(Tcb t, long latest, long now) {
        long elapsed = Math.max(0, latest - t.restoredAt);
        t.lastSendAt = now - (t.restoredSendAge + elapsed);
        t.lastInvalidAckAt = now - (t.restoredInvalidAckAge + elapsed);
        t.rtt.timedAt = now - (t.restoredTimingAge + elapsed);
        for (int k = 0; k < Tcb.TIMERS; k++) {
            long remaining = t.restoredTimers[k];
            if (remaining >= 0) {
                t.arm(k, Math.max(0, remaining - elapsed));
            } else {
                t.disarm(k);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // listeners and options
    // ------------------------------------------------------------------------------------------

    private static void writeListeners(TcpHost host, CheckpointWriter out) {
        out.putVarInt(host.listeners.size());
        for (Listener l : host.listeners) {
            out.putVarLong(l.id()).putInt(l.localAddress()).putVarInt(l.localPort());
            writeOptions(l.options(), out);
            List<Integer> peers = new ArrayList<>(l.peerKeys.keySet());
            peers.sort(null);
            out.putVarInt(peers.size());
            for (int peer : peers) {
                byte[] key = l.peerKeys.get(peer);
                out.putInt(peer).putBytes(key, 0, key.length);
            }
        }
    }

    private static void readListeners(TcpHost host, CheckpointReader in) {
        int n = in.getVarInt();
        for (int i = 0; i < n; i++) {
            long id = in.getVarLong();
            int address = in.getInt();
            int port = in.getVarInt();
            TcpOptions options = readOptions(in);
            Listener l = new Listener(host, id, address, port, options);
            int peers = in.getVarInt();
            for (int p = 0; p < peers; p++) {
                int peer = in.getInt();
                l.peerKeys.put(peer, in.getBytes());
            }
            host.listeners.add(l);
        }
    }

    static void writeOptions(TcpOptions o, CheckpointWriter out) {
        out.putVarInt(o.mss()).putByte(o.windowScale() + 2).putVarInt(o.receiveBufferSize())
                .putVarInt(o.sendBufferSize()).putBoolean(o.hasMd5Key());
        if (o.hasMd5Key()) {
            byte[] k = o.md5Key();
            out.putBytes(k, 0, k.length);
        }
        out.putByte(o.ttl()).putByte(o.minTtl()).putByte(o.tos()).putVarInt(o.backlog()).putVarInt(o.maxRetransmits())
                .putVarInt(o.maxSynRetransmits()).putBoolean(o.delayedAck());
    }

    static TcpOptions readOptions(CheckpointReader in) {
        int mss = in.getVarInt();
        int ws = in.getByte() - 2;
        int rcv = in.getVarInt();
        int snd = in.getVarInt();
        byte[] key = in.getBoolean() ? in.getBytes() : null;
        int ttl = in.getByte() & 0xFF;
        int minTtl = in.getByte() & 0xFF;
        int tos = in.getByte() & 0xFF;
        int backlog = in.getVarInt();
        int retries = in.getVarInt();
        int synRetries = in.getVarInt();
        boolean delack = in.getBoolean();
        try {
            return new TcpOptions(mss, ws, rcv, snd, key, ttl, minTtl, tos, backlog, retries, synRetries, delack);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException("tcp: bad options", e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // connections
    // ------------------------------------------------------------------------------------------

    static void writeTcb(Tcb t, CheckpointWriter out, long now) {
        out.putVarLong(t.id).putInt(t.localAddress).putVarInt(t.localPort).putInt(t.remoteAddress)
                .putVarInt(t.remotePort).putBoolean(t.passive).putVarLong(t.listenerId).putBoolean(t.inBacklog);
        writeOptions(t.options, out);
        out.putBoolean(t.md5Key != null);
        if (t.md5Key != null) {
            out.putBytes(t.md5Key, 0, t.md5Key.length);
        }
        out.putByte(t.state.ordinal());
        out.putBoolean(t.appClosed).putBoolean(t.outputShut).putBoolean(t.finSent).putInt(t.finSeq)
                .putBoolean(t.finReceived).putBoolean(t.peerClosedNotified).putBoolean(t.closedNotified)
                .putBoolean(t.readPaused).putBoolean(t.writeBlocked);
        out.putInt(t.iss).putInt(t.sndUna).putInt(t.sndNxt).putInt(t.sndMax).putInt(t.sndWl1).putInt(t.sndWl2)
                .putLong(t.sndWnd).putLong(t.maxSndWnd).putByte(t.sndScale).putByte(t.rcvScale)
                .putBoolean(t.wsAgreed).putInt(t.sndBufStart).putInt(t.lastWindowField).putVarInt(t.peerMss)
                .putVarInt(t.localMss).putVarInt(t.sndMss);
        out.putInt(t.irs).putInt(t.rcvNxt).putInt(t.rcvAdv).putBoolean(t.oooFin).putInt(t.oooFinSeq)
                .putVarInt(t.segmentsSinceAck).putBoolean(t.ackNow);
        out.putVarInt(t.retransmitCount).putVarInt(t.persistShift).putVarInt(t.probesUnanswered)
                .putLong(now - t.lastSendAt).putLong(now - t.lastInvalidAckAt);
        t.rtt.write(out, now);
        t.cc.write(out);
        for (int k = 0; k < Tcb.TIMERS; k++) {
            out.putLong(t.remaining(k));
        }
        out.putVarLong(t.bytesSent).putVarLong(t.bytesAcked).putVarLong(t.bytesReceived).putVarLong(t.segmentsSent)
                .putVarLong(t.segmentsReceived).putVarLong(t.retransmittedSegments).putVarLong(t.retransmittedBytes)
                .putVarLong(t.timeouts).putVarLong(t.fastRetransmits).putVarLong(t.duplicateAcks)
                .putVarLong(t.outOfOrderSegments).putVarLong(t.duplicateSegments).putVarLong(t.zeroWindowProbes)
                .putVarLong(t.challengeAcks);
        // send buffer: unacknowledged then unsent bytes
        out.putVarInt(t.sendRing.size());
        t.sendRing.forEachRange((b, o, l) -> out.putBytes(b, o, l));
        // receive buffer: unread bytes, then each out-of-order interval
        ReceiveRing r = t.receiveRing;
        out.putVarInt(r.readable());
        writeRange(r, 0, r.readable(), out);
        out.putVarInt(r.intervals());
        for (int i = 0; i < r.intervals(); i++) {
            int start = r.intervalStart(i);
            int end = r.intervalEnd(i);
            out.putInt(start).putInt(end);
            writeRange(r, r.readable() + (start - t.rcvNxt), end - start, out);
        }
    }

    private static void writeRange(ReceiveRing r, int distance, int length, CheckpointWriter out) {
        int start = (int) (((long) r.head() + distance) % r.capacity());
        int first = Math.min(length, r.capacity() - start);
        out.putBytes(r.buffer(), start, first);
        out.putBytes(r.buffer(), 0, length - first);
    }

    static Tcb readTcb(TcpHost host, CheckpointReader in, long written) {
        Tcb t = new Tcb(host, in.getVarLong());
        t.restored = true;
        t.restoredAt = written;
        t.localAddress = in.getInt();
        t.localPort = in.getVarInt();
        t.remoteAddress = in.getInt();
        t.remotePort = in.getVarInt();
        t.passive = in.getBoolean();
        t.listenerId = in.getVarLong();
        t.inBacklog = in.getBoolean();
        t.options = readOptions(in);
        t.md5Key = in.getBoolean() ? in.getBytes() : null;
        int state = in.getByte();
        if (state < 0 || state >= TcpState.values().length) {
            throw new CheckpointFormatException("tcp: connection " + t.id + " has state " + state);
        }
        t.state = TcpState.values()[state];
        t.appClosed = in.getBoolean();
        t.outputShut = in.getBoolean();
        t.finSent = in.getBoolean();
        t.finSeq = in.getInt();
        t.finReceived = in.getBoolean();
        t.peerClosedNotified = in.getBoolean();
        t.closedNotified = in.getBoolean();
        t.readPaused = in.getBoolean();
        t.writeBlocked = in.getBoolean();
        t.iss = in.getInt();
        t.sndUna = in.getInt();
        t.sndNxt = in.getInt();
        t.sndMax = in.getInt();
        t.sndWl1 = in.getInt();
        t.sndWl2 = in.getInt();
        t.sndWnd = in.getLong();
        t.maxSndWnd = in.getLong();
        t.sndScale = in.getByte();
        t.rcvScale = in.getByte();
        t.wsAgreed = in.getBoolean();
        t.sndBufStart = in.getInt();
        t.lastWindowField = in.getInt();
        t.peerMss = in.getVarInt();
        t.localMss = in.getVarInt();
        t.sndMss = in.getVarInt();
        t.irs = in.getInt();
        t.rcvNxt = in.getInt();
        t.rcvAdv = in.getInt();
        t.oooFin = in.getBoolean();
        t.oooFinSeq = in.getInt();
        t.segmentsSinceAck = in.getVarInt();
        t.ackNow = in.getBoolean();
        t.retransmitCount = in.getVarInt();
        t.persistShift = in.getVarInt();
        t.probesUnanswered = in.getVarInt();
        t.restoredSendAge = in.getLong();
        t.restoredInvalidAckAge = in.getLong();
        t.restoredTimingAge = t.rtt.read(in);
        t.cc.read(in);
        for (int k = 0; k < Tcb.TIMERS; k++) {
            t.restoredTimers[k] = in.getLong();
        }
        t.bytesSent = in.getVarLong();
        t.bytesAcked = in.getVarLong();
        t.bytesReceived = in.getVarLong();
        t.segmentsSent = in.getVarLong();
        t.segmentsReceived = in.getVarLong();
        t.retransmittedSegments = in.getVarLong();
        t.retransmittedBytes = in.getVarLong();
        t.timeouts = in.getVarLong();
        t.fastRetransmits = in.getVarLong();
        t.duplicateAcks = in.getVarLong();
        t.outOfOrderSegments = in.getVarLong();
        t.duplicateSegments = in.getVarLong();
        t.zeroWindowProbes = in.getVarLong();
        t.challengeAcks = in.getVarLong();
        t.allocateBuffers();
        try {
            int sendSize = in.getVarInt();
            if (sendSize > t.sendRing.capacity()) {
                throw new CheckpointFormatException("tcp: connection " + t.id + " send data " + sendSize
                        + " exceeds its buffer " + t.sendRing.capacity());
            }
            readInto(in, sendSize, (b, l) -> t.sendRing.append(b, 0, l));
            ReceiveRing r = t.receiveRing;
            int readable = in.getVarInt();
            if (readable > r.capacity()) {
                throw new CheckpointFormatException("tcp: connection " + t.id + " receive data exceeds its buffer");
            }
            readInto(in, readable, (b, l) -> {
                r.write(0, b, 0, l);
                r.commit(l);
            });
            int intervals = in.getVarInt();
            for (int i = 0; i < intervals; i++) {
                int start = in.getInt();
                int end = in.getInt();
                int distance = start - t.rcvNxt;
                if (distance < 0 || end - start < 0 || (long) r.readable() + distance + (end - start) > r.capacity()
                        || !r.addInterval(start, end)) {
                    throw new CheckpointFormatException("tcp: connection " + t.id + " has a bad out-of-order interval");
                }
                int[] at = {distance};
                readInto(in, end - start, (b, l) -> {
                    r.write(at[0], b, 0, l);
                    at[0] += l;
                });
            }
        } catch (RuntimeException e) {
            t.freeBuffers();
            throw e;
        }
        return t;
    }

    @FunctionalInterface
    private interface Chunk {
        void accept(UnsafeBuffer bytes, int length);
    }

    /** Reads byte ranges (as written by two {@code putBytes}) until {@code total} bytes came. */
    private static void readInto(CheckpointReader in, int total, Chunk sink) {
        int got = 0;
        for (int piece = 0; piece < 2; piece++) {
            byte[] b = in.getBytes();
            if (got + b.length > total) {
                throw new CheckpointFormatException("tcp: buffer data longer than announced");
            }
            if (b.length > 0) {
                sink.accept(new UnsafeBuffer(b), b.length);
            }
            got += b.length;
        }
        if (got != total) {
            throw new CheckpointFormatException("tcp: buffer data shorter than announced: " + got + " of " + total);
        }
    }
}
