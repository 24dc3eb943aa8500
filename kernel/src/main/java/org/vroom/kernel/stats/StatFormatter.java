package org.vroom.kernel.stats;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a {@link CountersSnapshot} into the rows {@code vroom stat} prints (shards of one entity
 * counter summed) and prints them as a table or as JSON lines.
 */
final class StatFormatter {
    /**
     * One printed counter: an entity counter summed over its shards, or one other counter.
     *
     * @param key    identity across samples, for rates
     * @param group  "port eth0", "vr 7 blue", "node"
     * @param metric metric name, or label for non-entity counters
     * @param sample first record of the row (type, ids, kind, keys)
     */
    record Row(String key, String group, String metric, long value, int shards, CounterRecord sample) {
    }

    private static final Comparator<Row> ORDER = Comparator
        .comparingInt((Row r) -> groupClass(r.sample()))
        .thenComparingInt(r -> r.sample().typeId())
        .thenComparingInt(r -> r.sample().entityId())
        .thenComparing(r -> r.sample().entityName() == null ? "" : r.sample().entityName())
        .thenComparingInt(r -> r.sample().metricCode())
        .thenComparingInt(r -> r.sample().id());

    private StatFormatter() {
    }

    private static int groupClass(final CounterRecord r) {
        if (r.typeId() == CounterTypes.PORT) {
            return 0;
        }
        if (r.typeId() == CounterTypes.VR) {
            return 1;
        }
        return r.isEntity() ? 2 : 3;
    }

    /** Rows of a snapshot, shards summed, sorted, keeping those whose group or name contains {@code filter}. */
    static List<Row> rows(final CountersSnapshot snapshot, final String filter) {
        final String needle = filter == null ? null : filter.toLowerCase(Locale.ROOT);
        final Map<String, Row> byKey = new LinkedHashMap<>();
        for (final CounterRecord r : snapshot.counters()) {
            final String key = r.isEntity()
                ? r.typeId() + "/" + r.entityId() + "/" + r.entityName() + "/" + r.metricCode() + "/" + r.metric()
                : r.id() + "#" + r.registrationId();
            final Row old = byKey.get(key);
            byKey.put(key, old == null
                ? new Row(key, r.group(), r.metric(), r.value(), 1, r)
                : new Row(key, old.group(), old.metric(), old.value() + r.value(), old.shards() + 1, old.sample()));
        }
        final List<Row> rows = new ArrayList<>();
        for (final Row row : byKey.values()) {
            if (needle == null || (row.group() + " " + row.metric() + " " + row.sample().label())
                .toLowerCase(Locale.ROOT).contains(needle)) {
                rows.add(row);
            }
        }
        rows.sort(ORDER);
        return rows;
    }

    /** Values of rows by key, to compute rates at the next sample. */
    static Map<String, Long> values(final List<Row> rows) {
        final Map<String, Long> values = new LinkedHashMap<>();
        for (final Row row : rows) {
            values.put(row.key(), row.value());
        }
        return values;
    }

    /** Rate per second since the previous sample, or NaN when unknown (first sample, new or reset counter). */
    static double rate(final Row row, final Map<String, Long> previous, final double elapsedSeconds) {
        if (previous == null || elapsedSeconds <= 0) {
            return Double.NaN;
        }
        final Long before = previous.get(row.key());
        if (before == null || row.value() < before) {
            return Double.NaN;
        }
        return (row.value() - before) / elapsedSeconds;
    }

    /** One line describing the node. */
    static String nodeLine(final CountersSnapshot snapshot) {
        final CountersHeader h = snapshot.header();
        final StringBuilder sb = new StringBuilder(160)
            .append("node ").append(h.nodeName())
            .append("  pid ").append(h.pid())
            .append("  ").append(snapshot.status().word())
            .append("  started ").append(Instant.ofEpochMilli(h.startTimeMs()))
            .append("  counters ").append(snapshot.counters().size()).append(" of ").append(h.maxCounters())
            .append("  ").append(snapshot.file());
        if (snapshot.corruptRecords() > 0) {
            sb.append("  (").append(snapshot.corruptRecords()).append(" corrupt records skipped)");
        }
        return sb.toString();
    }

    /** What an operator must know about a node that is not running, or {@code null} when it runs. */
    static String statusWarning(final CountersSnapshot snapshot) {
        final CountersHeader h = snapshot.header();
        return switch (snapshot.status()) {
            case RUNNING -> null;
            case STALE -> "STALE: node " + h.nodeName() + " is not running (pid " + h.pid()
                + " is gone and did not close " + snapshot.file() + "); values are the last ones it wrote";
            case CLOSED -> "STOPPED: node " + h.nodeName() + " closed its counters cleanly; values are final";
        };
    }

    static void table(
        final PrintStream out,
        final CountersSnapshot snapshot,
        final List<Row> rows,
        final Map<String, Long> previous,
        final double elapsedSeconds,
        final boolean watch,
        final long nowEpochMs) {
        if (watch) {
            out.println("--- " + Instant.ofEpochMilli(nowEpochMs));
        }
        out.println(nodeLine(snapshot));
        final String warning = statusWarning(snapshot);
        if (warning != null) {
            out.println(warning);
        }
        int nameWidth = 24;
        for (final Row row : rows) {
            nameWidth = Math.max(nameWidth, row.metric().length() + (row.sample().isEntity() ? 0 : 8));
        }
        final String rowFormat = "  %-" + nameWidth + "s %20d" + (watch ? " %14s%n" : "%n");
        String group = null;
        for (final Row row : rows) {
            if (!row.group().equals(group)) {
                group = row.group();
                if (watch) {
                    out.printf("%-" + (nameWidth + 2) + "s %20s %14s%n", group, "value", "rate/s");
                } else {
                    out.println(group);
                }
            }
            final String name = row.sample().isEntity() ? row.metric() : row.metric() + " [" + row.sample().id() + "]";
            if (watch) {
                final double rate = rate(row, previous, elapsedSeconds);
                out.printf(Locale.ROOT, rowFormat, name, row.value(),
                    Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.1f", rate));
            } else {
                out.printf(Locale.ROOT, rowFormat, name, row.value());
            }
        }
        if (rows.isEmpty()) {
            out.println("  (no counters" + (snapshot.counters().isEmpty() ? ")" : " match the filter)"));
        }
        out.println();
    }

    static void json(
        final PrintStream out,
        final CountersSnapshot snapshot,
        final List<Row> rows,
        final Map<String, Long> previous,
        final double elapsedSeconds,
        final long nowEpochMs) {
        final CountersHeader h = snapshot.header();
        final String time = Instant.ofEpochMilli(nowEpochMs).toString();
        final StringBuilder sb = new StringBuilder(256);
        sb.append("{\"record\":\"node\",\"time\":").append(quote(time))
            .append(",\"node\":").append(quote(h.nodeName()))
            .append(",\"pid\":").append(h.pid())
            .append(",\"status\":").append(quote(snapshot.status().word()))
            .append(",\"alive\":").append(snapshot.status() == NodeStatus.RUNNING)
            .append(",\"started\":").append(quote(Instant.ofEpochMilli(h.startTimeMs()).toString()))
            .append(",\"counters\":").append(snapshot.counters().size())
            .append(",\"capacity\":").append(h.maxCounters())
            .append(",\"corrupt\":").append(snapshot.corruptRecords())
            .append(",\"file\":").append(quote(String.valueOf(snapshot.file())))
            .append('}');
        out.println(sb);
        for (final Row row : rows) {
            final CounterRecord r = row.sample();
            sb.setLength(0);
            sb.append("{\"record\":\"counter\",\"time\":").append(quote(time))
                .append(",\"node\":").append(quote(h.nodeName()))
                .append(",\"group\":").append(quote(row.group()))
                .append(",\"kind\":").append(quote(r.kind()))
                .append(",\"type\":").append(r.typeId());
            if (r.isEntity()) {
                sb.append(",\"entity\":").append(quote(r.entityName()))
                    .append(",\"entity_id\":").append(r.entityId())
                    .append(",\"code\":").append(r.metricCode())
                    .append(",\"shards\":").append(row.shards());
            } else {
                sb.append(",\"id\":").append(r.id()).append(",\"keys\":[");
                for (int i = 0; i < r.keys().length; i++) {
                    sb.append(i == 0 ? "" : ",").append(r.keys()[i]);
                }
                sb.append(']');
            }
            sb.append(",\"metric\":").append(quote(row.metric()))
                .append(",\"value\":").append(row.value());
            final double rate = rate(row, previous, elapsedSeconds);
            if (!Double.isNaN(rate)) {
                sb.append(",\"rate\":").append(String.format(Locale.ROOT, "%.3f", rate));
            }
            out.println(sb.append('}'));
        }
    }

    /** A JSON string literal. */
    static String quote(final String s) {
        final StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
