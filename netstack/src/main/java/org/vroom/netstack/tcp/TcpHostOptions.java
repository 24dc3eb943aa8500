package org.vroom.netstack.tcp;

import java.util.concurrent.TimeUnit;

/**
 * Stack-wide TCP settings of one VR (not per connection; not checkpointed: the node configures them).
 *
 * <p><b>Minimum RTO: 200 ms</b> (RFC 6298 section 2.4 says 1 s SHOULD; Linux uses 200 ms). A VR's
 * TCP carries BGP, almost always to a directly connected or nearby peer with a sub-millisecond RTT; with
 * a 1 s floor one lost segment stalls an UPDATE burst for a second, and it would make us slower to
 * recover than the Linux peers (FRR, BIRD) we talk to. 200 ms stays above the delayed-ACK timers of
 * those peers (Linux: 40 ms minimum, 200 ms maximum), so a delayed ACK does not cause a spurious
 * timeout; the RTT variance term adds the rest.
 *
 * @param mslNanos               maximum segment lifetime; TIME-WAIT lasts 2 MSL (default 30 s, i.e. the
 *                               60 s TIME-WAIT of Linux)
 * @param minRtoNanos            lower bound of the retransmission timeout (see above)
 * @param maxRtoNanos            upper bound of the retransmission timeout and of its backoff (RFC 6298: at least 60 s)
 * @param initialRtoNanos        RTO before the first RTT sample (RFC 6298: 1 s)
 * @param delayedAckNanos        how long an ACK may wait for a second segment or for data to piggyback on
 * @param finWait2TimeoutNanos   how long a connection the application closed waits in FIN-WAIT-2 for the peer's FIN
 * @param ephemeralFirst         first local port for active opens (IANA dynamic range starts at 49152)
 * @param ephemeralLast          last local port for active opens
 * @param challengeAcksPerSecond RFC 5961 section 7 limit of challenge ACKs for the whole stack
 * @param invalidAckIntervalNanos per connection, the least time between two ACKs sent in reply to
 *                               segments that occupy no sequence space (or carry SYN) and are out of
 *                               the window or acknowledge unsent data: two desynchronised ends would
 *                               otherwise answer each other's ACKs forever (Linux: 500 ms,
 *                               {@code tcp_invalid_ratelimit})
 */
public record TcpHostOptions(long mslNanos, long minRtoNanos, long maxRtoNanos, long initialRtoNanos,
                             long delayedAckNanos, long finWait2TimeoutNanos, int ephemeralFirst, int ephemeralLast,
                             int challengeAcksPerSecond, long invalidAckIntervalNanos) {
    public static final TcpHostOptions DEFAULT = new TcpHostOptions(TimeUnit.SECONDS.toNanos(30),
            TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(40), TimeUnit.SECONDS.toNanos(60), 49152, 65535, 1000,
            TimeUnit.MILLISECONDS.toNanos(500));

    public TcpHostOptions {
        if (mslNanos <= 0 || minRtoNanos <= 0 || maxRtoNanos < minRtoNanos || initialRtoNanos < minRtoNanos
                || initialRtoNanos > maxRtoNanos || delayedAckNanos <= 0 || finWait2TimeoutNanos <= 0) {
            throw new IllegalArgumentException("bad TCP timers: " + mslNanos + "/" + minRtoNanos + "/" + maxRtoNanos
                    + "/" + initialRtoNanos + "/" + delayedAckNanos + "/" + finWait2TimeoutNanos);
        }
        if (delayedAckNanos >= minRtoNanos) {
            throw new IllegalArgumentException("the delayed-ACK timeout must be below the minimum RTO");
        }
        if (ephemeralFirst < 1024 || ephemeralLast > 65535 || ephemeralFirst > ephemeralLast) {
            throw new IllegalArgumentException("ephemeral ports " + ephemeralFirst + ".." + ephemeralLast);
        }
        if (challengeAcksPerSecond < 1) {
            throw new IllegalArgumentException("challenge ACK limit " + challengeAcksPerSecond);
        }
        if (invalidAckIntervalNanos < 0) {
            throw new IllegalArgumentException("invalid-ACK interval " + invalidAckIntervalNanos);
        }
    }

    public TcpHostOptions withMsl(long nanos) {
        return new TcpHostOptions(nanos, minRtoNanos, maxRtoNanos, initialRtoNanos, delayedAckNanos,
                finWait2TimeoutNanos, ephemeralFirst, ephemeralLast, challengeAcksPerSecond, invalidAckIntervalNanos);
    }

    public TcpHostOptions withRto(long minNanos, long initialNanos, long maxNanos) {
        return new TcpHostOptions(mslNanos, minNanos, maxNanos, initialNanos, delayedAckNanos, finWait2TimeoutNanos,
                ephemeralFirst, ephemeralLast, challengeAcksPerSecond, invalidAckIntervalNanos);
    }

    public TcpHostOptions withEphemeralPorts(int first, int last) {
        return new TcpHostOptions(mslNanos, minRtoNanos, maxRtoNanos, initialRtoNanos, delayedAckNanos,
                finWait2TimeoutNanos, first, last, challengeAcksPerSecond, invalidAckIntervalNanos);
    }

    public TcpHostOptions withFinWait2Timeout(long nanos) {
        return new TcpHostOptions(mslNanos, minRtoNanos, maxRtoNanos, initialRtoNanos, delayedAckNanos, nanos,
                ephemeralFirst, ephemeralLast, challengeAcksPerSecond, invalidAckIntervalNanos);
    }

    public TcpHostOptions withChallengeAcksPerSecond(int limit) {
        return new TcpHostOptions(mslNanos, minRtoNanos, maxRtoNanos, initialRtoNanos, delayedAckNanos,
                finWait2TimeoutNanos, ephemeralFirst, ephemeralLast, limit, invalidAckIntervalNanos);
    }

    public TcpHostOptions withInvalidAckInterval(long nanos) {
        return new TcpHostOptions(mslNanos, minRtoNanos, maxRtoNanos, initialRtoNanos, delayedAckNanos,
                finWait2TimeoutNanos, ephemeralFirst, ephemeralLast, challengeAcksPerSecond, nanos);
    }
}
