package org.vroom.lab.traffic;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line options of the traffic tools. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] argv, Set<String> known) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "'; known: " + known);
            }
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            values.put(a.substring(2), argv[++i]);
        }
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return v;
    }

    long number(String name, long dflt) {
        String v = values.get(name);
        return v == null ? dflt : Long.parseLong(v);
    }
}
