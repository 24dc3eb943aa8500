package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.stats.CounterSet;
import org.vroom.kernel.stats.CounterTypes;
import org.vroom.kernel.stats.CountersFileReader;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;

/** {@code /metrics} parses as Prometheus text format 0.0.4, checked line by line by a strict parser. */
class MetricsFormatTest {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?([eE][+-]?\\d+)?|NaN|Inf)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One parsed sample. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The parsed exposition: samples and each family's type and help. */
    record Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> help) {
        double value(String name, String... labels) {
            final Map<String, String> want = new HashMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                want.put(labels[i], labels[i + 1]);
            }
            for (Sample s : samples) {
                if (s.name().equals(name) && s.labels().equals(want)) {
                    return s.value();
                }
            }
            throw new AssertionError("no sample " + name + want);
        }
    }

    /** Parses {@code text}, failing on any departure from the format rules. */
    static Exposition parse(String text) {
        assertTrue(text.endsWith("\n"), "ends with a line feed");
        assertFalse(text.contains("\r"), "no carriage returns");
        final java.util.ArrayList<Sample> samples = new java.util.ArrayList<>();
        final Map<String, String> types = new LinkedHashMap<>();
        final Map<String, String> help = new LinkedHashMap<>();
        final Set<String> finished = new HashSet<>();
        final Set<String> seenSeries = new HashSet<>();
        String current = null;
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            assertFalse(line.isEmpty(), "no empty lines");
            if (line.startsWith("#")) {
                final String[] parts = line.split(" ", 4);
                assertTrue(parts.length >= 3 && parts[0].equals("#"), line);
                final String family = parts[2];
                assertTrue(NAME.matcher(family).matches(), "family name: " + line);
                if (!family.equals(current)) {
                    assertFalse(finished.contains(family), "family " + family + " appears in two places");
                    if (current != null) {
                        finished.add(current);
                    }
                    current = family;
                }
                if (parts[1].equals("TYPE")) {
                    assertTrue(parts.length == 4 && TYPES.contains(parts[3]), line);
                    assertTrue(types.put(family, parts[3]) == null, "one TYPE per family: " + family);
                    assertFalse(samples.stream().anyMatch(s -> s.name().equals(family)), "TYPE before samples");
                } else if (parts[1].equals("HELP")) {
                    assertTrue(help.put(family, parts.length == 4 ? unescapeHelp(parts[3]) : "") == null,
                        "one HELP per family: " + family);
                } else {
                    fail("unknown comment kind: " + line);
                }
                continue;
            }
            final Sample s = sample(line);
            final String family = s.name();
            if (!family.equals(current)) {
                assertFalse(finished.contains(family), "samples of " + family + " are not contiguous");
                if (current != null) {
                    finished.add(current);
                }
                current = family;
            }
            assertTrue(seenSeries.add(family + s.labels()), "duplicate series " + line);
            samples.add(s);
        }
        return new Exposition(samples, types, help);
    }

    private static Sample sample(String line) {
        final Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)").matcher(line);
        assertTrue(m.matches(), "sample line: " + line);
        final Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null) {
            final String l = m.group(3);
            int i = 0;
            while (i < l.length()) {
                final int eq = l.indexOf('=', i);
                assertTrue(eq > i, line);
                final String name = l.substring(i, eq);
                assertTrue(LABEL_NAME.matcher(name).matches() && !name.startsWith("__"), "label name " + name);
                assertEquals('"', l.charAt(eq + 1), line);
                final StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; l.charAt(j) != '"'; j++) {
                    char c = l.charAt(j);
                    if (c == '\\') {
                        c = l.charAt(++j);
                        assertTrue(c == '\\' || c == '"' || c == 'n', "escape \\" + c + " in " + line);
                        v.append(c == 'n' ? '\n' : c);
                    } else {
                        assertTrue(c != '\n', line);
                        v.append(c);
                    }
                }
                assertTrue(labels.put(name, v.toString()) == null, "duplicate label " + name);
                i = j + 1;
                if (i < l.length()) {
                    assertEquals(',', l.charAt(i), line);
                    i++;
                }
            }
        }
        assertTrue(VALUE.matcher(m.group(4)).matches(), "value: " + line);
        final String v = m.group(4);
        final double value = v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY
            : Double.POSITIVE_INFINITY) : Double.parseDouble(v);
        return new Sample(m.group(1), labels, value);
    }

    private static String unescapeHelp(String s) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                c = s.charAt(++i);
                assertTrue(c == '\\' || c == 'n', "HELP escape \\" + c);
                sb.append(c == 'n' ? '\n' : c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Rules every exposition of ours follows beyond the format. */
    private static void checkConventions(Exposition e) {
        for (Sample s : e.samples()) {
            final String type = e.types().get(s.name());
            assertTrue(type != null, "every family has a TYPE: " + s.name());
            assertTrue(e.help().containsKey(s.name()), "every family has a HELP: " + s.name());
            assertTrue(s.name().startsWith("vroom_"), s.name());
            if (type.equals("counter")) {
                assertTrue(s.name().endsWith("_total"), "counters end in _total: " + s.name());
                assertTrue(s.value() >= 0, s.toString());
            } else {
                assertFalse(s.name().endsWith("_total"), "only counters end in _total: " + s.name());
            }
        }
    }

    @Test
    void fakeNodeExposition() throws IOException {
        try (ApiTesting api = new ApiTesting()) {
            api.get("/api/v1/nope").expect(404);
            final Exposition e = parse(api.get("/metrics").expect(200).body());
            checkConventions(e);
            assertEquals(201, e.value("vroom_vr_rx_packets_total", "vr", "red", "vr_id", "1"));
            assertEquals(401, e.value("vroom_vr_rx_packets_total", "vr", "blue", "vr_id", "2"));
            assertEquals(1000, e.value("vroom_port_rx_frames_total", "port", "m1"));
            assertEquals(1, e.value("vroom_vr_state", "vr", "red", "vr_id", "1", "state", "running"));
            assertEquals(0, e.value("vroom_vr_state", "vr", "red", "vr_id", "1", "state", "frozen"));
            assertEquals(6, e.value("vroom_vr_fib_routes", "vr", "red", "vr_id", "1"));
            assertEquals(1, e.value("vroom_node_info", "node", "lab1"));
            assertEquals(2, e.value("vroom_node_vrs"));
            assertEquals(4, e.value("vroom_node_ports"));
            assertTrue(e.value("vroom_node_uptime_seconds") >= 3723);
            assertEquals(1, e.value("vroom_mgmt_requests_total", "code", "404"));
            assertEquals(3, e.value("vroom_node_counter_total", "counter", "errors \"odd\" \\ label"),
                "label values are escaped and read back");
            assertEquals("counter", e.types().get("vroom_vr_forwarded_total"));
            assertEquals("gauge", e.types().get("vroom_vr_state"));
            assertEquals(VrCounter.FORWARDED.description(), e.help().get("vroom_vr_forwarded_total"));
            assertEquals(PortCounter.RX_RING_DROPS.description(), e.help().get("vroom_port_rx_ring_drops_total"));
            api.send("POST", "/api/v1/vrs/red/freeze", null, ApiTesting.TOKEN).expect(200);
            final Exposition after = parse(api.get("/metrics").body());
            assertEquals(1, after.value("vroom_vr_state", "vr", "red", "vr_id", "1", "state", "frozen"));
        }
    }

    @Test
    void realCountersFile(@TempDir Path dir) throws IOException {
        final FakeNode node = new FakeNode();
        try (NodeCounters counters = NodeCounters.create(new NodeCounters.Config("lab1").directory(dir));
             CounterSet<VrCounter> red0 = counters.vr(1, "red", 0);
             CounterSet<VrCounter> red1 = counters.vr(1, "red", 1);
             CounterSet<PortCounter> p0 = counters.ports("p0")) {
            final CountersFileReader reader = CountersFileReader.open(counters.file());
            red0.get(VrCounter.FORWARDED).set(5);
            red1.get(VrCounter.FORWARDED).set(7);
            red0.get(VrCounter.DROP_NO_ROUTE).set(Long.MAX_VALUE - 1);
            p0.get(PortCounter.TX_BYTES).set(123456789012L);
            counters.counter(CounterTypes.NODE, "a \"quoted\" \\ name").set(9);
            counters.counter(42, "custom").set(4);
            node.counterSource = () -> reader.snapshot().counters();
            try (ApiTesting api = new ApiTesting(node, b -> b)) {
                final String text = api.get("/metrics").expect(200).body();
                final Exposition e = parse(text);
                checkConventions(e);
                assertEquals(12, e.value("vroom_vr_forwarded_total", "vr", "red", "vr_id", "1"));
                assertTrue(text.contains("vroom_vr_drop_no_route_total{vr=\"red\",vr_id=\"1\"} 9223372036854775806\n"),
                    "64-bit counters are printed exactly");
                assertEquals(123456789012.0, e.value("vroom_port_tx_bytes_total", "port", "p0"));
                assertEquals(9, e.value("vroom_node_counter_total", "counter", "a \"quoted\" \\ name"));
                assertEquals(4, e.value("vroom_counter_total", "type_id", "42", "counter", "custom"));
                final com.fasterxml.jackson.databind.JsonNode c = api.get("/api/v1/vrs/red/counters").json();
                assertEquals(12, c.path("counters").path("forwarded").asLong());
            }
        }
    }

    @Test
    void builderRules() {
        final PrometheusText p = new PrometheusText();
        p.counter("a_total", "line one\nline \\two", 1, "l", "x\ny\"z\\");
        p.counter("a_total", "ignored", 2, "l", "x\ny\"z\\");
        p.gauge("b", "g", 0.25);
        final String text = p.render();
        assertEquals("# HELP a_total line one\\nline \\\\two\n# TYPE a_total counter\na_total{l=\"x\\ny\\\"z\\\\\"} 3\n"
            + "# HELP b g\n# TYPE b gauge\nb 0.25\n", text);
        parse(text);
        assertThrows(IllegalArgumentException.class, () -> p.gauge("a_total", "h", 1));
        assertThrows(IllegalArgumentException.class, () -> p.gauge("1bad", "h", 1));
        assertThrows(IllegalArgumentException.class, () -> p.gauge("ok", "h", 1, "bad-label", "v"));
        assertThrows(IllegalArgumentException.class, () -> p.gauge("ok", "h", 1, "__reserved", "v"));
        assertEquals("_1_a_b", PrometheusText.sanitize("1.A-b"));
        assertEquals("+Inf", PrometheusText.format(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusText.format(Double.NaN));
        assertEquals("3", PrometheusText.format(3.0));
    }

    @Test
    void parserCatchesBrokenExpositions() {
        assertThrows(AssertionError.class, () -> parse("# TYPE x counter\n# TYPE x counter\nx 1\n"));
        assertThrows(AssertionError.class, () -> parse("x 1\n# TYPE x counter\n"));
        assertThrows(AssertionError.class, () -> parse("x 1\ny 1\nx 2\n"));
        assertThrows(AssertionError.class, () -> parse("x{a=\"b\\t\"} 1\n"));
        assertThrows(AssertionError.class, () -> parse("x{a-b=\"c\"} 1\n"));
        assertThrows(AssertionError.class, () -> parse("x 1"));
        assertThrows(AssertionError.class, () -> parse("x{a=\"1\"} 1\nx{a=\"1\"} 2\n"));
        assertThrows(AssertionError.class, () -> parse("x one\n"));
    }
}
