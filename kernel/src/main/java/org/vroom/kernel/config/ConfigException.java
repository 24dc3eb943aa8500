package org.vroom.kernel.config;

import java.io.Serial;
import java.util.List;

/**
 * A configuration file (or a programmatically built {@link NodeConfig}) is invalid. Carries every
 * problem found, each one line of the form {@code file:line: path: message}, sorted by line; the
 * exception message lists them all, one per line.
 */
public final class ConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Not serialised as such: an immutable list. */
    private final transient List<String> problems;

    /** @param problems at least one problem, each a complete one-line message */
    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in file order (line, then discovery). */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return problems.size() + " configuration problems:\n  " + String.join("\n  ", problems);
    }
}
