package org.vroom.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process plumbing shared by the lab: running a command to completion with a timeout, launching
 * background processes, and killing processes by pid (SIGTERM, then SIGKILL after a deadline).
 * Output always goes to files, so a chatty child can never block on a full pipe.
 */
final class Processes {
    /** Directories searched for tools in addition to PATH (root's sbin directories are often missing from PATH). */
    private static final List<String> EXTRA_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private static final AtomicLong EXEC_SEQ = new AtomicLong();

    private Processes() {
    }

    /** PATH for children: the inherited PATH followed by the usual system directories. */
    static String childPath() {
        String inherited = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        if (inherited != null) {
            for (String d : inherited.split(File.pathSeparator)) {
                if (!d.isEmpty() && !dirs.contains(d)) {
                    dirs.add(d);
                }
            }
        }
        for (String d : EXTRA_PATH) {
            if (!dirs.contains(d)) {
                dirs.add(d);
            }
        }
        return String.join(File.pathSeparator, dirs);
    }

    /** Absolute path of an executable found on {@link #childPath()}, if any. */
    static Optional<Path> which(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : childPath().split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static ProcessBuilder builder(List<String> command) {
        List<String> argv = new ArrayList<>(command);
        which(argv.get(0)).ifPresent(p -> argv.set(0, p.toString()));
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.put("PATH", childPath());
        env.put("LC_ALL", "C");
        env.remove("LANG");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /**
     * Runs a command to completion. Never throws for a non-zero exit (see {@link ExecResult#orThrow()});
     * throws {@link LabException} if it cannot start or does not finish within the timeout (then it and
     * its descendants are killed).
     */
    static ExecResult run(List<String> command, Duration timeout, Path scratchDir) {
        long n = EXEC_SEQ.incrementAndGet();
        Path out = scratchDir.resolve("exec-" + n + ".out");
        Path err = scratchDir.resolve("exec-" + n + ".err");
        String commandLine = String.join(" ", command);
        long start = System.nanoTime();
        try {
            ProcessBuilder pb = builder(command);
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new LabException("cannot start: " + commandLine + " (" + e.getMessage() + ")", e);
            }
            boolean done;
            try {
                done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(p.toHandle(), Duration.ZERO);
                throw new LabException("interrupted while running: " + commandLine, e);
            }
            if (!done) {
                kill(p.toHandle(), Duration.ZERO);
                throw LabException.timedOut(commandLine, timeout, readQuietly(out), readQuietly(err));
            }
            return new ExecResult(command, p.exitValue(), readQuietly(out), readQuietly(err),
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Stops a process and its descendants by pid: SIGTERM to all, wait up to {@code grace}, then
     * SIGKILL to whatever is still alive and wait a little more. Returns true if everything is gone.
     */
    static boolean kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>();
        root.descendants().forEach(all::add);
        all.add(root);
        for (ProcessHandle h : all) {
            if (running(h)) {
                h.destroy();
            }
        }
        if (!awaitDeath(all, grace)) {
            for (ProcessHandle h : all) {
                if (running(h)) {
                    h.destroyForcibly();
                }
            }
            return awaitDeath(all, KILL_WAIT);
        }
        return true;
    }

    /** Kills a process known only by pid (for example one found inside a namespace). */
    static boolean killPid(long pid, Duration grace) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isEmpty() || kill(h.get(), grace);
    }

    /**
     * True if the process exists and has not exited. A zombie (exited, waiting for its parent to
     * reap it; orphans here are reaped by pid 1 only every second or so) counts as exited.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
    }

    /** {@link #running(ProcessHandle)} by pid. */
    static boolean running(long pid) {
        return ProcessHandle.of(pid).map(Processes::running).orElse(false);
    }

    /**
     * Polls until every handle is dead or the time is up. (ProcessHandle.onExit() of a process that
     * is not our child polls at 300 ms and more, far too coarse for teardown.)
     */
    private static boolean awaitDeath(List<ProcessHandle> handles, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        long pauseMs = 1;
        while (true) {
            boolean anyAlive = false;
            for (ProcessHandle h : handles) {
                if (running(h)) {
                    anyAlive = true;
                    break;
                }
            }
            if (!anyAlive) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pauseMs = Math.min(pauseMs * 2, 50);
        }
    }

    static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // scratch files; the work directory is removed at close anyway
        }
    }
}
