package org.vroom.lab.traffic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one-line JSON the traffic tools print: a flat object of numbers, booleans and strings.
 * A writer and a strict parser for exactly that shape (no nesting, no arrays).
 */
public final class FlatJson {
    private final StringBuilder sb = new StringBuilder("{");

    public FlatJson put(String key, long value) {
        return raw(key, Long.toString(value));
    }

    public FlatJson put(String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return raw(key, "null");
        }
        return raw(key, Double.toString(Math.round(value * 1000.0) / 1000.0));
    }

    public FlatJson put(String key, boolean value) {
        return raw(key, Boolean.toString(value));
    }

    public FlatJson put(String key, String value) {
        return raw(key, value == null ? "null" : quote(value));
    }

    private FlatJson raw(String key, String json) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append(quote(key)).append(':').append(json);
        return this;
    }

    @Override
    public String toString() {
        return sb + "}";
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    /**
     * Parses a flat JSON object into key → value text (strings unescaped, {@code null} as Java null).
     *
     * @throws IllegalArgumentException on anything else
     */
    public static Map<String, String> parse(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        Cursor c = new Cursor(json.strip());
        c.expect('{');
        c.skipSpace();
        if (c.peek() == '}') {
            c.next();
            c.end();
            return out;
        }
        while (true) {
            c.skipSpace();
            String key = c.string();
            c.skipSpace();
            c.expect(':');
            c.skipSpace();
            String value;
            char p = c.peek();
            if (p == '"') {
                value = c.string();
            } else {
                value = c.bare();
                if (value.equals("null")) {
                    value = null;
                }
            }
            out.put(key, value);
            c.skipSpace();
            char sep = c.next();
            if (sep == '}') {
                c.end();
                return out;
            }
            if (sep != ',') {
                throw c.error("expected ',' or '}'");
            }
        }
    }

    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        char next() {
            char c = peek();
            i++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw error("expected '" + c + "'");
            }
        }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        void end() {
            skipSpace();
            if (i != s.length()) {
                throw error("trailing characters");
            }
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("bad escape");
                }
            }
        }

        String bare() {
            int start = i;
            while (i < s.length() && "-+.eE0123456789truefalsn".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String v = s.substring(start, i);
            if (v.isEmpty()) {
                throw error("expected a value");
            }
            if (!v.equals("true") && !v.equals("false") && !v.equals("null")) {
                try {
                    Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw error("bad number '" + v + "'");
                }
            }
            return v;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at " + i + " in: " + s);
        }
    }
}
