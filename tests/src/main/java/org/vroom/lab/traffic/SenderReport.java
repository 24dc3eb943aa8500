package org.vroom.lab.traffic;

import java.util.Map;

/**
 * What a {@link SeqSender} run did, printed as one JSON line.
 *
 * @param runId       the run
 * @param count       packets it was asked to send
 * @param sent        datagrams the kernel accepted
 * @param errors      send calls that failed (for example ICMP port unreachable reported on the socket)
 * @param targetPps   requested rate, 0 = as fast as possible
 * @param payloadSize UDP payload bytes per packet
 * @param durationNs  first to last send
 * @param achievedPps (sent - 1) / duration
 * @param stalls      times the sender fell more than its burst allowance behind schedule and
 *                    re-based the schedule instead of bursting (CPU starvation shows up here)
 * @param firstError  the first send error's message, or null
 */
public record SenderReport(long runId, long count, long sent, long errors, long targetPps, int payloadSize,
                           long durationNs, double achievedPps, long stalls, String firstError) {

    public String toJson() {
        return new FlatJson().put("type", "sender").put("runId", runId).put("count", count).put("sent", sent)
                .put("errors", errors).put("targetPps", targetPps).put("payloadSize", payloadSize)
                .put("durationNs", durationNs).put("achievedPps", achievedPps).put("stalls", stalls)
                .put("firstError", firstError).toString();
    }

    public static SenderReport parse(String json) {
        Map<String, String> m = FlatJson.parse(json);
        if (!"sender".equals(m.get("type"))) {
            throw new IllegalArgumentException("not a sender report: " + json);
        }
        return new SenderReport(l(m, "runId"), l(m, "count"), l(m, "sent"), l(m, "errors"), l(m, "targetPps"),
                (int) l(m, "payloadSize"), l(m, "durationNs"), d(m, "achievedPps"), l(m, "stalls"),
                m.get("firstError"));
    }

    static long l(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException("missing field " + k);
        }
        return Long.parseLong(v);
    }

    static double d(Map<String, String> m, String k) {
        String v = m.get(k);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }
}
