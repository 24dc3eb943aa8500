package org.vroom.lab;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a command that ran to completion.
 *
 * @param command  the argument vector as executed (including any {@code ip netns exec} prefix)
 * @param exitCode the process exit code
 * @param stdout   everything written to standard output
 * @param stderr   everything written to standard error
 * @param elapsed  wall time from start to exit
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {

    public ExecResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result, or throws {@link LabException} with command, exit code and stderr. */
    public ExecResult orThrow() {
        if (exitCode != 0) {
            throw LabException.commandFailed(this);
        }
        return this;
    }

    public String commandLine() {
        return String.join(" ", command);
    }
}
