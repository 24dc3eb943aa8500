package org.vroom.lab.traffic;

import java.util.Map;

/**
 * What a {@link SeqSink} counted, printed as one JSON line. See {@link SeqAccounting} for the exact
 * definitions of the counters.
 *
 * @param runId              the run counted (others are {@code foreign})
 * @param expected           packets in the run (from the packets, or from {@code --count})
 * @param received           arrivals of the run, duplicates included
 * @param unique             distinct in-range sequence numbers
 * @param lost               expected - unique
 * @param duplicates         repeated arrivals
 * @param reordered          first arrivals below the highest sequence number seen before
 * @param maxReorderDistance largest {@code highest - seq} of a reordered packet
 * @param outOfRange         sequence numbers outside {@code [0, expected)}
 * @param foreign            valid packets of another run
 * @param malformed          datagrams that are not sequence packets
 * @param maxLossBurst       longest run of consecutive missing sequence numbers
 * @param lossBursts         number of runs of missing sequence numbers
 * @param durationNs         first to last arrival
 * @param rxPps              (received - 1) / duration
 * @param maxGapNs           longest time between consecutive arrivals
 * @param latencyMinNs       one-way latency (sender and sink share CLOCK_MONOTONIC), -1 if unknown
 * @param latencyAvgNs       average one-way latency
 * @param latencyMaxNs       maximum one-way latency
 * @param rcvbuf             the socket receive buffer the kernel granted
 * @param endReason          {@code complete}, {@code last-seen} (last packet then a quiet grace
 *                           period), {@code idle}, {@code no-traffic} or {@code stopped}
 */
public record SinkReport(long runId, long expected, long received, long unique, long lost, long duplicates,
                         long reordered, long maxReorderDistance, long outOfRange, long foreign, long malformed,
                         long maxLossBurst, long lossBursts, long durationNs, double rxPps, long maxGapNs,
                         long latencyMinNs, long latencyAvgNs, long latencyMaxNs, long rcvbuf, String endReason) {

    /** True when every packet of the run arrived exactly once and in order. */
    public boolean perfect() {
        return expected > 0 && lost == 0 && duplicates == 0 && reordered == 0 && outOfRange == 0;
    }

    /** Lost packets as a fraction of expected. */
    public double lossRatio() {
        return expected == 0 ? 1.0 : (double) lost / expected;
    }

    public String toJson() {
        return new FlatJson().put("type", "sink").put("runId", runId).put("expected", expected)
                .put("received", received).put("unique", unique).put("lost", lost).put("duplicates", duplicates)
                .put("reordered", reordered).put("maxReorderDistance", maxReorderDistance)
                .put("outOfRange", outOfRange).put("foreign", foreign).put("malformed", malformed)
                .put("maxLossBurst", maxLossBurst).put("lossBursts", lossBursts).put("durationNs", durationNs)
                .put("rxPps", rxPps).put("maxGapNs", maxGapNs).put("latencyMinNs", latencyMinNs)
                .put("latencyAvgNs", latencyAvgNs).put("latencyMaxNs", latencyMaxNs).put("rcvbuf", rcvbuf)
                .put("endReason", endReason).toString();
    }

    public static SinkReport parse(String json) {
        Map<String, String> m = FlatJson.parse(json);
        if (!"sink".equals(m.get("type"))) {
            throw new IllegalArgumentException("not a sink report: " + json);
        }
        return new SinkReport(l(m, "runId"), l(m, "expected"), l(m, "received"), l(m, "unique"), l(m, "lost"),
                l(m, "duplicates"), l(m, "reordered"), l(m, "maxReorderDistance"), l(m, "outOfRange"),
                l(m, "foreign"), l(m, "malformed"), l(m, "maxLossBurst"), l(m, "lossBursts"), l(m, "durationNs"),
                SenderReport.d(m, "rxPps"), l(m, "maxGapNs"), l(m, "latencyMinNs"), l(m, "latencyAvgNs"),
                l(m, "latencyMaxNs"), l(m, "rcvbuf"), m.get("endReason"));
    }

    private static long l(Map<String, String> m, String k) {
        return SenderReport.l(m, k);
    }
}
