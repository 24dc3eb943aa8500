package org.vroom.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatToolTest {
    @TempDir
    Path dir;

    private final StatsFixtures.Capture out = new StatsFixtures.Capture();
    private final StatsFixtures.Capture err = new StatsFixtures.Capture();
    private final CachedEpochClock epochClock = new CachedEpochClock();
    private final CachedNanoClock nanoClock = new CachedNanoClock();
    private Runnable betweenSamples = () -> { };
    private NodeCounters node;
    private CounterSet<PortCounter> eth0;
    private CounterSet<VrCounter> blue;

    @BeforeEach
    void smallNode() {
        epochClock.update(1_767_225_600_000L); // 2026-01-01T00:00:00Z
        node = NodeCounters.create(new NodeCounters.Config("lab1").directory(dir).maxCounters(64)
            .epochClock(epochClock));
        eth0 = node.ports("eth0");
        blue = node.vr(7, "blue");
        eth0.get(PortCounter.RX_FRAMES).setRelease(5);
        eth0.get(PortCounter.RX_BYTES).setRelease(320);
        blue.get(VrCounter.FORWARDED).setRelease(4);
        blue.get(VrCounter.DROP_TTL_EXPIRED).setRelease(1);
        node.counter(CounterTypes.NODE, "punt queue depth", 7).setRelease(3);
    }

    @AfterEach
    void close() {
        node.close();
    }

    private int run(final String... args) {
        final StatTool tool = new StatTool(out.stream, err.stream, epochClock, nanoClock, nanos -> {
            nanoClock.advance(nanos);
            epochClock.advance(nanos / 1_000_000);
            betweenSamples.run();
        });
        return tool.run(args);
    }

    private static void assertLine(final String text, final String regex) {
        final Pattern p = Pattern.compile(regex);
        assertTrue(text.lines().anyMatch(l -> p.matcher(l).matches()), "no line matches /" + regex + "/ in:\n" + text);
    }

    @Test
    void tableGroupsCountersPerPortAndPerVr() {
        assertEquals(StatTool.EXIT_OK, run("--dir", dir.toString(), "--node", "lab1"));
        final String text = out.text();
        assertLine(text, "node lab1  pid " + ProcessHandle.current().pid()
            + "  running  started 2026-01-01T00:00:00Z  counters " + (PortCounter.COUNT + VrCounter.COUNT + 1) + " of 64  .*lab1\\.counters");
        assertLine(text, "port eth0");
        assertLine(text, " {2}rx_frames +5");
        assertLine(text, " {2}rx_bytes +320");
        assertLine(text, " {2}tx_frames +0");
        assertLine(text, "vr 7 blue");
        assertLine(text, " {2}forwarded +4");
        assertLine(text, " {2}drop_ttl_expired +1");
        assertLine(text, "node");
        assertLine(text, " {2}punt queue depth \\[\\d+\\] +3");
        assertTrue(text.indexOf("port eth0") < text.indexOf("vr 7 blue"));
        assertTrue(text.indexOf("vr 7 blue") < text.indexOf("punt queue depth"));
        // metrics inside a group follow the enum order
        assertTrue(text.indexOf("rx_packets") < text.indexOf("forwarded"));
        assertTrue(text.indexOf("forwarded") < text.indexOf("fragmentation_needed"));
        assertEquals("", err.text());
    }

    @Test
    void everyNodeOfTheDirectoryIsShownWithoutNode() {
        try (NodeCounters other = NodeCounters.create(new NodeCounters.Config("lab2").directory(dir).maxCounters(16))) {
            other.ports("ge-0").get(PortCounter.TX_FRAMES).setRelease(8);
            assertEquals(StatTool.EXIT_OK, run("--dir=" + dir));
            final String text = out.text();
            assertLine(text, "node lab1 .*");
            assertLine(text, "node lab2 .*");
            assertLine(text, "port ge-0");
            assertTrue(text.indexOf("node lab1") < text.indexOf("node lab2"));
        }
    }

    @Test
    void jsonPrintsOneObjectPerLine() {
        assertEquals(StatTool.EXIT_OK, run("--dir", dir.toString(), "--json"));
        final List<String> lines = out.text().lines().toList();
        assertEquals(1 + PortCounter.values().length + VrCounter.values().length + 1, lines.size());
        for (final String line : lines) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), line);
            assertFalse(line.substring(1, line.length() - 1).contains("{"), "flat object: " + line);
            assertTrue(line.contains("\"node\":\"lab1\""), line);
            assertTrue(line.contains("\"time\":\"2026-01-01T00:00:00Z\""), line);
        }
        final String nodeLine = lines.get(0);
        assertTrue(nodeLine.startsWith("{\"record\":\"node\""), nodeLine);
        assertTrue(nodeLine.contains("\"pid\":" + ProcessHandle.current().pid()), nodeLine);
        assertTrue(nodeLine.contains("\"status\":\"running\",\"alive\":true"), nodeLine);
        assertTrue(nodeLine.contains("\"counters\":" + (PortCounter.COUNT + VrCounter.COUNT + 1) + ",\"capacity\":64"), nodeLine);
        assertTrue(lines.contains("{\"record\":\"counter\",\"time\":\"2026-01-01T00:00:00Z\",\"node\":\"lab1\","
            + "\"group\":\"port eth0\",\"kind\":\"port\",\"type\":1001,\"entity\":\"eth0\",\"entity_id\":0,"
            + "\"code\":0,\"shards\":1,\"metric\":\"rx_frames\",\"value\":5}"), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"group\":\"vr 7 blue\"") && l.contains("\"entity_id\":7")
            && l.contains("\"metric\":\"drop_ttl_expired\",\"value\":1")));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"kind\":\"node\",\"type\":1,\"id\":")
            && l.contains("\"keys\":[7],\"metric\":\"punt queue depth\",\"value\":3")));
        assertFalse(out.text().contains("\"rate\""), "no rate without --watch");
    }

    @Test
    void shardsOfOneEntityAreSummed() {
        node.ports("eth0", 1).get(PortCounter.RX_FRAMES).setRelease(10);
        assertEquals(StatTool.EXIT_OK, run("--dir", dir.toString(), "--node", "lab1"));
        assertLine(out.text(), " {2}rx_frames +15");
        assertEquals(1, out.text().lines().filter(l -> l.equals("port eth0")).count());
        run("--dir", dir.toString(), "--json", "--filter", "port eth0 rx_frames");
        assertTrue(out.text().contains("\"shards\":2,\"metric\":\"rx_frames\",\"value\":15"), out.text());
    }

    @Test
    void filterKeepsMatchingCountersOnly() {
        assertEquals(StatTool.EXIT_OK, run("--dir", dir.toString(), "--filter", "DROP_"));
        final String text = out.text();
        assertLine(text, " {2}drop_ttl_expired +1");
        assertLine(text, " {2}drop_no_route +0");
        assertFalse(text.contains("rx_frames"), text);
        assertFalse(text.contains("port eth0"), "a group without matches is not printed");

        out.reset();
        run("--dir", dir.toString(), "--filter", "eth0");
        assertLine(out.text(), " {2}rx_frames +5");
        assertFalse(out.text().contains("vr 7 blue"));
    }

    @Test
    void watchPrintsRatesPerSecond() {
        betweenSamples = () -> {
            eth0.get(PortCounter.RX_FRAMES).getAndAddRelease(250);
            blue.get(VrCounter.FORWARDED).getAndAddRelease(25);
        };
        assertEquals(StatTool.EXIT_OK, run("--dir", dir.toString(), "--watch", "0.5", "--count", "3"));
        final String text = out.text();
        assertEquals(3, text.lines().filter(l -> l.startsWith("--- ")).count());
        assertLine(text, "--- 2026-01-01T00:00:01Z");
        assertLine(text, "port eth0 +value +rate/s");
        assertLine(text, " {2}rx_frames +5 +-");
        assertLine(text, " {2}rx_frames +255 +500\\.0");
        assertLine(text, " {2}rx_frames +505 +500\\.0");
        assertLine(text, " {2}forwarded +54 +50\\.0");
        assertLine(text, " {2}tx_frames +0 +0\\.0");

        run("--dir", dir.toString(), "--json", "--watch", "2", "--count", "2", "--filter", "rx_frames");
        final List<String> lines = out.text().lines().filter(l -> l.contains("rx_frames")).toList();
        assertTrue(lines.get(lines.size() - 2).endsWith("\"value\":505}"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).endsWith("\"value\":755,\"rate\":125.000}"), lines.toString());
    }

    @Test
    void noNodeIsSaidClearly() throws Exception {
        final Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals(StatTool.EXIT_NO_NODE, run("--dir", empty.toString()));
        assertTrue(err.text().contains("no vroom node is running: no *.counters file in " + empty), err.text());
        assertEquals("", out.text());

        assertEquals(StatTool.EXIT_NO_NODE, run("--dir", dir.resolve("absent").toString()));
        assertEquals(StatTool.EXIT_NO_NODE, run("--dir", dir.toString(), "--node", "ghost"));
        assertTrue(err.text().contains("ghost.counters does not exist (no vroom node named 'ghost' is running)"),
            err.text());
    }

    @Test
    void aStaleFileIsShownAsStale() throws Exception {
        final long deadPid = StatsFixtures.deadPid();
        StatsFixtures.writeFile(dir.resolve("crashed.counters"), "crashed", deadPid, 1, 8);
        assertEquals(StatTool.EXIT_NOT_RUNNING, run("--dir", dir.toString(), "--node", "crashed"));
        assertLine(out.text(), "node crashed  pid " + deadPid + "  stale .*");
        assertLine(out.text(), "STALE: node crashed is not running \\(pid " + deadPid + " is gone.*last ones it wrote");
        assertLine(out.text(), "  \\(no counters\\)");

        assertEquals(StatTool.EXIT_NOT_RUNNING, run("--dir", dir.toString(), "--node", "crashed", "--json"));
        assertTrue(out.text().contains("\"status\":\"stale\",\"alive\":false"), out.text());
        assertTrue(err.text().contains("STALE: node crashed"), err.text());

        // all nodes: lab1 runs, crashed is stale
        assertEquals(StatTool.EXIT_NOT_RUNNING, run("--dir", dir.toString()));
    }

    @Test
    void aCorruptFileIsReportedAndOtherNodesAreStillShown() throws Exception {
        Files.write(dir.resolve("junk.counters"), "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(StatTool.EXIT_NO_NODE, run("--dir", dir.toString()));
        assertTrue(err.text().contains("junk.counters: 5 bytes, shorter than the 1024-byte header"), err.text());
        assertLine(out.text(), "node lab1 .*");
    }

    @Test
    void badUsageIsRefusedWithTheUsage() {
        for (final String[] args : List.of(
            new String[] {"--bogus"}, new String[] {"--watch", "abc"}, new String[] {"--watch", "0"},
            new String[] {"--count", "2"}, new String[] {"--node"}, new String[] {"--json=yes"},
            new String[] {"--dir", dir.toString(), "--node", "../x"})) {
            assertEquals(StatTool.EXIT_USAGE, run(args), Arrays.toString(args));
        }
        assertTrue(err.text().contains("usage: vroom stat"), err.text());
        assertTrue(err.text().contains("unknown option --bogus"), err.text());
    }

    @Test
    void helpListsTheCounters() {
        assertEquals(StatTool.EXIT_OK, run("--help"));
        assertLine(out.text(), " {2}drop_martian +packets dropped for a martian .*");
        assertLine(out.text(), " {2}rx_ring_drops +frames the kernel dropped .*");
    }

    @Test
    void aRestartedNodeIsPickedUpInWatchMode() {
        final int[] sample = {0};
        betweenSamples = () -> {
            if (sample[0]++ == 0) {
                node.close();
                node = NodeCounters.create(new NodeCounters.Config("lab1").directory(dir).maxCounters(64));
                node.ports("eth9").get(PortCounter.RX_FRAMES).setRelease(42);
            }
        };
        assertEquals(StatTool.EXIT_OK, run("--dir", dir.toString(), "--node", "lab1", "--watch", "1", "--count", "2"));
        assertTrue(err.text().contains("was replaced or removed (node restarted or stopped)"), err.text());
        assertLine(out.text(), "port eth9 +value +rate/s");
        assertLine(out.text(), " {2}rx_frames +42 +-");
    }
}
