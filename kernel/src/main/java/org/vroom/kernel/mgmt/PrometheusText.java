package org.vroom.kernel.mgmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a Prometheus text exposition (format 0.0.4): metric families, each written once as
 * {@code # HELP}, {@code # TYPE} and its samples, families sorted by name and samples by labels;
 * samples with the same name and labels are summed (counter shards). Names are sanitised to
 * {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label values escaped ({@code \\}, {@code \"}, {@code \n}), HELP text
 * escaped ({@code \\}, {@code \n}). Not thread-safe: one instance per scrape.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** A metric type. */
    enum Type {
        COUNTER, GAUGE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A sample's sum: counters add exact 64-bit integers, gauges doubles. */
    private static final class Sample {
        long count;
        double gauge;
    }

    private record Family(String help, Type type, Map<String, Sample> samples) {
    }

    private final Map<String, Family> families = new TreeMap<>();

    /** Adds {@code value} to counter sample {@code name{labels}} (see {@link #sample}). */
    void counter(String name, String help, long value, String... labels) {
        sample(name, Type.COUNTER, help, labels).count += value;
    }

    /** Adds {@code value} to gauge sample {@code name{labels}} (see {@link #sample}). */
    void gauge(String name, String help, double value, String... labels) {
        sample(name, Type.GAUGE, help, labels).gauge += value;
    }

    /**
     * The sample {@code name{labels}}, creating the family if new. The first HELP given for a family wins.
     *
     * @param labels alternating label names and values
     * @throws IllegalArgumentException if {@code name} or a label name is not valid, or a family is used
     *                                  with two types
     */
    private Sample sample(String name, Type type, String help, String... labels) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name " + name);
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs");
        }
        final Family family = families.computeIfAbsent(name, n -> new Family(help, type, new TreeMap<>()));
        if (family.type() != type) {
            throw new IllegalArgumentException("metric " + name + " is a " + family.type().label() + ", not a "
                + type.label());
        }
        final StringBuilder key = new StringBuilder();
        for (int i = 0; i < labels.length; i += 2) {
            if (!LABEL.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                throw new IllegalArgumentException("invalid label name " + labels[i]);
            }
            key.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1]))
                .append('"');
        }
        return family.samples().computeIfAbsent(key.toString(), k -> new Sample());
    }

    /** The exposition text. */
    String render() {
        final StringBuilder sb = new StringBuilder(4096);
        for (Map.Entry<String, Family> e : families.entrySet()) {
            final Family f = e.getValue();
            sb.append("# HELP ").append(e.getKey()).append(' ').append(escapeHelp(f.help())).append('\n');
            sb.append("# TYPE ").append(e.getKey()).append(' ').append(f.type().label()).append('\n');
            for (Map.Entry<String, Sample> s : f.samples().entrySet()) {
                sb.append(e.getKey());
                if (!s.getKey().isEmpty()) {
                    sb.append('{').append(s.getKey()).append('}');
                }
                sb.append(' ');
                if (f.type() == Type.COUNTER) {
                    sb.append(s.getValue().count);
                } else {
                    sb.append(format(s.getValue().gauge));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Metric names in this exposition (for tests). */
    List<String> names() {
        return new ArrayList<>(families.keySet());
    }

    /**
     * {@code text} made a valid metric-name fragment: lower case, every character outside
     * {@code [a-z0-9_]} replaced by '_', a leading digit prefixed with '_'.
     */
    static String sanitize(String text) {
        final StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = Character.toLowerCase(text.charAt(i));
            sb.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, '_');
        }
        return sb.toString();
    }

    static String escapeLabel(String value) {
        if (value == null) {
            return "";
        }
        final StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Integers without a fraction; others as Java prints them (Go's ParseFloat reads both). */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
