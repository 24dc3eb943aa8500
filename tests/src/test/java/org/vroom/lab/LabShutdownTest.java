package org.vroom.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A test JVM that is interrupted (SIGTERM) cleans up through its shutdown hook; one that is killed
 * outright (SIGKILL) leaves its namespace behind, and the next {@link Lab#cleanStale()} removes it.
 */
class LabShutdownTest {

    @BeforeEach
    void needsRoot() {
        LabAssumptions.assumeRoot();
    }

    @Test
    void sigtermRunsTheShutdownHook() throws Exception {
        Probe probe = startProbe();
        try {
            assertTrue(namespaceOf(probe.prefix), "the probe's namespace exists");
            assertTrue(Lab.isRunning(probe.sleeperPid));
            probe.process.destroy(); // SIGTERM
            assertTrue(probe.process.waitFor(20, TimeUnit.SECONDS), "probe exits");
            assertFalse(namespaceOf(probe.prefix), () -> "namespace left: " + Lab.existingNamespaces());
            assertFalse(Lab.isRunning(probe.sleeperPid), "the probe's process was stopped");
        } finally {
            probe.process.destroyForcibly();
        }
    }

    @Test
    void sigkillLeavesAStaleNamespaceThatCleanStaleRemoves() throws Exception {
        Probe probe = startProbe();
        try {
            probe.process.destroyForcibly(); // SIGKILL: no hook runs
            assertTrue(probe.process.waitFor(20, TimeUnit.SECONDS));
            assertTrue(namespaceOf(probe.prefix), "a killed JVM leaves its namespace");
            List<String> removed = Lab.cleanStale();
            assertEquals(List.of(probe.prefix + "-probe"),
                    removed.stream().filter(n -> n.startsWith(probe.prefix + "-")).toList());
            assertFalse(namespaceOf(probe.prefix));
            assertFalse(Lab.isRunning(probe.sleeperPid), "the process left inside it was killed");
        } finally {
            Lab.cleanStale();
        }
    }

    private record Probe(Process process, String prefix, long sleeperPid) {
    }

    private static Probe startProbe() throws Exception {
        List<String> cmd = JavaCommand.command(LabShutdownProbe.class.getName(),
                List.of("-XX:+UseSerialGC", "-XX:-UsePerfData"), List.of());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            p.destroyForcibly();
            throw new AssertionError("probe printed nothing (exit " + p.waitFor() + ")");
        }
        String[] f = line.trim().split(" ");
        return new Probe(p, f[0], Long.parseLong(f[1]));
    }

    private static boolean namespaceOf(String prefix) {
        return Lab.existingNamespaces().stream().anyMatch(n -> n.startsWith(prefix + "-"));
    }
}
