package org.vroom.kernel.mgmt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.stats.CounterKind;
import org.vroom.kernel.stats.CounterRecord;
import org.vroom.kernel.stats.CounterTypes;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;

/**
 * {@code GET /metrics}: the node's counters file and status as a Prometheus text exposition.
 *
 * <ul>
 *   <li>VR counters: {@code vroom_vr_<metric>_total{vr="red",vr_id="1"}}, summed over shards;</li>
 *   <li>port counters: {@code vroom_port_<metric>_total{port="p0"}};</li>
 *   <li>other entity kinds: {@code vroom_<kind>_<metric>_total{name="...",id="..."}};</li>
 *   <li>node-wide counters (long-keys type {@link CounterTypes#NODE}):
 *       {@code vroom_node_counter_total{counter="<label>"}}; other long-keys types
 *       {@code vroom_counter_total{type_id="N",counter="<label>"}};</li>
 *   <li>gauges: {@code vroom_node_info{node}} (1), {@code vroom_node_uptime_seconds},
 *       {@code vroom_node_vrs}, {@code vroom_node_ports}, {@code vroom_vr_state{vr,vr_id,state}} (1 for the
 *       current state, 0 for the others), {@code vroom_vr_rib_routes}, {@code vroom_vr_fib_routes};</li>
 *   <li>the API's own {@code vroom_mgmt_requests_total{code}} and {@code vroom_mgmt_auth_failures_total}.</li>
 * </ul>
 * HELP lines come from the counter enums' descriptions ({@link VrCounter}, {@link PortCounter}), found by
 * the metric code the counters file records.
 */
final class MetricsExporter {
    private static final Map<Integer, String> VR_HELP = help(VrCounter.values());
    private static final Map<Integer, String> PORT_HELP = help(PortCounter.values());

    private MetricsExporter() {
    }

    private static Map<Integer, String> help(CounterKind[] kinds) {
        final Map<Integer, String> m = new HashMap<>();
        for (CounterKind k : kinds) {
            m.put(k.code(), k.description());
        }
        return m;
    }

    static String render(NodeManagement node, ManagementStats stats) {
        final PrometheusText out = new PrometheusText();
        final NodeConfig config = node.config();
        out.gauge("vroom_node_info", "The node's name as a label (always 1)", 1, "node", config.name());
        out.gauge("vroom_node_uptime_seconds", "Seconds since the node started", node.uptime().toMillis() / 1000.0);
        out.gauge("vroom_node_ports", "Substrate ports of the node", config.ports().size());
        final List<VrStatus> vrs = node.vrs();
        out.gauge("vroom_node_vrs", "Virtual routers on the node", vrs.size());
        for (VrStatus vr : vrs) {
            final String id = Integer.toString(vr.id());
            for (VrState s : VrState.values()) {
                out.gauge("vroom_vr_state", "The VR's control-plane state (1 for the current state)",
                    s == vr.state() ? 1 : 0, "vr", vr.name(), "vr_id", id, "state", s.label());
            }
            if (vr.ribRoutes() >= 0) {
                out.gauge("vroom_vr_rib_routes", "Routes in the VR's RIB (all protocols)", vr.ribRoutes(),
                    "vr", vr.name(), "vr_id", id);
            }
            if (vr.fibRoutes() >= 0) {
                out.gauge("vroom_vr_fib_routes", "Routes installed in the VR's FIB", vr.fibRoutes(),
                    "vr", vr.name(), "vr_id", id);
            }
        }
        for (CounterRecord r : node.counters()) {
            counter(out, r);
        }
        stats.export(out);
        return out.render();
    }

    private static void counter(PrometheusText out, CounterRecord r) {
        if (r.isEntity()) {
            final String metric = PrometheusText.sanitize(r.metric());
            if (r.typeId() == CounterTypes.VR) {
                out.counter("vroom_vr_" + metric + "_total",
                    VR_HELP.getOrDefault(r.metricCode(), "VR counter " + r.metric()), r.value(),
                    "vr", r.entityName(), "vr_id", Integer.toString(r.entityId()));
            } else if (r.typeId() == CounterTypes.PORT) {
                out.counter("vroom_port_" + metric + "_total",
                    PORT_HELP.getOrDefault(r.metricCode(), "Port counter " + r.metric()), r.value(),
                    "port", r.entityName());
            } else {
                final String kind = PrometheusText.sanitize(r.kind());
                out.counter("vroom_" + kind + "_" + metric + "_total", r.kind() + " counter " + r.metric(), r.value(),
                    "name", r.entityName(), "id", Integer.toString(r.entityId()));
            }
        } else if (r.typeId() == CounterTypes.VR_STACK) {
            final String label = r.label();
            final int vr = label.lastIndexOf(" vr=");
            out.counter("vroom_vr_stack_total", "Counters of a VR's host stack (IP dispatch, TCP, UDP), by name",
                r.value(), "vr", vr < 0 ? "" : label.substring(vr + 4), "vr_id",
                Long.toString(r.keys().length > 0 ? r.keys()[0] : 0), "counter", vr < 0 ? label : label.substring(0, vr));
        } else if (r.typeId() == CounterTypes.NODE) {
            out.counter("vroom_node_counter_total", "Node-wide counters, by name", r.value(), "counter", r.label());
        } else {
            out.counter("vroom_counter_total", "Other counters of the node's counters file, by type and name",
                r.value(), "type_id", Integer.toString(r.typeId()), "counter", r.label());
        }
    }
}
