package org.vroom.kernel.mgmt;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for {@code vroomctl}: upper-case headers, left-aligned columns, two spaces apart. */
final class CtlTable {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    CtlTable(String... headers) {
        this.headers = headers.clone();
    }

    /** Adds a row; null cells print as "-". */
    CtlTable row(Object... cells) {
        final String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            final Object c = i < cells.length ? cells[i] : null;
            r[i] = c == null ? "-" : c.toString();
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        final int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        line(out, headers, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
    }

    private static void line(PrintStream out, String[] cells, int[] width) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(cells[i]);
            if (i < cells.length - 1) {
                sb.append(" ".repeat(width[i] - cells[i].length() + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    /** Key/value lines with the keys padded to one width. */
    static void keyValues(PrintStream out, String[][] pairs) {
        int w = 0;
        for (String[] p : pairs) {
            w = Math.max(w, p[0].length());
        }
        for (String[] p : pairs) {
            out.println(p[0] + " ".repeat(w - p[0].length() + 2) + (p[1] == null ? "-" : p[1]));
        }
    }
}
