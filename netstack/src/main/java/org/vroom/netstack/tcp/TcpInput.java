package org.vroom.netstack.tcp;

import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

/**
 * Segment arrival, RFC 9293 section 3.10.7, in its order: SYN-SENT; then for synchronized states the
 * sequence check (with trimming to the window), RST (RFC 5961 section 3: exact match resets, in-window
 * challenge), SYN (RFC 5961 section 4: challenge), ACK (RFC 5961 section 5 acceptability, window
 * update, RTT sample, congestion control, duplicate ACKs and NewReno), data (in order into the
 * receive ring, out of order into its place in the window), FIN. Departures from the letter of the RFC
 * are marked "departure". State changes and application events are collected in the connection and
 * dispatched by {@link TcpHost} after the segment is processed.
 */
final class TcpInput {
    private final TcpHost host;
    private final TcpOutput output;

    TcpInput(TcpHost host, TcpOutput output) {
        this.host = host;
        this.output = output;
    }

    /** A segment for an existing connection (MD5 and TTL already checked). */
    void segmentArrives(Tcb t, InboundSegment seg) {
        t.markDirty();
        if (t.state == TcpState.SYN_SENT) {
            synSent(t, seg);
            return;
        }
        synchronizedStates(t, seg);
    }

    // ------------------------------------------------------------------------------------------
    // SYN-SENT (3.10.7.3)
    // ------------------------------------------------------------------------------------------

    private void synSent(Tcb t, InboundSegment seg) {
        boolean ackOk = false;
        if (seg.has(TcpWire.ACK)) {
            if (Seq.le(seg.ack, t.iss) || Seq.gt(seg.ack, t.sndMax)) {
                if (!seg.has(TcpWire.RST)) {
                    output.sendReset(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, seg.ack, 0, false,
                            t.md5Key, t.options.ttl(), t.options.tos());
                }
                return;
            }
            ackOk = true;
        }
        if (seg.has(TcpWire.RST)) {
            if (ackOk) {
                host.count(TcpCounter.RX_RST);
                host.fail(t, TcpError.CONNECTION_REFUSED, TcpCounter.CONNECTIONS_RESET, false);
            }
            return;
        }
        if (!seg.has(TcpWire.SYN)) {
            return;
        }
        t.segmentsReceived++;
        t.irs = seg.seq;
        t.rcvNxt = seg.seq + 1;
        t.rcvAdv = t.rcvNxt + Math.min(t.receiveRing.free(), 65535);
        peerSynOptions(t, seg);
        if (ackOk) {
            t.rtt.onAck(seg.ack, host.now());
            t.sndUna = seg.ack;
        }
        if (Seq.gt(t.sndUna, t.iss)) {
            // our SYN is acknowledged: established (the SYN-ACK's window is never scaled)
            t.sndWnd = seg.window;
            t.maxSndWnd = Math.max(t.maxSndWnd, t.sndWnd);
            t.sndWl1 = seg.seq;
            t.sndWl2 = seg.ack;
            t.lastWindowField = seg.window;
            established(t);
            t.events |= Tcb.EV_CONNECTED;
            t.ackNow = true;
            // departure: data on a SYN-ACK is not queued; it is not acknowledged either, so the peer resends it
        } else {
            // simultaneous open: SYN-RECEIVED, and our SYN goes again as a SYN-ACK
            t.state = TcpState.SYN_RECEIVED;
            t.sndWnd = seg.window;
            t.sndWl1 = seg.seq;
            t.sndWl2 = t.iss;
            t.sndNxt = t.iss;
        }
    }

    /** MSS and window scale from the peer's SYN (RFC 9293 3.7.1, RFC 7323 2.2). */
    private void peerSynOptions(Tcb t, InboundSegment seg) {
        t.peerMss = seg.mss > 0 ? seg.mss : TcpWire.DEFAULT_PEER_MSS;
        t.sndMss = Math.max(TcpOptions.MIN_MSS - 40, Math.min(t.peerMss, t.localMss));
        int ours = t.options.effectiveWindowScale();
        if (seg.windowScale >= 0 && ours >= 0) {
            t.wsAgreed = true;
            t.sndScale = Math.min(seg.windowScale, TcpOptions.MAX_WINDOW_SCALE); // RFC 7323: larger is read as 14
            t.rcvScale = ours;
        } else {
            t.wsAgreed = false;
            t.sndScale = 0;
            t.rcvScale = 0;
        }
    }

    /** Called when the handshake completes (either side). */
    private void established(Tcb t) {
        t.state = t.outputShut ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED;
        host.count(TcpCounter.ESTABLISHED);
        host.leaveBacklog(t);
        t.cc.start(t.iss, t.sndMss);
        t.retransmitCount = 0;
        if (!t.rtt.hasSample && t.rtt.backoff > 0) {
            t.rtt.rto = Math.max(t.rtt.rto, RttEstimator.SYN_RETRANSMITTED_RTO_NANOS);
        }
        t.rtt.resetBackoff();
        if (t.sndUna == t.sndMax) {
            t.disarm(Tcb.T_RETRANSMIT);
        }
    }

    // ------------------------------------------------------------------------------------------
    // passive open (3.10.7.2): a SYN to a listener
    // ------------------------------------------------------------------------------------------

    /** A SYN (or anything) for listener {@code l}; {@code key} is the MD5 key that applies to the peer. */
    void listen(Listener l, InboundSegment seg, byte[] key) {
        if (seg.has(TcpWire.RST)) {
            return;
        }
        if (seg.has(TcpWire.ACK)) {
            output.sendReset(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, seg.ack, 0, false, key,
                    l.options().ttl(), l.options().tos());
            return;
        }
        if (!seg.has(TcpWire.SYN)) {
            return;
        }
        if (l.acceptHandler() == null) {
            host.count(TcpCounter.LISTEN_NO_HANDLER);
            return;
        }
        if (l.pendingConnections() >= l.options().backlog()) {
            host.count(TcpCounter.LISTEN_OVERFLOW);
            return;
        }
        TcpOptions options = l.isDefaultKey(key) ? l.options() : l.options().withMd5Key(key); // a peer's own key
        Tcb t = host.newConnection(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, options, key,
                host.mtuOf(seg.ifIndex));
        t.passive = true;
        t.listenerId = l.id();
        t.inBacklog = true;
        l.pending++;
        t.segmentsReceived++;
        t.irs = seg.seq;
        t.rcvNxt = seg.seq + 1;
        t.rcvAdv = t.rcvNxt;
        peerSynOptions(t, seg);
        t.sndWnd = seg.window;
        t.maxSndWnd = t.sndWnd;
        t.sndWl1 = seg.seq;
        t.sndWl2 = t.iss;
        t.lastWindowField = seg.window;
        t.state = TcpState.SYN_RECEIVED;
        host.count(TcpCounter.PASSIVE_OPENS);
        // departure: data and FIN on the SYN are not queued; not acknowledged, they are sent again
        output.output(t, TcpOutput.NORMAL);
    }

    // ------------------------------------------------------------------------------------------
    // synchronized states and SYN-RECEIVED (3.10.7.4)
    // ------------------------------------------------------------------------------------------

    private void synchronizedStates(Tcb t, InboundSegment seg) {
        int seq = seg.seq;
        int len = seg.payloadLength;
        int payload = seg.payloadOffset;
        boolean syn = seg.has(TcpWire.SYN);
        boolean fin = seg.has(TcpWire.FIN);
        boolean rst = seg.has(TcpWire.RST);

        if (t.state == TcpState.SYN_RECEIVED && syn && !rst && seq == t.irs) {
            if (seg.has(TcpWire.ACK) && Seq.gt(seg.ack, t.sndUna) && Seq.le(seg.ack, t.sndMax)) {
                // simultaneous open: the peer's SYN-ACK acknowledges our SYN; go on without its SYN
                syn = false;
                seq++;
            } else {
                // the peer's SYN again: our SYN-ACK was lost
                t.sndNxt = t.iss;
                output.output(t, TcpOutput.NORMAL);
                return;
            }
        }

        // first: sequence number acceptable?
        int seqLength = len + (syn ? 1 : 0) + (fin ? 1 : 0);
        long window = t.receiveWindowNow();
        boolean acceptable;
        if (seqLength == 0) {
            acceptable = window == 0 ? seq == t.rcvNxt : Seq.inWindow(seq, t.rcvNxt, window);
        } else if (window == 0) {
            // departure (as Linux): a lone FIN at RCV.NXT is taken even with a closed window
            acceptable = len == 0 && !syn && seq == t.rcvNxt;
        } else {
            acceptable = Seq.inWindow(seq, t.rcvNxt, window) || Seq.inWindow(seq + seqLength - 1, t.rcvNxt, window);
        }
        if (!acceptable) {
            host.count(TcpCounter.RX_OUT_OF_WINDOW);
            if (!rst) {
                if (len > 0 && Seq.lt(seq, t.rcvNxt)) {
                    t.duplicateSegments++;
                }
                if (t.state == TcpState.TIME_WAIT && fin) {
                    t.arm(Tcb.T_CLOSE, 2 * host.options().mslNanos()); // a retransmitted FIN restarts 2 MSL
                }
                // data and FINs are always acknowledged; bare ACKs and SYNs within a rate (ACK loops)
                if ((seqLength > 0 && !syn) || t.invalidAckAllowed()) {
                    t.ackNow = true;
                }
            }
            return;
        }
        t.segmentsReceived++;

        // second: RST (RFC 5961 3.2)
        if (rst) {
            if (seq == t.rcvNxt) {
                host.count(TcpCounter.RX_RST);
                reset(t);
            } else {
                output.challengeAck(t);
            }
            return;
        }

        // trim to the window: drop what was received already, and what lies beyond the window
        if (syn && Seq.lt(seq, t.rcvNxt)) {
            syn = false;
            seq++;
        }
        if (Seq.lt(seq, t.rcvNxt)) {
            int cut = Math.min(t.rcvNxt - seq, len);
            payload += cut;
            len -= cut;
            seq += cut;
            t.duplicateSegments++;
            if (Seq.lt(seq, t.rcvNxt)) {
                fin = false; // the FIN itself was received already
                seq++;
            }
        }
        int edge = t.rcvNxt + (int) window;
        if (len > 0 && Seq.gt(seq + len, edge)) {
            len = Math.max(0, edge - seq);
            fin = false;
        }

        // fourth: SYN in a synchronized state (RFC 5961 4.2)
        if (syn) {
            output.challengeAck(t);
            return;
        }

        // fifth: ACK
        if (!seg.has(TcpWire.ACK)) {
            return;
        }
        if (t.state == TcpState.SYN_RECEIVED) {
            if (Seq.gt(seg.ack, t.sndUna) && Seq.le(seg.ack, t.sndMax)) {
                t.sndWnd = (long) seg.window << t.sndScale;
                t.maxSndWnd = Math.max(t.maxSndWnd, t.sndWnd);
                t.sndWl1 = seq;
                t.sndWl2 = seg.ack;
                t.lastWindowField = seg.window;
                established(t);
                t.events |= t.passive ? Tcb.EV_ACCEPT : Tcb.EV_CONNECTED;
            } else {
                output.sendReset(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, seg.ack, 0, false,
                        t.md5Key, t.options.ttl(), t.options.tos());
                return;
            }
        }
        if (!processAck(t, seg, seq, len, fin)) {
            return;
        }

        // seventh: segment text
        if (len > 0) {
            if (!t.state.canReceive()) {
                // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer's FIN came already; ignore
            } else if (t.appClosed) {
                // departure (as Linux): nobody will read this; tell the peer at once
                host.abort(t, TcpCounter.CONNECTIONS_ABORTED);
                return;
            } else if (seq == t.rcvNxt) {
                inOrder(t, seg, payload, len);
            } else {
                outOfOrder(t, seg, seq, payload, len);
            }
        }

        // eighth: FIN
        if (fin) {
            if (seq + len == t.rcvNxt) {
                finReceived(t);
            } else if (Seq.gt(seq + len, t.rcvNxt)) {
                t.oooFin = true;
                t.oooFinSeq = seq + len;
                t.ackNow = true;
            }
        }
        if (t.oooFin && t.oooFinSeq == t.rcvNxt && !t.finReceived) {
            finReceived(t);
        }
    }

    private void reset(Tcb t) {
        switch (t.state) {
            case SYN_RECEIVED -> {
                if (t.passive) {
                    host.release(t); // back to LISTEN: the listener simply forgets it
                } else {
                    host.fail(t, TcpError.CONNECTION_REFUSED, TcpCounter.CONNECTIONS_RESET, false);
                }
            }
            case CLOSING, LAST_ACK, TIME_WAIT -> host.release(t);
            default -> host.fail(t, TcpError.CONNECTION_RESET, TcpCounter.CONNECTIONS_RESET, false);
        }
    }

    /** ACK processing for synchronized states. Returns false when the segment must not be processed further. */
    private boolean processAck(Tcb t, InboundSegment seg, int seq, int len, boolean fin) {
        int ack = seg.ack;
        if (Seq.gt(ack, t.sndMax)) {
            if (t.invalidAckAllowed()) {
                t.ackNow = true; // acknowledges something not yet sent (RFC 5961 5.2: discard, send an ACK)
            }
            return false;
        }
        if (Seq.lt(ack, t.sndUna - (int) Math.min(t.maxSndWnd, Integer.MAX_VALUE))) {
            output.challengeAck(t); // RFC 5961 5.2: too old to be acceptable
            return false;
        }
        t.probesUnanswered = 0;
        long now = host.now();
        boolean windowUpdated = false;
        if (Seq.lt(t.sndWl1, seq) || (t.sndWl1 == seq && Seq.le(t.sndWl2, ack))) {
            long wnd = (long) seg.window << t.sndScale;
            windowUpdated = wnd != t.sndWnd;
            t.sndWnd = wnd;
            t.sndWl1 = seq;
            t.sndWl2 = ack;
            if (wnd > t.maxSndWnd) {
                t.maxSndWnd = wnd;
            }
        }
        if (Seq.gt(ack, t.sndUna)) {
            newAck(t, ack, now);
        } else if (ack == t.sndUna && len == 0 && !fin && seg.window == t.lastWindowField && t.sndMax != t.sndUna
                && !windowUpdated) {
            t.duplicateAcks++;
            if (t.cc.onDupAck(ack, t.flight(), t.sndMss, t.sndMax)) {
                t.fastRetransmits++;
                host.count(TcpCounter.FAST_RETRANSMITS);
                t.rtt.cancelTiming();
                output.retransmitFirst(t);
            }
        }
        t.lastWindowField = seg.window;
        if (t.sndWnd == 0) {
            t.retransmitCount = 0; // the peer is alive and flow-controls us: not a reason to give up
        } else {
            t.persistShift = 0;
            if (t.armed(Tcb.T_PERSIST) && t.sndWnd >= Math.min(t.maxPayload(), t.dataEnd() - t.sndNxt)) {
                t.disarm(Tcb.T_PERSIST);
            }
        }
        // our FIN acknowledged?
        if (t.finAcked()) {
            switch (t.state) {
                case FIN_WAIT_1 -> {
                    t.state = TcpState.FIN_WAIT_2;
                    if (t.appClosed) {
                        t.arm(Tcb.T_CLOSE, host.options().finWait2TimeoutNanos());
                    }
                }
                case CLOSING -> {
                    enterTimeWait(t);
                    t.events |= Tcb.EV_CLOSED;
                }
                case LAST_ACK -> {
                    host.closedInOrder(t);
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    private void newAck(Tcb t, int ack, long now) {
        long acked = Integer.toUnsignedLong(ack - t.sndUna);
        t.rtt.onAck(ack, now);
        // drop acknowledged bytes (not the SYN's or FIN's sequence numbers) from the send ring
        int dataAcked = Math.min(Math.max(0, ack - t.sndBufStart), t.sendRing.size());
        if (dataAcked > 0) {
            t.sendRing.drop(dataAcked);
            t.sndBufStart += dataAcked;
            t.bytesAcked += dataAcked;
        }
        t.sndUna = ack;
        if (Seq.lt(t.sndNxt, t.sndUna)) {
            t.sndNxt = t.sndUna;
        }
        t.retransmitCount = 0;
        t.rtt.resetBackoff();
        if (t.cc.inRecovery) {
            if (t.cc.onAckInRecovery(ack, acked, t.flight(), t.sndMss)) {
                output.retransmitFirst(t); // NewReno partial ACK: the next hole
                t.arm(Tcb.T_RETRANSMIT, t.rtt.currentRto());
            }
        } else {
            t.cc.onNewAck(acked, t.sndMss);
        }
        if (t.sndUna == t.sndMax) {
            t.disarm(Tcb.T_RETRANSMIT);
        } else {
            t.arm(Tcb.T_RETRANSMIT, t.rtt.currentRto());
        }
        if (t.writeBlocked && t.sendRing.free() >= t.sendRing.capacity() / 2) {
            t.events |= Tcb.EV_WRITABLE;
        }
    }

    private void inOrder(Tcb t, InboundSegment seg, int payload, int len) {
        t.receiveRing.write(0, seg.buffer, payload, len);
        t.receiveRing.commit(len);
        t.rcvNxt += len;
        int before = t.rcvNxt;
        boolean filled = t.receiveRing.intervals() > 0;
        t.rcvNxt = t.receiveRing.pullInOrder(t.rcvNxt);
        t.bytesReceived += len + (t.rcvNxt - before);
        t.events |= Tcb.EV_DATA;
        t.segmentsSinceAck++;
        if (filled || !t.options.delayedAck() || t.segmentsSinceAck >= 2) {
            t.ackNow = true; // RFC 5681 4.2: at once when a hole fills, and for every second segment
        } else if (!t.armed(Tcb.T_DELAYED_ACK)) {
            t.arm(Tcb.T_DELAYED_ACK, host.options().delayedAckNanos());
        }
    }

    private void outOfOrder(Tcb t, InboundSegment seg, int seq, int payload, int len) {
        t.outOfOrderSegments++;
        if (t.receiveRing.addInterval(seq, seq + len)) {
            t.receiveRing.write(seq - t.rcvNxt, seg.buffer, payload, len);
        } else {
            host.count(TcpCounter.OUT_OF_ORDER_DROPPED);
        }
        t.ackNow = true; // a duplicate ACK tells the sender about the hole (RFC 5681 4.2)
    }

    private void finReceived(Tcb t) {
        t.rcvNxt++;
        t.finReceived = true;
        t.oooFin = false;
        t.ackNow = true;
        t.events |= Tcb.EV_PEER_CLOSED;
        switch (t.state) {
            case SYN_RECEIVED, ESTABLISHED -> t.state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (t.finAcked()) {
                    enterTimeWait(t);
                    t.events |= Tcb.EV_CLOSED;
                } else {
                    t.state = TcpState.CLOSING;
                }
            }
            case FIN_WAIT_2 -> {
                enterTimeWait(t);
                t.events |= Tcb.EV_CLOSED;
            }
            default -> {
            }
        }
    }

    private void enterTimeWait(Tcb t) {
        t.state = TcpState.TIME_WAIT;
        t.disarm(Tcb.T_RETRANSMIT);
        t.disarm(Tcb.T_PERSIST);
        t.disarm(Tcb.T_DELAYED_ACK);
        t.arm(Tcb.T_CLOSE, 2 * host.options().mslNanos());
    }
}
