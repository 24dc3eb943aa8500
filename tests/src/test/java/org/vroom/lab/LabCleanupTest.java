package org.vroom.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Teardown on failure, process stopping by pid, command errors, and stale-namespace removal. */
class LabCleanupTest {

    @BeforeEach
    void needsRoot() {
        LabAssumptions.assumeRoot();
    }

    @Test
    void aFailingTestBodyLeavesNoNamespaceNoProcessAndNoFiles() {
        List<Long> pids = new ArrayList<>();
        String[] prefix = new String[1];
        Path[] workDir = new Path[1];
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (Lab lab = new Lab()) {
                prefix[0] = lab.prefix();
                workDir[0] = lab.workDir();
                Host a = lab.host("a");
                Host b = lab.host("b");
                lab.link(a, "eth0", b, "eth0");
                a.addr("eth0", "10.77.0.1/30");
                // a plain process, one with children, one that ignores SIGTERM (needs SIGKILL)...
                pids.add(a.start("sleeper", "sleep", "300").pid());
                BackgroundProcess tree = b.start("tree", "sh", "-c", "sleep 300 & sleep 300 & wait");
                pids.add(tree.pid());
                BackgroundProcess stubborn = b.start("stubborn", "sh", "-c", "trap '' TERM; sleep 300 & wait");
                pids.add(stubborn.pid());
                // ...and a daemon that escaped its parent: only the namespace sweep can find it
                String daemon = a.exec("sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & echo $!").stdout().strip();
                pids.add(Long.parseLong(daemon));
                awaitChildren(tree, 2);
                awaitChildren(stubborn, 1);
                tree.handle().descendants().forEach(h -> pids.add(h.pid()));
                stubborn.handle().descendants().forEach(h -> pids.add(h.pid()));
                assertEquals(2, lab.namespaces().size());
                for (long pid : pids) {
                    assertTrue(Lab.isRunning(pid), "started " + pid);
                }
                throw new IllegalStateException("test body failed");
            }
        });
        assertEquals("test body failed", thrown.getMessage());
        assertEquals(0, thrown.getSuppressed().length, () -> "teardown errors: " + List.of(thrown.getSuppressed()));
        assertTrue(Lab.existingNamespaces().stream().noneMatch(n -> n.startsWith(prefix[0] + "-")),
                () -> "namespaces left: " + Lab.existingNamespaces());
        for (long pid : pids) {
            assertFalse(Lab.isRunning(pid), "pid " + pid + " still running");
        }
        assertFalse(Files.exists(workDir[0]));
    }

    @Test
    void aFailingCommandNamesItselfItsExitCodeAndItsStderr() {
        try (Lab lab = new Lab()) {
            Host a = lab.host("a");
            LabException e = assertThrows(LabException.class, () -> a.ip("link", "set", "dev", "nosuchdev", "up"));
            assertTrue(e.getMessage().contains("ip -n " + a.netns() + " link set dev nosuchdev up"), e.getMessage());
            assertTrue(e.getMessage().contains("exit code 1"), e.getMessage());
            assertTrue(e.getMessage().contains("Cannot find device"), e.getMessage());
            assertEquals(1, e.result().exitCode());

            ExecResult soft = a.tryExec(Duration.ofSeconds(5), "sh", "-c", "echo out; echo err >&2; exit 3");
            assertEquals(3, soft.exitCode());
            assertEquals("out\n", soft.stdout());
            assertEquals("err\n", soft.stderr());

            LabException slow = assertThrows(LabException.class,
                    () -> a.exec(Duration.ofMillis(300), "sleep", "30"));
            assertTrue(slow.getMessage().contains("timed out"), slow.getMessage());
            assertTrue(slow.getMessage().contains("sleep 30"), slow.getMessage());
        }
    }

    @Test
    void commandsRunInsideTheNamespace() {
        try (Lab lab = new Lab()) {
            Host a = lab.host("a");
            Host b = lab.host("b");
            lab.link(a, "veth-a", b, "veth-b");
            assertEquals(List.of("lo", "veth-a"), a.interfaces());
            assertEquals(List.of("lo", "veth-b"), b.interfaces());
            a.ipForward(true);
            assertEquals("1", a.sysctl("net.ipv4.ip_forward"));
            assertEquals("0", b.sysctl("net.ipv4.ip_forward"), "sysctls are per namespace");
            a.rpFilter(2);
            assertEquals("2", a.sysctl("net/ipv4/conf/veth-a/rp_filter"));
            assertThrows(IllegalArgumentException.class, () -> lab.link(a, "name-longer-than-15", b, "x"));
            assertThrows(IllegalArgumentException.class, () -> lab.host("a"));
        }
    }

    @Test
    void backgroundOutputIsCapturedAndStopIsByPid() {
        try (Lab lab = new Lab()) {
            Host a = lab.host("a");
            BackgroundProcess p = a.start("talker", "sh", "-c", "echo hello; echo oops >&2; exec sleep 300");
            p.awaitOutput("hello", Duration.ofSeconds(10));
            assertTrue(p.isAlive());
            assertTrue(p.stderr().contains("oops") || awaitStderr(p, "oops"), p.stderr());
            int code = p.stop(Duration.ofSeconds(2));
            assertFalse(p.isAlive());
            assertEquals(128 + 15, code, "ended by SIGTERM");
            assertEquals(code, p.stop(Duration.ofSeconds(2)), "stopping twice is harmless");

            BackgroundProcess quitter = a.start("quitter", "sh", "-c", "exit 4");
            assertEquals(4, quitter.waitFor(Duration.ofSeconds(10)));
            LabException e = assertThrows(LabException.class,
                    () -> a.start("mute", "sh", "-c", "exit 0").awaitOutput("never", Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("exited with code 0"), e.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndAClosedLabRefusesWork() {
        Lab lab = new Lab();
        lab.host("a");
        lab.close();
        lab.close();
        assertTrue(lab.isClosed());
        assertThrows(IllegalStateException.class, () -> lab.host("b"));
        assertTrue(lab.namespaces().isEmpty());
    }

    @Test
    void cleanStaleRemovesNamespacesOfDeadJvmsOnly() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        String stale = Lab.NAME_PREFIX + deadPid + "x1-stale";
        String live = Lab.NAME_PREFIX + ProcessHandle.current().pid() + "x99999-live";
        Path scratch = Files.createTempDirectory("vroom-lab-cleanup-test");
        try {
            Processes.run(List.of("ip", "netns", "add", stale), Duration.ofSeconds(10), scratch).orThrow();
            Processes.run(List.of("ip", "netns", "add", live), Duration.ofSeconds(10), scratch).orThrow();
            Processes.run(List.of("ip", "netns", "exec", stale, "ip", "link", "set", "lo", "up"),
                    Duration.ofSeconds(10), scratch).orThrow();
            List<String> removed = Lab.cleanStale();
            assertTrue(removed.contains(stale), () -> "removed " + removed);
            assertFalse(removed.contains(live), () -> "removed " + removed);
            assertFalse(Lab.existingNamespaces().contains(stale));
            assertTrue(Lab.existingNamespaces().contains(live), "a live JVM's namespace is kept");
        } finally {
            for (String ns : List.of(stale, live)) {
                if (Lab.existingNamespaces().contains(ns)) {
                    Processes.run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(10), scratch);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }

    private static void awaitChildren(BackgroundProcess p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (p.handle().descendants().count() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static boolean awaitStderr(BackgroundProcess p, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (p.stderr().contains(text)) {
                return true;
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
