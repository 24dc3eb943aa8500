package org.vroom.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

/** Helpers shared by the config tests. */
final class ConfigTesting {
    /** The source name every test snippet is parsed under. */
    static final String SOURCE = "node.yaml";

    private ConfigTesting() {
    }

    /** Parses {@code yaml}, which must be rejected, and returns every problem reported. */
    static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> NodeConfigLoader.parse(yaml, SOURCE),
            "expected the file to be rejected").problems();
    }

    /** Asserts that {@code yaml} is rejected with exactly one problem, {@code expected}. */
    static void assertOnlyProblem(String expected, String yaml) {
        assertEquals(List.of(expected), problems(yaml));
    }

    /** Parses {@code yaml}, which must be accepted. */
    static NodeConfig parse(String yaml) throws ConfigException {
        return NodeConfigLoader.parse(yaml, SOURCE);
    }
}
