package org.vroom.lab.traffic;

/**
 * Exact accounting of one sequence-numbered run, over a bitmap with one bit per sequence number.
 * Definitions:
 * <ul>
 *   <li><b>received</b>: every packet of the run that arrived, duplicates and out-of-range included;</li>
 *   <li><b>unique</b>: distinct sequence numbers in {@code [0, expected)} that arrived;</li>
 *   <li><b>lost</b>: {@code expected - unique};</li>
 *   <li><b>duplicates</b>: arrivals of a sequence number already seen;</li>
 *   <li><b>reordered</b>: first arrivals of a sequence number lower than the highest seen before it
 *       (RFC 4737's "reordered" singleton); its distance is {@code highest - seq};</li>
 *   <li><b>outOfRange</b>: sequence numbers outside {@code [0, expected)}.</li>
 * </ul>
 * {@link #onPacket} allocates nothing. Not thread-safe: one receiving thread owns it.
 */
public final class SeqAccounting {
    /** Largest run accepted: the bitmap then takes 128 MiB. */
    public static final long MAX_EXPECTED = 1L << 30;
    /** Pass as {@code latencyNanos} when no latency is known. */
    public static final long NO_LATENCY = Long.MIN_VALUE;

    private final long expected;
    private final long[] seen;
    private long received;
    private long unique;
    private long duplicates;
    private long reordered;
    private long maxReorderDistance;
    private long outOfRange;
    private long highest = -1;
    private long firstArrivalNanos;
    private long lastArrivalNanos;
    private long maxGapNanos;
    private long latencySamples;
    private long latencySum;
    private long latencyMin = Long.MAX_VALUE;
    private long latencyMax = Long.MIN_VALUE;

    public SeqAccounting(long expected) {
        if (expected < 1 || expected > MAX_EXPECTED) {
            throw new IllegalArgumentException("expected packet count must be in [1, " + MAX_EXPECTED + "]: " + expected);
        }
        this.expected = expected;
        this.seen = new long[(int) ((expected + 63) >>> 6)];
    }

    /** Records one arrival of the run. */
    public void onPacket(long seq, long arrivalNanos, long latencyNanos) {
        if (received == 0) {
            firstArrivalNanos = arrivalNanos;
        } else {
            long gap = arrivalNanos - lastArrivalNanos;
            if (gap > maxGapNanos) {
                maxGapNanos = gap;
            }
        }
        lastArrivalNanos = arrivalNanos;
        received++;
        if (seq < 0 || seq >= expected) {
            outOfRange++;
            return;
        }
        int word = (int) (seq >>> 6);
        long bit = 1L << seq; // shift uses the low 6 bits
        if ((seen[word] & bit) != 0) {
            duplicates++;
            return;
        }
        seen[word] |= bit;
        unique++;
        if (seq < highest) {
            reordered++;
            long distance = highest - seq;
            if (distance > maxReorderDistance) {
                maxReorderDistance = distance;
            }
        } else {
            highest = seq;
        }
        if (latencyNanos != NO_LATENCY) {
            latencySamples++;
            latencySum += latencyNanos;
            if (latencyNanos < latencyMin) {
                latencyMin = latencyNanos;
            }
            if (latencyNanos > latencyMax) {
                latencyMax = latencyNanos;
            }
        }
    }

    public long expected() {
        return expected;
    }

    public long received() {
        return received;
    }

    public long unique() {
        return unique;
    }

    public long lost() {
        return expected - unique;
    }

    public long duplicates() {
        return duplicates;
    }

    public long reordered() {
        return reordered;
    }

    public long maxReorderDistance() {
        return maxReorderDistance;
    }

    public long outOfRange() {
        return outOfRange;
    }

    /** Highest sequence number seen in range, or -1. */
    public long highest() {
        return highest;
    }

    public boolean complete() {
        return unique == expected;
    }

    /** True once the run's last sequence number ({@code expected - 1}) has arrived. */
    public boolean lastSeen() {
        return has(expected - 1);
    }

    public boolean has(long seq) {
        return seq >= 0 && seq < expected && (seen[(int) (seq >>> 6)] & (1L << seq)) != 0;
    }

    public long firstArrivalNanos() {
        return firstArrivalNanos;
    }

    public long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /** Longest time between two consecutive arrivals (a forwarding outage shows up here). */
    public long maxGapNanos() {
        return maxGapNanos;
    }

    public long latencyMinNanos() {
        return latencySamples == 0 ? -1 : latencyMin;
    }

    public long latencyMaxNanos() {
        return latencySamples == 0 ? -1 : latencyMax;
    }

    public long latencyAvgNanos() {
        return latencySamples == 0 ? -1 : latencySum / latencySamples;
    }

    /** The longest run of consecutive missing sequence numbers. */
    public long maxLossBurst() {
        long best = 0;
        long run = 0;
        for (long s = 0; s < expected; s++) {
            if (has(s)) {
                run = 0;
            } else if (++run > best) {
                best = run;
            }
        }
        return best;
    }

    /** How many separate runs of missing sequence numbers there are. */
    public long lossBursts() {
        long bursts = 0;
        boolean inBurst = false;
        for (long s = 0; s < expected; s++) {
            if (has(s)) {
                inBurst = false;
            } else if (!inBurst) {
                inBurst = true;
                bursts++;
            }
        }
        return bursts;
    }
}
