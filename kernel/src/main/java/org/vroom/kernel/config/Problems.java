package org.vroom.kernel.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects problems while a file is read and checked, so the user sees all of them at once.
 * Each problem is rendered as {@code source:line: path: message}; the line is left out when unknown
 * (0) and the path when empty. At most {@link #MAX} problems are kept; the rest are counted.
 */
final class Problems {
    /** Most problems reported individually. */
    static final int MAX = 100;

    private record Entry(int line, int order, String text) {
    }

    private final String source;
    private final List<Entry> entries = new ArrayList<>();
    private int dropped;

    Problems(String source) {
        this.source = source;
    }

    /**
     * Records a problem.
     *
     * @param line    1-based line, or 0 if unknown
     * @param path    where in the document, e.g. {@code vrs[0].interfaces[1].address}, or ""
     * @param message what is wrong
     */
    void add(int line, String path, String message) {
        if (entries.size() >= MAX) {
            dropped++;
            return;
        }
        final StringBuilder sb = new StringBuilder(source.length() + path.length() + message.length() + 16);
        if (!source.isEmpty()) {
            sb.append(source);
            if (line > 0) {
                sb.append(':').append(line);
            }
            sb.append(": ");
        } else if (line > 0) {
            sb.append("line ").append(line).append(": ");
        }
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        entries.add(new Entry(line, entries.size(), sb.append(message).toString()));
    }

    /** Problems recorded so far (including dropped ones); compare before and after a step to see if it failed. */
    int count() {
        return entries.size() + dropped;
    }

    boolean isEmpty() {
        return count() == 0;
    }

    /** The problems sorted by line (unknown first), then in the order found. */
    List<String> sorted() {
        final List<String> out = new ArrayList<>(entries.size() + 1);
        entries.stream()
            .sorted(Comparator.comparingInt(Entry::line).thenComparingInt(Entry::order))
            .forEach(e -> out.add(e.text()));
        if (dropped > 0) {
            out.add((source.isEmpty() ? "" : source + ": ") + "... and " + dropped + " more problems");
        }
        return out;
    }

    /** Throws one exception listing every problem, if there is any. */
    void throwIfAny() throws ConfigException {
        if (!isEmpty()) {
            throw new ConfigException(sorted());
        }
    }
}
