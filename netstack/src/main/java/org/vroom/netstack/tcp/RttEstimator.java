package org.vroom.netstack.tcp;

import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;

/**
 * The retransmission timer's estimator (RFC 6298): SRTT and RTTVAR from one timed segment at a time
 * (Karn's algorithm: a retransmission cancels the measurement), RTO = SRTT + max(G, 4 RTTVAR) bounded by
 * the stack's minimum and maximum, and an exponential backoff applied on top until new data is
 * acknowledged.
 */
final class RttEstimator {
    /** Clock granularity G: the loop's timers are not finer than this in practice. */
    static final long GRANULARITY_NANOS = 1_000_000;
    /** RFC 6298 section 5.7: RTO after a handshake whose SYN was retransmitted, without an RTT sample. */
    static final long SYN_RETRANSMITTED_RTO_NANOS = 3_000_000_000L;

    private final long minRto;
    private final long maxRto;
    long srtt;
    long rttvar;
    long rto;
    boolean hasSample;
    int backoff;
    boolean timing;
    int timedSeq;
    long timedAt;

    RttEstimator(TcpHostOptions options) {
        this.minRto = options.minRtoNanos();
        this.maxRto = options.maxRtoNanos();
        this.rto = options.initialRtoNanos();
    }

    /** The timeout to arm now: RTO doubled per backoff step, at most the maximum. */
    long currentRto() {
        long r = rto;
        for (int i = 0; i < backoff && r < maxRto; i++) {
            r <<= 1;
        }
        return Math.min(r, maxRto);
    }

    void startTiming(int seq, long now) {
        timing = true;
        timedSeq = seq;
        timedAt = now;
    }

    /** An ACK up to {@code ack} arrived: completes the measurement if it covers the timed segment. */
    void onAck(int ack, long now) {
        if (timing && Seq.gt(ack, timedSeq)) {
            timing = false;
            sample(Math.max(0, now - timedAt));
        }
    }

    void sample(long r) {
        if (!hasSample) {
            srtt = r;
            rttvar = r / 2;
            hasSample = true;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.max(minRto, Math.min(maxRto, srtt + Math.max(GRANULARITY_NANOS, 4 * rttvar)));
    }

    /** Karn: a retransmission makes the running measurement ambiguous. */
    void cancelTiming() {
        timing = false;
    }

    void backOff() {
        if (currentRto() < maxRto) {
            backoff++;
        }
    }

    void resetBackoff() {
        backoff = 0;
    }

    void write(CheckpointWriter out, long now) {
        out.putLong(srtt).putLong(rttvar).putLong(rto).putBoolean(hasSample).putVarInt(backoff)
                .putBoolean(timing).putInt(timedSeq).putLong(timing ? now - timedAt : 0);
    }

    /** Reads what {@link #write} wrote; returns the age of the running measurement (the caller rebases it). */
    long read(CheckpointReader in) {
        srtt = in.getLong();
        rttvar = in.getLong();
        rto = in.getLong();
        hasSample = in.getBoolean();
        backoff = in.getVarInt();
        timing = in.getBoolean();
        timedSeq = in.getInt();
        return in.getLong();
    }

    String describe(long now) {
        return "srtt=" + srtt + " rttvar=" + rttvar + " rto=" + rto + " sampled=" + hasSample + " backoff=" + backoff
                + " timing=" + (timing ? timedSeq + "@" + (now - timedAt) : "no");
    }
}
