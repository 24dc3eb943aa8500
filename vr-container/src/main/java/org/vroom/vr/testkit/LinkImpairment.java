package org.vroom.vr.testkit;

/**
 * Deterministic faults of a simulated segment ({@link SimNetwork.Segment#impair}): every datagram
 * handed to a receiver is, with the given probabilities drawn from a generator seeded with
 * {@code seed}, lost, delivered twice, or held back by {@code reorderDelayNanos} so that later ones
 * overtake it; every delivery takes {@code latencyNanos}. The same seed and the same traffic give the
 * same faults.
 *
 * @param seed              seed of the segment's fault generator
 * @param loss              probability that a delivery is lost, 0..1
 * @param duplicate         probability that a delivery happens twice, 0..1
 * @param reorder           probability that a delivery is delayed by {@code reorderDelayNanos}, 0..1
 * @param latencyNanos      one-way delay of every delivery (0: the receiver's next loop turn)
 * @param reorderDelayNanos extra delay of a reordered delivery
 */
public record LinkImpairment(long seed, double loss, double duplicate, double reorder, long latencyNanos,
                             long reorderDelayNanos) {
    /** No faults, no latency. */
    public static final LinkImpairment NONE = new LinkImpairment(0, 0, 0, 0, 0, 0);

    public LinkImpairment {
        check("loss", loss);
        check("duplicate", duplicate);
        check("reorder", reorder);
        if (latencyNanos < 0 || reorderDelayNanos < 0) {
            throw new IllegalArgumentException("delays must not be negative");
        }
    }

    private static void check(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " probability " + p + " is not 0..1");
        }
    }

    /** Only a one-way latency. */
    public static LinkImpairment latency(long nanos) {
        return new LinkImpairment(0, 0, 0, 0, nanos, 0);
    }

    public LinkImpairment withLatency(long nanos) {
        return new LinkImpairment(seed, loss, duplicate, reorder, nanos, reorderDelayNanos);
    }

    boolean faulty() {
        return loss > 0 || duplicate > 0 || reorder > 0;
    }
}
