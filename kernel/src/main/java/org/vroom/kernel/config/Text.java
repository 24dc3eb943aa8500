package org.vroom.kernel.config;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/** Names, quoting and "did you mean" suggestions shared by the model, the loader and the validator. */
final class Text {
    /** Longest port, VR or interface name. */
    static final int MAX_NAME = 32;
    /** Longest node name (a DNS label is at most 63). */
    static final int MAX_NODE_NAME = 64;
    /** Longest Linux interface name (IFNAMSIZ - 1). */
    static final int MAX_LINUX_INTERFACE = 15;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final int MAX_QUOTED = 60;

    private Text() {
    }

    /**
     * Why {@code name} is not a valid port, VR or interface name (or node name if {@code max} is
     * {@link #MAX_NODE_NAME}), or null: 1..max characters of letters, digits, '_', '.', '-', starting
     * with a letter or digit.
     */
    static String nameProblem(String name, int max) {
        if (name.isEmpty()) {
            return "a name must not be empty";
        }
        if (name.length() > max) {
            return quote(name) + " is longer than " + max + " characters";
        }
        if (!NAME.matcher(name).matches()) {
            return quote(name) + " is not a valid name (letters, digits, '_', '.', '-'; starting with a letter or digit)";
        }
        return null;
    }

    /**
     * Why {@code name} is not a valid Linux interface name, or null. Mirrors the kernel's
     * {@code dev_valid_name()}: 1..15 bytes, not "." or "..", no '/', ':' or white space; we also
     * refuse control characters.
     */
    static String linuxInterfaceProblem(String name) {
        if (name.isEmpty()) {
            return "a Linux interface name must not be empty";
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LINUX_INTERFACE) {
            return quote(name) + " is longer than " + MAX_LINUX_INTERFACE + " bytes (Linux IFNAMSIZ)";
        }
        if (name.equals(".") || name.equals("..")) {
            return quote(name) + " is not a valid Linux interface name";
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return quote(name) + " is not a valid Linux interface name (no '/', ':' or white space)";
            }
        }
        return null;
    }

    /** Throws IllegalArgumentException (prefixed by {@code what}) if {@code name} is not valid. */
    static String requireName(String name, String what, int max) {
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        final String problem = nameProblem(name, max);
        if (problem != null) {
            throw new IllegalArgumentException(what + ": " + problem);
        }
        return name;
    }

    /**
     * {@code "text"} with quotes, backslashes and non-printable characters escaped, shortened to about
     * 60 characters so a message stays one readable line.
     */
    static String quote(String text) {
        final StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_QUOTED) + 8).append('"');
        for (int i = 0; i < text.length(); i++) {
            if (sb.length() > MAX_QUOTED) {
                sb.append("...");
                break;
            }
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && Character.isISOControl(c))) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * {@code " (did you mean \"x\"?)"} for the candidate closest to {@code wrong}, or "" if none is
     * close: same text ignoring case and '_' versus '-', or an edit distance (with transpositions) of
     * 1 for short words and 2 for words of 5 or more characters.
     */
    static String didYouMean(String wrong, Collection<String> candidates) {
        final String best = closest(wrong, candidates);
        return best == null ? "" : " (did you mean " + quote(best) + "?)";
    }

    /** The candidate closest to {@code wrong} as described in {@link #didYouMean}, or null. */
    static String closest(String wrong, Collection<String> candidates) {
        final String w = normalise(wrong);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            final String c = normalise(candidate);
            final int d = c.equals(w) ? 0 : distance(w, c);
            final int allowed = Math.min(w.length(), c.length()) >= 5 ? 2 : 1;
            if (d <= allowed && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || a.length() > 64 || b.length() > 64) {
            return Integer.MAX_VALUE;
        }
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
