package org.vroom.kernel.mgmt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The management API's own counters (requests by status, authentication failures). Thread-safe. */
final class ManagementStats {
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder authFailures = new LongAdder();

    void response(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void authFailure() {
        authFailures.increment();
    }

    long responses(int status) {
        final LongAdder a = byStatus.get(status);
        return a == null ? 0 : a.sum();
    }

    void export(PrometheusText out) {
        out.counter("vroom_mgmt_auth_failures_total",
            "Requests to state-changing endpoints refused for a missing or wrong token", authFailures.sum());
        for (Map.Entry<Integer, LongAdder> e : byStatus.entrySet()) {
            out.counter("vroom_mgmt_requests_total", "Management API responses, by HTTP status", e.getValue().sum(),
                "code", Integer.toString(e.getKey()));
        }
    }
}
