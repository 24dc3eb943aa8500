package org.vroom.kernel.config;

import java.io.StringReader;
import java.util.Set;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns text into a SnakeYAML node tree (with line numbers) without ever constructing Java objects
 * from it, in two passes over the text:
 * <ol>
 *   <li>an event scan (linear in the text, nothing is expanded) that reports syntax errors, a second
 *       document, every explicit tag other than the core ones ({@code !!str}, {@code !!int}, ...) and
 *       aliases. Aliases are refused outright: a node file never needs them, they make line numbers
 *       point at the anchor instead of the use, and refusing them kills "billion laughs" expansion
 *       and recursive structures before any tree is built;</li>
 *   <li>{@link Yaml#compose}, with a {@link SafeConstructor} (never used: compose stops at nodes),
 *       a tag inspector that refuses every global tag, no collection aliases, a nesting limit and a
 *       size limit, as defence in depth.</li>
 * </ol>
 */
final class SafeYaml {
    /** Largest document, in code points (the loader also limits files to 1 MiB). */
    static final int MAX_CODE_POINTS = 1 << 20;
    /** Deepest nesting of collections (a node file needs 5). */
    static final int MAX_DEPTH = 32;

    private static final String CORE = "tag:yaml.org,2002:";
    private static final Set<String> ALLOWED_TAGS = Set.of("!", CORE + "str", CORE + "int", CORE + "bool",
        CORE + "null", CORE + "float", CORE + "map", CORE + "seq");

    private SafeYaml() {
    }

    /**
     * The root node of {@code text}, null for an empty document, or null with problems recorded.
     * Never throws for bad input.
     */
    static Node compose(String text, Problems problems) {
        if (text.length() > MAX_CODE_POINTS && text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            problems.add(0, "", "the document is too large (more than " + MAX_CODE_POINTS + " characters)");
            return null;
        }
        final Yaml yaml = newYaml();
        final int before = problems.count();
        try {
            scan(yaml, text, problems);
            if (problems.count() != before) {
                return null;
            }
            return yaml.compose(new StringReader(text));
        } catch (YAMLException e) {
            report(e, text, problems);
            return null;
        }
    }

    private static Yaml newYaml() {
        final LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMergeOnCompose(false);
        options.setProcessComments(false);
        options.setTagInspector(tag -> false);
        final DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new Resolver());
    }

    private static void scan(Yaml yaml, String text, Problems problems) {
        int documents = 0;
        int aliases = 0;
        AliasEvent firstAlias = null;
        for (Event event : yaml.parse(new StringReader(text))) {
            if (event instanceof DocumentStartEvent) {
                if (++documents == 2) {
                    problems.add(line(event.getStartMark()), "",
                        "a node file holds one YAML document; found a second one (\"---\")");
                }
            } else if (event instanceof AliasEvent alias) {
                if (aliases++ == 0) {
                    firstAlias = alias;
                }
            } else if (event instanceof ScalarEvent scalar) {
                checkTag(scalar.getTag(), event, problems);
            } else if (event instanceof CollectionStartEvent collection) {
                checkTag(collection.getTag(), event, problems);
            }
        }
        if (firstAlias != null) {
            problems.add(line(firstAlias.getStartMark()), "", "YAML aliases (*" + firstAlias.getAnchor()
                + ") are not supported; write the value out"
                + (aliases > 1 ? " (" + aliases + " aliases in the file)" : ""));
        }
    }

    private static void checkTag(String tag, Event event, Problems problems) {
        if (tag != null && !ALLOWED_TAGS.contains(tag)) {
            final String shown = tag.startsWith(CORE) ? "!!" + tag.substring(CORE.length()) : tag;
            final String quoted = Text.quote(shown);
            problems.add(line(event.getStartMark()), "", "YAML tag " + quoted.substring(1, quoted.length() - 1)
                + " is not allowed (a node file holds plain values only)");
        }
    }

    private static void report(YAMLException e, String text, Problems problems) {
        if (e instanceof MarkedYAMLException m) {
            final Mark at = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
            final int line = line(at);
            final String problem = oneLine(m.getProblem());
            final StringBuilder message = new StringBuilder("YAML syntax error: ").append(problem);
            if (m.getContext() != null) {
                message.append(" (").append(oneLine(m.getContext()));
                final int contextLine = line(m.getContextMark());
                if (contextLine > 0 && contextLine != line) {
                    message.append(" started at line ").append(contextLine);
                }
                message.append(')');
            }
            if (problem.startsWith("expected <block end>") || problem.startsWith("mapping values are not allowed")) {
                message.append("; check the indentation");
            }
            problems.add(line, "", message.toString());
        } else if (e instanceof ReaderException r) {
            problems.add(lineOfCodePoint(text, r.getPosition()), "",
                String.format("character U+%04X is not allowed in YAML", r.getCodePoint()));
        } else if (String.valueOf(e.getMessage()).startsWith("Nesting Depth")) {
            problems.add(0, "", "the document is nested too deeply (more than " + MAX_DEPTH + " levels)");
        } else {
            problems.add(0, "", "YAML error: " + oneLine(e.getMessage()));
        }
    }

    /** 1-based line of a SnakeYAML mark (0-based), 0 if none. */
    static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    /** 1-based line of a node's start. */
    static int line(Node node) {
        return line(node.getStartMark());
    }

    private static int lineOfCodePoint(String text, int codePointIndex) {
        int line = 1;
        int cp = 0;
        for (int i = 0; i < text.length() && cp < codePointIndex; i += Character.charCount(text.codePointAt(i)), cp++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace("\r", "").trim();
    }
}
