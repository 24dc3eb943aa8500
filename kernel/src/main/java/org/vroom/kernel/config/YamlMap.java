package org.vroom.kernel.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed, checked access to one YAML mapping of the node file. Creating one reports keys that are
 * not plain text, duplicate keys and unknown keys (with a "did you mean" suggestion); the getters
 * report missing values, wrong kinds of value and values out of range, and return null when they
 * reported something, so the caller can carry on and collect every problem in the file.
 *
 * <p>Values are read as the text the user wrote: {@code id: "7"} and {@code id: 7} are the same,
 * and no YAML 1.1 implicit typing applies ({@code name: yes} is the name "yes", {@code 010} is not
 * octal but refused as ambiguous). An empty value ({@code key:}, {@code ~}, {@code null}) counts as
 * absent, so optional keys take their default and required keys are reported missing.
 */
final class YamlMap {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private final MappingNode node;
    private final String path;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(MappingNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /**
     * Reads {@code node} as a mapping whose allowed keys are {@code keys}.
     *
     * @param what how to describe the expected value in a message, e.g. "a port (name, interface or memory)"
     * @return the mapping, or null if {@code node} is not a mapping (reported)
     */
    static YamlMap of(Node node, String path, Problems problems, List<String> keys, String what) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(SafeYaml.line(node), path, "expected " + what + ", found " + kind(node));
            return null;
        }
        final YamlMap map = new YamlMap(mapping, path, problems);
        for (NodeTuple tuple : mapping.getValue()) {
            final Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                problems.add(SafeYaml.line(keyNode), path, "keys must be plain text, found " + kind(keyNode));
                continue;
            }
            final String key = scalarKey.getValue();
            final NodeTuple first = map.entries.get(key);
            if (first != null) {
                problems.add(SafeYaml.line(keyNode), map.path(key),
                    "duplicate key (first at line " + SafeYaml.line(first.getKeyNode()) + ")");
            } else if (!keys.contains(key)) {
                final String hint = Text.didYouMean(key, keys);
                problems.add(SafeYaml.line(keyNode), map.path(key), "unknown key"
                    + (hint.isEmpty() ? " (expected one of: " + String.join(", ", keys) + ")" : hint));
            } else {
                map.entries.put(key, tuple);
            }
        }
        return map;
    }

    /** "a single value", "a list" or "a mapping". */
    static String kind(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return isNull(node) ? "an empty value" : "a single value (" + Text.quote(((ScalarNode) node).getValue()) + ")";
    }

    /** True for an empty value ({@code key:}, {@code ~}, {@code null}). */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** The line of the mapping's first key. */
    int line() {
        return SafeYaml.line(node);
    }

    /** The mapping's path. */
    String path() {
        return path;
    }

    /** The path of {@code key} in this mapping. */
    String path(String key) {
        final String shown = PLAIN_KEY.matcher(key).matches() ? key : Text.quote(key);
        return path.isEmpty() ? shown : path + "." + shown;
    }

    /** The line of {@code key}, or of the mapping if the key is absent. */
    int line(String key) {
        final NodeTuple tuple = entries.get(key);
        return tuple == null ? line() : SafeYaml.line(tuple.getKeyNode());
    }

    /** True if {@code key} is present with a non-empty value. */
    boolean has(String key) {
        return value(key) != null;
    }

    /** The value of {@code key}, or null if absent or empty. */
    Node value(String key) {
        final NodeTuple tuple = entries.get(key);
        return tuple == null || isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
    }

    /** Reports {@code key} as missing (absent or empty). */
    void missing(String key) {
        final NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            problems.add(line(), path, "missing " + Text.quote(key));
        } else {
            problems.add(line(key), path(key), "missing value");
        }
    }

    /** Records a problem about the value of {@code key}. */
    void problem(String key, String message) {
        problems.add(line(key), path(key), message);
    }

    /** The text of {@code key}; null if absent (reported if {@code required}) or not a single value (reported). */
    String text(String key, boolean required) {
        final Node value = value(key);
        if (value == null) {
            if (required) {
                missing(key);
            }
            return null;
        }
        if (!(value instanceof ScalarNode scalar)) {
            problem(key, "expected a single value, found " + kind(value));
            return null;
        }
        return scalar.getValue();
    }

    /** {@link #text} checked as a name of at most {@code max} characters. */
    String name(String key, boolean required, int max) {
        final String text = text(key, required);
        if (text == null) {
            return null;
        }
        final String problem = Text.nameProblem(text, max);
        if (problem != null) {
            problem(key, problem);
            return null;
        }
        return text;
    }

    /**
     * The decimal integer value of {@code key} in {@code min..max}; null if absent (reported if
     * {@code required}) or invalid (reported).
     */
    Long integer(String key, boolean required, long min, long max) {
        final String text = text(key, required);
        if (text == null) {
            return null;
        }
        final String problem = integerProblem(text);
        if (problem != null) {
            problem(key, problem);
            return null;
        }
        final long value = Long.parseLong(text);
        if (value < min || value > max) {
            problem(key, value + " is out of range " + min + ".." + max);
            return null;
        }
        return value;
    }

    private static String integerProblem(String text) {
        final int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || text.length() - start > 18) {
            return Text.quote(text) + " is not a whole number" + (text.length() - start > 18 ? " in range" : "");
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return Text.quote(text) + " is not a whole number";
            }
        }
        if (text.length() - start > 1 && text.charAt(start) == '0') {
            return Text.quote(text) + " has a leading zero (octal or decimal?)";
        }
        return null;
    }

    /** The items of the list under {@code key}: empty if absent, null if not a list (reported). */
    List<Node> list(String key) {
        final Node value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof SequenceNode sequence)) {
            problem(key, "expected a list, found " + kind(value));
            return null;
        }
        return sequence.getValue();
    }

    /** The mapping under {@code key}: null if absent or not a mapping (reported). */
    YamlMap map(String key, List<String> keys, String what) {
        final Node value = value(key);
        return value == null ? null : of(value, path(key), problems, keys, what);
    }
}
