package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.codec.InternetChecksum;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.TcpState;
import org.vroom.vr.spi.VrContext;

import java.nio.ByteOrder;

/**
 * Everything a connection sends, in one place (in the spirit of BSD's {@code tcp_output}): which segment
 * goes next given the windows, congestion window and send-side silly window avoidance; the segment's
 * bytes (IPv4 header, TCP header with MSS / window scale / MD5 options, data copied from the send ring,
 * checksum); the retransmission, persist and delayed-ACK timers; RSTs for segments without a connection.
 * Segments are built in one reusable off-heap scratch buffer and handed to the VR with
 * {@code sendIp(ROUTE_BY_DESTINATION, ...)}, which copies them: nothing is allocated per segment.
 */
final class TcpOutput {
    /** Send only what the windows and the sender's silly window avoidance allow. */
    static final int NORMAL = 0;
    /** The persist timer's override: send what the window allows even if it is small. */
    static final int SWS_OVERRIDE = 1;
    /** A retransmission timeout: send one segment from SND.NXT even beyond the window. */
    static final int TIMEOUT = 2;

    private static final int MAX_PERSIST_SHIFT = 16;

    private final TcpHost host;
    private final UnsafeBuffer scratch;
    private final Md5Signer md5 = new Md5Signer();
    private int ipId;

    TcpOutput(TcpHost host, UnsafeBuffer scratch) {
        this.host = host;
        this.scratch = scratch;
    }

    Md5Signer md5() {
        return md5;
    }

    /** Sends whatever the connection should send now. */
    void output(Tcb t, int mode) {
        if (t.released) {
            return;
        }
        switch (t.state) {
            case CLOSED, LISTEN -> {
                return;
            }
            case SYN_SENT, SYN_RECEIVED -> {
                outputHandshake(t);
                return;
            }
            case TIME_WAIT -> {
                if (t.ackNow) {
                    transmit(t, t.sndNxt, 0, TcpWire.ACK);
                }
                return;
            }
            default -> {
            }
        }
        long now = host.now();
        int maxPayload = t.maxPayload();
        if (t.sndUna == t.sndMax && t.sndNxt != t.dataEnd() && now - t.lastSendAt > t.rtt.currentRto()) {
            t.cc.onIdleRestart(t.sndMss);
        }
        while (true) {
            int dataEnd = t.dataEnd();
            int avail = Math.max(0, dataEnd - t.sndNxt);
            long usable = Math.min(t.sndWnd, t.cc.cwnd) - Integer.toUnsignedLong(t.sndNxt - t.sndUna);
            int len = Math.min(avail, maxPayload);
            if (mode != TIMEOUT) {
                len = (int) Math.max(0, Math.min(len, usable));
            }
            boolean sendData = len > 0 && (len == maxPayload || t.sndNxt + len == dataEnd || mode != NORMAL
                    || len >= t.maxSndWnd / 2);
            if (!sendData) {
                len = 0;
            }
            boolean sendFin = t.outputShut && t.sndNxt + len == dataEnd;
            if (!sendData && !sendFin && !t.ackNow && !windowUpdateDue(t)) {
                break;
            }
            int flags = TcpWire.ACK;
            if (len > 0 && t.sndNxt + len == dataEnd) {
                flags |= TcpWire.PSH;
            }
            if (sendFin) {
                flags |= TcpWire.FIN;
            }
            int seq = t.sndNxt;
            transmit(t, seq, len, flags);
            if (len > 0 || sendFin) {
                if (Seq.lt(seq, t.sndMax)) {
                    countRetransmission(t, len);
                } else {
                    t.bytesSent += len;
                    if (!t.rtt.timing) {
                        t.rtt.startTiming(seq, now);
                    }
                }
                t.sndNxt = seq + len + (sendFin ? 1 : 0);
                if (sendFin && !t.finSent) {
                    t.finSent = true;
                    t.finSeq = dataEnd;
                }
                if (Seq.gt(t.sndNxt, t.sndMax)) {
                    t.sndMax = t.sndNxt;
                }
                if (!t.armed(Tcb.T_RETRANSMIT)) {
                    t.arm(Tcb.T_RETRANSMIT, t.rtt.currentRto());
                }
                t.lastSendAt = now;
            }
            mode = NORMAL;
            if (len == 0) {
                break; // an ACK, a window update or a lone FIN goes once
            }
        }
        // data waits and nothing is in flight to bring an ACK: the persist timer probes (zero window)
        // or overrides the silly-window rule (small window)
        if (t.sndUna == t.sndMax && t.dataEnd() != t.sndNxt && !t.armed(Tcb.T_RETRANSMIT)
                && !t.armed(Tcb.T_PERSIST)) {
            t.arm(Tcb.T_PERSIST, persistDelay(t));
        }
    }

    private void outputHandshake(Tcb t) {
        if (t.sndNxt == t.iss) {
            int flags = TcpWire.SYN | (t.state == TcpState.SYN_RECEIVED ? TcpWire.ACK : 0);
            boolean again = Seq.gt(t.sndMax, t.iss);
            transmit(t, t.iss, 0, flags);
            if (again) {
                t.retransmittedSegments++;
                host.count(TcpCounter.RETRANSMITTED_SEGMENTS);
                t.rtt.cancelTiming();
            } else {
                t.rtt.startTiming(t.iss, host.now());
            }
            t.sndNxt = t.iss + 1;
            if (Seq.gt(t.sndNxt, t.sndMax)) {
                t.sndMax = t.sndNxt;
            }
            if (!t.armed(Tcb.T_RETRANSMIT)) {
                t.arm(Tcb.T_RETRANSMIT, t.rtt.currentRto());
            }
            t.lastSendAt = host.now();
        } else if (t.ackNow && t.state == TcpState.SYN_RECEIVED) {
            transmit(t, t.sndNxt, 0, TcpWire.ACK);
        }
        t.ackNow = false;
    }

    private void countRetransmission(Tcb t, int len) {
        t.retransmittedSegments++;
        t.retransmittedBytes += len;
        host.count(TcpCounter.RETRANSMITTED_SEGMENTS);
        t.rtt.cancelTiming();
    }

    /** Fast retransmit and NewReno partial ACKs: the first unacknowledged segment, SND.NXT untouched. */
    void retransmitFirst(Tcb t) {
        int dataEnd = t.dataEnd();
        int len = Math.min(Math.max(0, dataEnd - t.sndUna), t.maxPayload());
        boolean fin = t.finSent && t.sndUna + len == dataEnd;
        if (len == 0 && !fin) {
            return;
        }
        transmit(t, t.sndUna, len, TcpWire.ACK | (fin ? TcpWire.FIN : 0) | (len > 0 && fin ? TcpWire.PSH : 0));
        countRetransmission(t, len);
        t.lastSendAt = host.now();
    }

    /** An ACK now, with the current window (challenge ACKs, replies to unacceptable segments). */
    void sendAck(Tcb t) {
        transmit(t, t.sndNxt, 0, TcpWire.ACK);
    }

    /** RFC 5961 challenge ACK, within the stack's per-second limit. */
    void challengeAck(Tcb t) {
        if (host.allowChallengeAck()) {
            t.challengeAcks++;
            host.count(TcpCounter.CHALLENGE_ACKS);
            sendAck(t);
        } else {
            host.count(TcpCounter.CHALLENGE_ACKS_SUPPRESSED);
        }
    }

    /** Whether an ACK should go out only because the window we could offer grew a lot (receiver SWS rule). */
    private boolean windowUpdateDue(Tcb t) {
        if (t.finReceived || !t.state.isSynchronized()) {
            return false;
        }
        long could = Math.min(t.receiveRing.free(), 65535L << t.rcvScale);
        long threshold = Math.min(t.receiveRing.capacity() / 2, 2L * t.localMss);
        return could - t.receiveWindowNow() >= threshold;
    }

    /** The window field to send, and the advertised right edge moved accordingly (never to the left). */
    private int windowField(Tcb t, boolean syn) {
        long free = t.receiveRing.free();
        long current = t.receiveWindowNow();
        long window = free;
        if (window - current < Math.min(t.receiveRing.capacity() / 2, t.localMss)) {
            window = current; // receiver silly window avoidance: do not offer a small increase
        }
        int field;
        if (syn) {
            field = (int) Math.min(window, 65535);
            if (t.state != TcpState.SYN_SENT) {
                advance(t, field);
            }
        } else {
            long f = window >> t.rcvScale;
            if ((f << t.rcvScale) < current && ((f + 1) << t.rcvScale) <= free) {
                f++; // round up rather than seem to move the right edge left (RFC 7323 2.4)
            }
            field = (int) Math.min(f, 65535);
            advance(t, (long) field << t.rcvScale);
        }
        return field;
    }

    private static void advance(Tcb t, long window) {
        int edge = t.rcvNxt + (int) window;
        if (Seq.gt(edge, t.rcvAdv)) {
            t.rcvAdv = edge;
        }
    }

    long persistDelay(Tcb t) {
        long base = t.rtt.rto;
        for (int i = 0; i < t.persistShift && base < host.options().maxRtoNanos(); i++) {
            base <<= 1;
        }
        return Math.max(host.options().minRtoNanos(), Math.min(base, host.options().maxRtoNanos()));
    }

    // ------------------------------------------------------------------------------------------
    // timers
    // ------------------------------------------------------------------------------------------

    void retransmitTimeout(Tcb t) {
        boolean handshake = t.state == TcpState.SYN_SENT || t.state == TcpState.SYN_RECEIVED;
        if (!handshake && t.sndUna == t.sndMax) {
            return; // everything was acknowledged meanwhile
        }
        t.timeouts++;
        host.count(TcpCounter.RTO_EXPIRED);
        t.retransmitCount++;
        int limit = handshake ? t.options.maxSynRetransmits() : t.options.maxRetransmits();
        if (t.retransmitCount > limit) {
            host.timedOut(t);
            return;
        }
        t.rtt.backOff();
        t.rtt.cancelTiming();
        if (handshake) {
            t.sndNxt = t.iss;
        } else {
            t.cc.onTimeout(t.flight(), t.sndMss, t.sndMax);
            t.sndNxt = t.sndUna;
        }
        output(t, TIMEOUT);
    }

    void persistTimeout(Tcb t) {
        if (!t.state.isSynchronized() || t.sndUna != t.sndMax || t.dataEnd() == t.sndNxt) {
            return;
        }
        if (t.sndWnd == 0) {
            // RFC 9293 3.8.6.1 zero-window probe; like Linux, an old sequence number and no data, which
            // any receiver answers with an ACK carrying its window
            t.probesUnanswered++;
            if (t.probesUnanswered > t.options.maxRetransmits()) {
                host.timedOut(t);
                return;
            }
            t.zeroWindowProbes++;
            host.count(TcpCounter.ZERO_WINDOW_PROBES);
            transmit(t, t.sndUna - 1, 0, TcpWire.ACK);
            if (t.persistShift < MAX_PERSIST_SHIFT) {
                t.persistShift++;
            }
            t.arm(Tcb.T_PERSIST, persistDelay(t));
        } else {
            output(t, SWS_OVERRIDE);
        }
    }

    void delayedAckTimeout(Tcb t) {
        if (t.segmentsSinceAck > 0) {
            t.ackNow = true;
            output(t, NORMAL);
        }
    }

    // ------------------------------------------------------------------------------------------
    // segments
    // ------------------------------------------------------------------------------------------

    /** Builds and sends one segment of connection {@code t}: {@code len} bytes from {@code seq}. */
    void transmit(Tcb t, int seq, int len, int flags) {
        boolean syn = (flags & TcpWire.SYN) != 0;
        int tcp = TcpWire.IP_HEADER;
        int o = tcp + TcpWire.OPTIONS_OFFSET;
        if (syn) {
            scratch.putByte(o, (byte) TcpWire.OPT_MSS);
            scratch.putByte(o + 1, (byte) TcpWire.OPT_MSS_LENGTH);
            scratch.putShort(o + 2, (short) t.localMss, ByteOrder.BIG_ENDIAN);
            o += 4;
            boolean offerScale = t.state == TcpState.SYN_SENT ? t.options.effectiveWindowScale() >= 0 : t.wsAgreed;
            if (offerScale) {
                scratch.putByte(o, (byte) TcpWire.OPT_NOP);
                scratch.putByte(o + 1, (byte) TcpWire.OPT_WINDOW_SCALE);
                scratch.putByte(o + 2, (byte) TcpWire.OPT_WINDOW_SCALE_LENGTH);
                scratch.putByte(o + 3, (byte) t.options.effectiveWindowScale());
                o += 4;
            }
        }
        int md5At = -1;
        if (t.md5Key != null) {
            o = putMd5Option(o);
            md5At = o - Md5Signer.DIGEST_LENGTH;
        }
        int headerLength = o - tcp;
        if (len > 0) {
            t.sendRing.copyOut(seq - t.sndBufStart, scratch, o, len);
        }
        boolean withAck = (flags & TcpWire.ACK) != 0;
        int window = windowField(t, syn);
        writeHeader(t.localPort, t.remotePort, seq, withAck ? t.rcvNxt : 0, headerLength, flags, window);
        if (withAck) {
            t.segmentsSinceAck = 0;
            t.ackNow = false;
            t.disarm(Tcb.T_DELAYED_ACK);
        }
        t.segmentsSent++;
        t.markDirty();
        SendStatus status = send(t.localAddress, t.remoteAddress, headerLength + len, md5At, t.md5Key,
                t.options.ttl(), t.options.tos());
        if (status == SendStatus.TOO_BIG) {
            host.shrinkMss(t);
        }
    }

    /**
     * A RST for a segment that has no connection (RFC 9293 3.10.7.1), or for an abort: {@code seq},
     * and {@code ack} when {@code withAck}. Signed when {@code key} is set.
     */
    void sendReset(int source, int sourcePort, int destination, int destinationPort, int seq, int ack,
                   boolean withAck, byte[] key, int ttl, int tos) {
        int o = TcpWire.IP_HEADER + TcpWire.OPTIONS_OFFSET;
        int md5At = -1;
        if (key != null) {
            o = putMd5Option(o);
            md5At = o - Md5Signer.DIGEST_LENGTH;
        }
        int headerLength = o - TcpWire.IP_HEADER;
        writeHeader(sourcePort, destinationPort, seq, withAck ? ack : 0, headerLength,
                TcpWire.RST | (withAck ? TcpWire.ACK : 0), 0);
        host.count(TcpCounter.TX_RST);
        send(source, destination, headerLength, md5At, key, ttl, tos);
    }

    private int putMd5Option(int o) {
        scratch.putByte(o, (byte) TcpWire.OPT_NOP);
        scratch.putByte(o + 1, (byte) TcpWire.OPT_NOP);
        scratch.putByte(o + 2, (byte) TcpWire.OPT_MD5);
        scratch.putByte(o + 3, (byte) TcpWire.OPT_MD5_LENGTH);
        scratch.setMemory(o + 4, Md5Signer.DIGEST_LENGTH, (byte) 0);
        return o + TcpWire.MD5_SPACE;
    }

    private void writeHeader(int sourcePort, int destinationPort, int seq, int ack, int headerLength, int flags,
                             int window) {
        int tcp = TcpWire.IP_HEADER;
        scratch.putShort(tcp + TcpWire.SOURCE_PORT_OFFSET, (short) sourcePort, ByteOrder.BIG_ENDIAN);
        scratch.putShort(tcp + TcpWire.DESTINATION_PORT_OFFSET, (short) destinationPort, ByteOrder.BIG_ENDIAN);
        scratch.putInt(tcp + TcpWire.SEQ_OFFSET, seq, ByteOrder.BIG_ENDIAN);
        scratch.putInt(tcp + TcpWire.ACK_OFFSET, ack, ByteOrder.BIG_ENDIAN);
        scratch.putByte(tcp + TcpWire.DATA_OFFSET_OFFSET, (byte) ((headerLength >>> 2) << 4));
        scratch.putByte(tcp + TcpWire.FLAGS_OFFSET, (byte) flags);
        scratch.putShort(tcp + TcpWire.WINDOW_OFFSET, (short) window, ByteOrder.BIG_ENDIAN);
        scratch.putShort(tcp + TcpWire.CHECKSUM_OFFSET, (short) 0);
        scratch.putShort(tcp + TcpWire.URGENT_OFFSET, (short) 0);
    }

    /** Signs (if keyed), checksums, prefixes the IPv4 header and hands the datagram to the VR. */
    private SendStatus send(int source, int destination, int tcpLength, int md5At, byte[] key, int ttl, int tos) {
        int tcp = TcpWire.IP_HEADER;
        int headerLength = (scratch.getByte(tcp + TcpWire.DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
        if (md5At >= 0) {
            byte[] digest = md5.sign(source, destination, scratch, tcp, headerLength, tcpLength, key);
            scratch.putBytes(md5At, digest, 0, Md5Signer.DIGEST_LENGTH);
        }
        int sum = InternetChecksum.add(
                InternetChecksum.pseudoHeaderSum(source, destination, TcpWire.PROTOCOL_TCP, tcpLength),
                InternetChecksum.sum(scratch, tcp, tcpLength));
        scratch.putShort(tcp + TcpWire.CHECKSUM_OFFSET, (short) InternetChecksum.complement(sum), ByteOrder.BIG_ENDIAN);
        Ipv4Flyweight.writeHeader(scratch, 0, tos, TcpWire.IP_HEADER + tcpLength, ipId++, Ipv4Flyweight.FLAG_DF, ttl,
                TcpWire.PROTOCOL_TCP, source, destination);
        host.count(TcpCounter.TX_SEGMENTS);
        SendStatus status = host.context().sendIp(VrContext.ROUTE_BY_DESTINATION, 0, scratch, 0,
                TcpWire.IP_HEADER + tcpLength);
        if (status != SendStatus.SENT && status != SendStatus.QUEUED) {
            host.count(TcpCounter.TX_FAILED);
        }
        return status;
    }
}
