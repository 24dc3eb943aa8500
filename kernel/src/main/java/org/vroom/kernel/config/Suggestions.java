package org.vroom.kernel.config;

import java.util.Collection;

/** "Did you mean ...?" for misspelt keys and names, shared by the config file and the management API. */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * The candidate closest to {@code wrong}, ignoring case and '_' for '-', at most one edit away for short
     * words and two for words of five letters or more; null when none is that close.
     */
    public static String closest(String wrong, Collection<String> candidates) {
        return Text.closest(wrong, candidates);
    }
}
