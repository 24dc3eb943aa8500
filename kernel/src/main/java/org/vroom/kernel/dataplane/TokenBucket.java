package org.vroom.kernel.dataplane;

/**
 * A token bucket for rate limits on a single thread (ICMP error generation per VR, RFC 1812 4.3.2.8).
 * No allocation, no locks; time comes from the caller.
 */
public final class TokenBucket {
    private final long nanosPerToken;
    private final long burstNanos;
    private long time;

    /** {@code ratePerSecond} tokens per second, at most {@code burst} at once. */
    public TokenBucket(int ratePerSecond, int burst) {
        if (ratePerSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.nanosPerToken = 1_000_000_000L / ratePerSecond;
        this.burstNanos = nanosPerToken * burst;
        this.time = Long.MIN_VALUE / 2;
    }

    /** Takes a token if one is available at {@code nowNanos}. */
    public boolean tryAcquire(long nowNanos) {
        long t = Math.max(time, nowNanos - burstNanos);
        if (t + nanosPerToken > nowNanos) {
            return false;
        }
        time = t + nanosPerToken;
        return true;
    }
}
