package org.vroom.lab;

import java.time.Duration;

/**
 * A lab operation failed: a command exited non-zero or timed out, or teardown hit errors (then
 * each failed step is attached as a suppressed exception).
 */
public final class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_OUTPUT_IN_MESSAGE = 2_000;

    private final transient ExecResult result;

    public LabException(String message) {
        this(message, null, null);
    }

    public LabException(String message, Throwable cause) {
        this(message, null, cause);
    }

    private LabException(String message, ExecResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /** The failed command's result, or null when the failure was not a finished command. */
    public ExecResult result() {
        return result;
    }

    static LabException commandFailed(ExecResult r) {
        return new LabException("command failed with exit code " + r.exitCode() + ": " + r.commandLine()
                + describeOutput(r.stdout(), r.stderr()), r, null);
    }

    static LabException timedOut(String commandLine, Duration timeout, String stdout, String stderr) {
        return new LabException("command timed out after " + timeout.toMillis() + " ms (killed): " + commandLine
                + describeOutput(stdout, stderr), null, null);
    }

    private static String describeOutput(String stdout, String stderr) {
        StringBuilder sb = new StringBuilder();
        if (!stderr.isBlank()) {
            sb.append("\n  stderr: ").append(clip(stderr.strip()));
        }
        if (!stdout.isBlank()) {
            sb.append("\n  stdout: ").append(clip(stdout.strip()));
        }
        return sb.toString();
    }

    private static String clip(String s) {
        return s.length() <= MAX_OUTPUT_IN_MESSAGE ? s : "..." + s.substring(s.length() - MAX_OUTPUT_IN_MESSAGE);
    }
}
