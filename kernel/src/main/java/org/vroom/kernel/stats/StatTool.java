package org.vroom.kernel.stats;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * {@code vroom stat}: prints the counters of the vroom nodes of this machine, read from their counters
 * files without talking to the nodes (like Aeron's AeronStat). Options are few, so they are parsed by
 * hand (no CLI library).
 *
 * <pre>
 * vroom stat [--dir D] [--node NAME] [--json] [--watch SECONDS [--count N]] [--filter TEXT]
 * </pre>
 *
 * Exit status: 0 every node shown is running; 3 a node shown is stopped or stale (its last values are
 * shown); 1 no node found or a file could not be read; 2 bad usage.
 */
public final class StatTool {
    public static final int EXIT_OK = 0;
    public static final int EXIT_NO_NODE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_NOT_RUNNING = 3;

    /** Waits between samples in watch mode; tests inject one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** Parsed command line. */
    record Options(Path dir, String node, boolean json, long watchNanos, long count, String filter, boolean help) {
    }

    /** What the tool remembers about one node between samples. */
    private static final class NodeView {
        CountersFileReader reader;
        Map<String, Long> previousValues;
        long previousNanos;
    }

    private final PrintStream out;
    private final PrintStream err;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final Sleeper sleeper;

    public StatTool(final PrintStream out, final PrintStream err) {
        this(out, err, SystemEpochClock.INSTANCE, new SystemNanoClock(), nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    public StatTool(
        final PrintStream out,
        final PrintStream err,
        final EpochClock epochClock,
        final NanoClock nanoClock,
        final Sleeper sleeper) {
        this.out = out;
        this.err = err;
        this.epochClock = epochClock;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    public static void main(final String[] args) {
        final int status = new StatTool(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the tool; returns the exit status. */
    public int run(final String[] args) {
        final Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("vroom stat: " + e.getMessage());
            err.println(usage());
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.println(usage());
            out.println();
            out.print(metricsHelp());
            return EXIT_OK;
        }
        final Path dir = options.dir() != null ? options.dir() : CountersLayout.defaultDirectory();
        final boolean watch = options.watchNanos() > 0;
        final Map<Path, NodeView> views = new LinkedHashMap<>();
        long samples = 0;
        int status;
        while (true) {
            status = sample(options, dir, watch, views);
            out.flush();
            samples++;
            if (!watch || (options.count() > 0 && samples >= options.count())) {
                return status;
            }
            try {
                sleeper.sleep(options.watchNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        }
    }

    private int sample(final Options options, final Path dir, final boolean watch, final Map<Path, NodeView> views) {
        final List<Path> files;
        try {
            files = options.node() != null
                ? List.of(CountersLayout.counterFile(dir, CountersLayout.validateNodeName(options.node())))
                : listCounterFiles(dir);
        } catch (IllegalArgumentException e) {
            err.println("vroom stat: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("vroom stat: cannot list " + dir + ": " + e);
            return EXIT_NO_NODE;
        }
        if (files.isEmpty()) {
            err.println("vroom stat: no vroom node is running: no *" + CountersLayout.FILE_SUFFIX + " file in "
                + dir + (options.dir() == null ? " (use --dir if the node writes elsewhere)" : ""));
            views.clear();
            return EXIT_NO_NODE;
        }
        views.keySet().retainAll(files);
        int status = EXIT_OK;
        for (final Path file : files) {
            final NodeView view = views.computeIfAbsent(file, f -> new NodeView());
            if (view.reader == null || view.reader.isReplaced()) {
                if (view.reader != null) {
                    err.println("vroom stat: " + file + " was replaced or removed (node restarted or stopped)");
                }
                view.previousValues = null;
                try {
                    view.reader = CountersFileReader.open(file);
                } catch (CountersFileException e) {
                    view.reader = null;
                    err.println("vroom stat: " + e.getMessage());
                    status = Math.max(status, EXIT_NO_NODE);
                    continue;
                }
            }
            final long now = nanoClock.nanoTime();
            final CountersSnapshot snapshot = view.reader.snapshot();
            final List<StatFormatter.Row> rows = StatFormatter.rows(snapshot, options.filter());
            final double elapsed = view.previousValues == null ? 0 : (now - view.previousNanos) / 1e9;
            if (options.json()) {
                final String warning = StatFormatter.statusWarning(snapshot);
                if (warning != null) {
                    err.println("vroom stat: " + warning);
                }
                StatFormatter.json(out, snapshot, rows, view.previousValues, elapsed, epochClock.time());
            } else {
                StatFormatter.table(out, snapshot, rows, view.previousValues, elapsed, watch, epochClock.time());
            }
            view.previousValues = StatFormatter.values(rows);
            view.previousNanos = now;
            if (snapshot.status() != NodeStatus.RUNNING && status == EXIT_OK) {
                status = EXIT_NOT_RUNNING;
            }
        }
        return status;
    }

    private static List<Path> listCounterFiles(final Path dir) throws IOException {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + CountersLayout.FILE_SUFFIX)) {
            for (final Path file : stream) {
                if (!file.getFileName().toString().startsWith(".") && Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        } catch (NoSuchFileException e) {
            return files;
        }
        files.sort(null);
        return files;
    }

    static Options parse(final String[] args) {
        Path dir = null;
        String node = null;
        boolean json = false;
        long watchNanos = 0;
        long count = 0;
        String filter = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            final int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--json" -> json = flag(arg, value);
                case "-h", "--help" -> help = flag(arg, value);
                case "--dir" -> dir = Path.of(value != null ? value : next(args, ++i, arg));
                case "--node" -> node = value != null ? value : next(args, ++i, arg);
                case "--filter" -> filter = value != null ? value : next(args, ++i, arg);
                case "--watch" -> watchNanos = seconds(value != null ? value : next(args, ++i, arg));
                case "--count" -> count = positive(arg, value != null ? value : next(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (count > 0 && watchNanos == 0) {
            throw new IllegalArgumentException("--count needs --watch");
        }
        return new Options(dir, node, json, watchNanos, count, filter, help);
    }

    private static boolean flag(final String arg, final String value) {
        if (value != null) {
            throw new IllegalArgumentException(arg + " takes no value");
        }
        return true;
    }

    private static String next(final String[] args, final int i, final String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long seconds(final String text) {
        final double seconds;
        try {
            seconds = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--watch needs a number of seconds: " + text);
        }
        if (!(seconds >= 0.01 && seconds <= 86_400)) {
            throw new IllegalArgumentException("--watch seconds must be between 0.01 and 86400: " + text);
        }
        return (long) (seconds * 1e9);
    }

    private static long positive(final String option, final String text) {
        try {
            final long n = Long.parseLong(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive integer: " + text);
    }

    static String usage() {
        return """
            usage: vroom stat [--dir DIR] [--node NAME] [--json] [--watch SECONDS [--count N]] [--filter TEXT]
            Prints the counters of the vroom nodes of this machine, read live from DIR/<node>.counters
            without talking to the nodes.
              --dir DIR        counters directory (default /dev/shm/vroom, else $java.io.tmpdir/vroom,
                               or -Dvroom.counters.dir)
              --node NAME      only this node (default: every node in DIR)
              --json           one JSON object per line: a "node" record then one "counter" record per counter
              --watch SECONDS  print again every SECONDS (decimals allowed), with rates per second
              --count N        with --watch: stop after N samples
              --filter TEXT    only counters whose group or name contains TEXT (case-insensitive)
              --help           this text and the list of counters
            Counters of several writer threads (shards) of one port or VR are summed.
            exit status: 0 running; 3 a node is stopped or stale (last values shown); 1 no node or
            unreadable file; 2 bad usage""";
    }

    private static String metricsHelp() {
        final StringBuilder sb = new StringBuilder();
        sb.append("port counters (type ").append(CounterTypes.PORT).append("):\n");
        for (final PortCounter c : PortCounter.values()) {
            sb.append(String.format("  %-24s %s%n", NodeCounters.metricName(c), c.description()));
        }
        sb.append("vr counters (type ").append(CounterTypes.VR).append("):\n");
        for (final VrCounter c : VrCounter.values()) {
            sb.append(String.format("  %-24s %s%n", NodeCounters.metricName(c), c.description()));
        }
        return sb.toString();
    }
}
