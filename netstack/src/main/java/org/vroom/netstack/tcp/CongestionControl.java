package org.vroom.netstack.tcp;

import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;

/**
 * Congestion control per RFC 5681 (slow start, congestion avoidance by bytes acknowledged, fast
 * retransmit on the third duplicate ACK, restart after idle) with NewReno fast recovery (RFC 6582:
 * partial ACKs retransmit the next hole and stay in recovery until {@code recover} is acknowledged).
 * Holds the state and decides; the connection sends.
 */
final class CongestionControl {
    static final int DUP_ACK_THRESHOLD = 3;

    long cwnd;
    long ssthresh = Integer.MAX_VALUE;
    /** NewReno: SND.MAX when recovery (or the last timeout) began; full ACKs reach it. */
    int recover;
    int dupAcks;
    boolean inRecovery;
    /** Bytes acknowledged in congestion avoidance since cwnd last grew. */
    long bytesAcked;

    /** RFC 5681 section 3.1 initial window. */
    static long initialWindow(int mss) {
        return Math.min(4L * mss, Math.max(2L * mss, 4380));
    }

    void start(int iss, int mss) {
        cwnd = initialWindow(mss);
        recover = iss;
    }

    /** New data acknowledged outside recovery. */
    void onNewAck(long acked, int mss) {
        dupAcks = 0;
        if (cwnd < ssthresh) {
            cwnd += Math.min(acked, mss);
        } else {
            bytesAcked += acked;
            if (bytesAcked >= cwnd) {
                bytesAcked -= cwnd;
                cwnd += mss;
            }
        }
    }

    /**
     * A duplicate ACK. Returns true when it is the third and fast retransmit begins (the caller
     * retransmits the first unacknowledged segment).
     */
    boolean onDupAck(int ack, long flight, int mss, int sndMax) {
        dupAcks++;
        if (inRecovery) {
            cwnd += mss; // fast recovery: each duplicate means a segment left the network
            return false;
        }
        if (dupAcks == DUP_ACK_THRESHOLD && Seq.gt(ack, recover)) {
            ssthresh = Math.max(flight / 2, 2L * mss);
            recover = sndMax;
            cwnd = ssthresh + (long) DUP_ACK_THRESHOLD * mss;
            inRecovery = true;
            return true;
        }
        return false;
    }

    /**
     * New data acknowledged during recovery. Returns true for a partial ACK (the caller retransmits the
     * next unacknowledged segment and restarts the timer); false for the full ACK that ends recovery.
     */
    boolean onAckInRecovery(int ack, long acked, long flightAfter, int mss) {
        if (Seq.ge(ack, recover)) {
            cwnd = Math.min(ssthresh, Math.max(flightAfter, mss) + mss);
            inRecovery = false;
            dupAcks = 0;
            bytesAcked = 0;
            return false;
        }
        cwnd = Math.max(mss, cwnd - acked + (acked >= mss ? mss : 0));
        return true;
    }

    void onTimeout(long flight, int mss, int sndMax) {
        ssthresh = Math.max(flight / 2, 2L * mss);
        cwnd = mss;
        recover = sndMax;
        inRecovery = false;
        dupAcks = 0;
        bytesAcked = 0;
    }

    /** RFC 5681 section 4.1: after an idle period longer than the RTO, restart from the initial window. */
    void onIdleRestart(int mss) {
        cwnd = Math.min(cwnd, initialWindow(mss));
    }

    void write(CheckpointWriter out) {
        out.putLong(cwnd).putLong(ssthresh).putInt(recover).putVarInt(dupAcks).putBoolean(inRecovery)
                .putLong(bytesAcked);
    }

    void read(CheckpointReader in) {
        cwnd = in.getLong();
        ssthresh = in.getLong();
        recover = in.getInt();
        dupAcks = in.getVarInt();
        inRecovery = in.getBoolean();
        bytesAcked = in.getLong();
    }

    String describe() {
        return "cwnd=" + cwnd + " ssthresh=" + ssthresh + " recover=" + Integer.toUnsignedString(recover) + " dupacks="
                + dupAcks + " recovery=" + inRecovery + " caBytes=" + bytesAcked;
    }
}
