package org.vroom.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.stats.CountersFileException.Reason;

/**
 * A node in another JVM ({@link CounterWriterMain}) writes; this JVM reads, is refused the same node
 * name while the other lives, then kills it (SIGKILL: no cleanup) and finds a stale file it may replace.
 */
class CrossProcessCountersTest {
    @TempDir
    Path dir;

    @Test
    void anotherProcessWritesThisOneReadsAndACrashLeavesAStaleFileThatIsReplaced() throws Exception {
        final String java = ProcessHandle.current().info().command().orElse(
            Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final Path childErr = dir.resolve("child.err");
        final Process child = new ProcessBuilder(java,
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xss512k",
            "-cp", System.getProperty("java.class.path"),
            CounterWriterMain.class.getName(), dir.toString(), "xproc")
            .redirectError(childErr.toFile())
            .start();
        try {
            final BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            final String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return lines.readLine();
                } catch (java.io.IOException e) {
                    return "read failed: " + e;
                }
            }).get(60, TimeUnit.SECONDS);
            assertEquals("READY " + child.pid(), ready, () -> "child stderr: " + readQuietly(childErr));

            // 1. read live from this process, with the stat tool
            final StatsFixtures.Capture out = new StatsFixtures.Capture();
            final StatsFixtures.Capture err = new StatsFixtures.Capture();
            assertEquals(StatTool.EXIT_OK,
                new StatTool(out.stream, err.stream).run(new String[] {"--dir", dir.toString(), "--json"}));
            final List<String> json = out.text().lines().toList();
            assertTrue(json.get(0).contains("\"node\":\"xproc\",\"pid\":" + child.pid() + ",\"status\":\"running\""),
                json.get(0));
            assertTrue(json.stream().anyMatch(l -> l.contains("\"metric\":\"rx_frames\",\"value\":1234")), out.text());
            assertTrue(json.stream().anyMatch(l -> l.contains("\"metric\":\"rx_bytes\",\"value\":78976")), out.text());
            assertTrue(json.stream().anyMatch(l -> l.contains("\"metric\":\"forwarded\",\"value\":1200")), out.text());
            assertTrue(json.stream().anyMatch(l -> l.contains("\"metric\":\"drop_ttl_expired\",\"value\":34")));

            // 2. the node name is taken while the other process lives
            final CountersFileException refused = assertThrows(CountersFileException.class,
                () -> NodeCounters.create(new NodeCounters.Config("xproc").directory(dir)));
            assertEquals(Reason.NODE_RUNNING, refused.reason());
            assertTrue(refused.getMessage().contains("pid " + child.pid()), refused.getMessage());

            // 3. kill it without cleanup: the file stays, stale, with its last values
            final CountersFileReader reader = CountersFileReader.open(dir, "xproc");
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            assertTrue(Files.exists(dir.resolve("xproc.counters")));
            assertEquals(NodeStatus.STALE, reader.status());
            assertEquals(1234, reader.snapshot().value(CounterTypes.PORT, "eth0", "rx_frames"));
            final StatsFixtures.Capture table = new StatsFixtures.Capture();
            assertEquals(StatTool.EXIT_NOT_RUNNING, new StatTool(table.stream, err.stream)
                .run(new String[] {"--dir", dir.toString(), "--node", "xproc"}));
            assertTrue(table.text().contains("STALE: node xproc is not running (pid " + child.pid()), table.text());

            // 4. a new node of that name replaces the stale file
            try (NodeCounters again = NodeCounters.create(new NodeCounters.Config("xproc").directory(dir))) {
                assertTrue(reader.isReplaced());
                final CountersFileReader fresh = CountersFileReader.open(again.file());
                assertEquals(ProcessHandle.current().pid(), fresh.header().pid());
                assertEquals(NodeStatus.RUNNING, fresh.status());
                assertTrue(fresh.snapshot().counters().isEmpty());
            }
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String readQuietly(final Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
