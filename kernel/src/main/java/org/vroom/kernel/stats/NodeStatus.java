package org.vroom.kernel.stats;

/** What a counters file says about its node. */
public enum NodeStatus {
    /** The owning process is alive and has not closed the file: values are live. */
    RUNNING("running"),
    /** The node closed cleanly and kept its file: values are the last ones written. */
    CLOSED("stopped"),
    /** The owning process died without closing the file: values are the last ones written. */
    STALE("stale");

    private final String word;

    NodeStatus(final String word) {
        this.word = word;
    }

    /** Lower-case word used by {@code vroom stat}. */
    public String word() {
        return word;
    }
}
