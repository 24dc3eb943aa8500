package org.vroom.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the lab started in the background inside a namespace. Its standard output and error
 * go to files in the lab's work directory. {@link #stop} sends SIGTERM to it and its descendants,
 * by pid, and SIGKILL after the grace period. The lab stops every process still alive when it
 * closes; stopping twice is harmless.
 */
public final class BackgroundProcess implements AutoCloseable {
    /** Grace period used by {@link #close()} and by the lab's teardown. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(20);

    private final String name;
    private final Host host;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    BackgroundProcess(String name, Host host, List<String> command, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.host = host;
        this.command = List.copyOf(command);
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public String name() {
        return name;
    }

    /** The namespace host it runs in. */
    public Host host() {
        return host;
    }

    /** The process id ({@code ip netns exec} execs the command, so this is the command's own pid). */
    public long pid() {
        return process.pid();
    }

    /** The live process handle (for inspecting descendants). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public List<String> command() {
        return command;
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    public String stdout() {
        return Processes.readQuietly(stdout);
    }

    public String stderr() {
        return Processes.readQuietly(stderr);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the process to exit by itself and returns its exit code.
     *
     * @throws LabException if it is still running after {@code timeout} (it is left running)
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LabException(describe() + " still running after " + timeout.toMillis() + " ms"
                        + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted waiting for " + describe(), e);
        }
        return process.exitValue();
    }

    /**
     * Waits until a line of standard output contains {@code marker}.
     *
     * @throws LabException if the process exits first or the timeout passes
     */
    public void awaitOutput(String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (stdout().contains(marker)) {
                return;
            }
            if (!process.isAlive()) {
                if (stdout().contains(marker)) {
                    return;
                }
                throw new LabException(describe() + " exited with code " + process.exitValue()
                        + " before printing '" + marker + "'" + tail());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LabException(describe() + " did not print '" + marker + "' within "
                        + timeout.toMillis() + " ms" + tail());
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted waiting for " + describe(), e);
            }
        }
    }

    /**
     * SIGTERM to the process and its descendants, SIGKILL after {@code grace}.
     *
     * @return the exit code, or -1 if it could not be reaped
     */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            Processes.kill(process.toHandle(), grace);
        }
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    String describe() {
        return "process '" + name + "' (pid " + pid() + ") in " + host.netns();
    }

    private String tail() {
        String err = stderr().strip();
        String out = stdout().strip();
        StringBuilder sb = new StringBuilder();
        if (!err.isEmpty()) {
            sb.append("\n  stderr: ").append(clip(err));
        }
        if (!out.isEmpty()) {
            sb.append("\n  stdout: ").append(clip(out));
        }
        return sb.toString();
    }

    private static String clip(String s) {
        return s.length() <= 2_000 ? s : "..." + s.substring(s.length() - 2_000);
    }

    @Override
    public String toString() {
        return describe();
    }
}
