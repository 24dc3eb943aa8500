package org.vroom.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A disposable network lab: namespaces ("hosts"), veth links between them, and processes
 * running inside them. Everything it creates is recorded on an undo stack and torn down in
 * reverse order by {@link #close()}, even if some steps fail (those are reported as suppressed
 * exceptions of one {@link LabException}). A JVM shutdown hook closes labs left open, and
 * {@link #cleanStale()} (run once per JVM when the first lab opens) removes namespaces of
 * earlier JVMs that died without cleaning up.
 *
 * <p>Namespace names are {@code vl<pid>x<n>-<host>}: the owning JVM's pid makes them unique
 * on the machine and lets a later JVM decide whether they are stale. veth ends are created
 * directly inside their namespaces, so interface names ({@code eth0}...) only need to be unique
 * within a host. Nothing is ever created in, or addressed from, the root namespace.
 *
 * <pre>{@code
 * try (Lab lab = new Lab()) {
 *     Host h1 = lab.host("h1"), r = lab.host("r"), h2 = lab.host("h2");
 *     lab.link(h1, "eth0", r, "eth1");
 *     lab.link(r, "eth2", h2, "eth0");
 *     h1.addr("eth0", "10.0.1.2/24").route("default", "10.0.1.1");
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: all methods may be called from any thread; they serialise on the lab.
 */
public final class Lab implements AutoCloseable {
    /** Every namespace of every lab starts with this. */
    public static final String NAME_PREFIX = "vl";
    /** Default timeout for one command. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private static final Pattern OUR_NAMESPACE = Pattern.compile("vl(\\d+)x\\d+(?:-[A-Za-z0-9_.]+)?");
    private static final Pattern OUR_WORK_DIR = Pattern.compile("vroom-lab-vl(\\d+)x\\d+.*");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.]{1,24}");
    private static final Pattern IF_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Duration NETNS_KILL_GRACE = Duration.ofSeconds(2);

    private static final AtomicInteger LAB_SEQ = new AtomicInteger();
    private static final Set<Lab> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean STALE_CLEANED = new AtomicBoolean();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Lab::closeAllOnShutdown, "vroom-lab-shutdown"));
    }

    private final String prefix;
    private final Path workDir;
    private final Duration commandTimeout;
    private final Deque<Step> undo = new ArrayDeque<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    private final List<BackgroundProcess> processes = new ArrayList<>();
    private int processSeq;
    private boolean closed;

    /** A lab with the {@link #DEFAULT_TIMEOUT} per command. */
    public Lab() {
        this(DEFAULT_TIMEOUT);
    }

    public Lab(Duration commandTimeout) {
        if (STALE_CLEANED.compareAndSet(false, true)) {
            cleanStale();
        }
        this.commandTimeout = commandTimeout;
        this.prefix = NAME_PREFIX + ProcessHandle.current().pid() + "x" + LAB_SEQ.incrementAndGet();
        try {
            this.workDir = Files.createTempDirectory("vroom-lab-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the lab work directory", e);
        }
        OPEN.add(this);
    }

    // ---------------------------------------------------------------- environment checks

    /**
     * True when this process can create network namespaces: effective uid 0 with CAP_SYS_ADMIN and
     * CAP_NET_ADMIN, and the {@code ip} tool is installed.
     */
    public static boolean isRoot() {
        try {
            long euid = -1;
            long capEff = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    euid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                } else if (line.startsWith("CapEff:")) {
                    capEff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
            long needed = (1L << 21) | (1L << 12); // CAP_SYS_ADMIN, CAP_NET_ADMIN
            return euid == 0 && (capEff & needed) == needed && hasCommand("ip");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * True if process {@code pid} exists and has not exited (a zombie waiting to be reaped counts
     * as exited). Use it to prove a test left no process running.
     */
    public static boolean isRunning(long pid) {
        return Processes.running(pid);
    }

    /** True if {@code command} is an executable on PATH or in the usual system directories. */
    public static boolean hasCommand(String command) {
        return Processes.which(command).isPresent();
    }

    // ---------------------------------------------------------------- topology

    /** Creates a namespace for a host (loopback up). Host names are 1..24 of {@code [A-Za-z0-9_.]}. */
    public synchronized Host host(String name) {
        ensureOpen();
        if (!HOST_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad host name: '" + name + "'");
        }
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("host already exists: " + name);
        }
        String netns = prefix + "-" + name;
        run(List.of("ip", "netns", "add", netns)).orThrow();
        Host host = new Host(this, name, netns);
        hosts.put(name, host);
        undo.push(new Step("namespace " + netns, () -> deleteNamespace(netns)));
        host.ip("link", "set", "lo", "up");
        return host;
    }

    /** The host created earlier under this name. */
    public synchronized Host existingHost(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no such host: " + name);
        }
        return h;
    }

    public synchronized Collection<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * Connects two hosts with a veth pair ({@code ifA} in {@code a}, {@code ifB} in {@code b}) and
     * brings both ends up. The pair disappears with either namespace.
     */
    public synchronized Link link(Host a, String ifA, Host b, String ifB) {
        ensureOpen();
        checkOwn(a);
        checkOwn(b);
        checkIfName(ifA);
        checkIfName(ifB);
        run(List.of("ip", "link", "add", ifA, "netns", a.netns(), "type", "veth",
                "peer", "name", ifB, "netns", b.netns())).orThrow();
        Link link = new Link(a, ifA, b, ifB);
        links.add(link);
        link.up();
        return link;
    }

    public synchronized List<Link> links() {
        return List.copyOf(links);
    }

    /** Registers a teardown step; steps run in reverse order of registration at {@link #close()}. */
    public synchronized void onClose(String what, Runnable action) {
        ensureOpen();
        undo.push(new Step(what, action));
    }

    // ---------------------------------------------------------------- accessors

    /** This lab's name prefix, {@code vl<pid>x<n>}. */
    public String prefix() {
        return prefix;
    }

    /** Directory for configuration files and process output; removed at close unless {@code -Dvroom.lab.keep=true}. */
    public Path workDir() {
        return workDir;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Every background process this lab started (alive or not). */
    public synchronized List<BackgroundProcess> processes() {
        return List.copyOf(processes);
    }

    /** Names of this lab's namespaces that currently exist on the machine. */
    public List<String> namespaces() {
        return existingNamespaces().stream().filter(n -> n.startsWith(prefix + "-")).toList();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** All named network namespaces on the machine ({@code ip netns list}). */
    public static List<String> existingNamespaces() {
        if (!Files.isDirectory(NETNS_DIR)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(NETNS_DIR)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- stale cleanup

    /**
     * Removes namespaces (and work directories) named by a lab of a JVM that no longer runs: the
     * pid encoded in {@code vl<pid>x<n>-...} has no {@code /proc/<pid>}. Processes still inside such a
     * namespace are killed by pid first. Namespaces of live JVMs are never touched.
     *
     * @return the namespaces removed
     */
    public static List<String> cleanStale() {
        List<String> removed = new ArrayList<>();
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        for (String ns : existingNamespaces()) {
            Matcher m = OUR_NAMESPACE.matcher(ns);
            if (m.matches() && !pidAlive(Long.parseLong(m.group(1)))) {
                try {
                    killNamespacePids(ns, scratch);
                    ExecResult r = Processes.run(List.of("ip", "netns", "del", ns), DEFAULT_TIMEOUT, scratch);
                    if (r.ok()) {
                        removed.add(ns);
                    }
                } catch (RuntimeException e) {
                    // best effort: the next JVM tries again
                }
            }
        }
        try (Stream<Path> s = Files.list(scratch)) {
            for (Path dir : s.toList()) {
                Matcher m = OUR_WORK_DIR.matcher(dir.getFileName().toString());
                if (m.matches() && !pidAlive(Long.parseLong(m.group(1)))) {
                    deleteTree(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        return removed;
    }

    static boolean pidAlive(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    // ---------------------------------------------------------------- teardown

    /**
     * Stops every process and deletes every namespace, in reverse order of creation. All steps are
     * attempted; failures are thrown together as one {@link LabException} with suppressed causes.
     */
    @Override
    public void close() {
        List<Step> steps;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            steps = new ArrayList<>(undo);
            undo.clear();
        }
        List<Throwable> errors = new ArrayList<>();
        for (Step step : steps) {
            try {
                step.action().run();
            } catch (RuntimeException | Error e) {
                errors.add(new LabException("teardown step failed: " + step.what(), e));
            }
        }
        for (String leftover : namespaces()) {
            errors.add(new LabException("namespace still exists after teardown: " + leftover));
        }
        if (!Boolean.getBoolean("vroom.lab.keep")) {
            try {
                deleteTree(workDir);
            } catch (IOException | UncheckedIOException e) {
                errors.add(new LabException("cannot remove " + workDir, e));
            }
        }
        OPEN.remove(this);
        if (!errors.isEmpty()) {
            LabException ex = new LabException("lab " + prefix + " teardown had " + errors.size() + " error(s)");
            errors.forEach(ex::addSuppressed);
            throw ex;
        }
    }

    private static void closeAllOnShutdown() {
        for (Lab lab : OPEN) {
            try {
                lab.close();
            } catch (RuntimeException e) {
                System.err.println("vroom lab: cleanup at shutdown: " + e);
            }
        }
    }

    private void deleteNamespace(String netns) {
        killNamespacePids(netns, workDir);
        run(List.of("ip", "netns", "del", netns)).orThrow();
    }

    /** Kills, by pid, every process whose network namespace is {@code netns}. */
    private static void killNamespacePids(String netns, Path scratch) {
        ExecResult pids = Processes.run(List.of("ip", "netns", "pids", netns), DEFAULT_TIMEOUT, scratch);
        if (!pids.ok()) {
            return;
        }
        for (String line : pids.stdout().split("\\s+")) {
            if (!line.isBlank()) {
                long pid = Long.parseLong(line.trim());
                if (pid != ProcessHandle.current().pid()) {
                    Processes.killPid(pid, NETNS_KILL_GRACE);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---------------------------------------------------------------- package-private plumbing

    /** Runs a command in the root namespace (only ever {@code ip netns ...}/{@code ip link add ... netns}). */
    ExecResult run(List<String> command) {
        return Processes.run(command, commandTimeout, workDir);
    }

    ExecResult run(List<String> command, Duration timeout) {
        return Processes.run(command, timeout, workDir);
    }

    synchronized BackgroundProcess start(Host host, String name, List<String> command) {
        ensureOpen();
        String unique = name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + (++processSeq);
        Path out = workDir.resolve(unique + ".out");
        Path err = workDir.resolve(unique + ".err");
        ProcessBuilder pb = Processes.builder(command);
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LabException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        BackgroundProcess bp = new BackgroundProcess(name, host, command, p, out, err);
        processes.add(bp);
        undo.push(new Step("stop " + bp.describe(), () -> {
            bp.stop(BackgroundProcess.DEFAULT_GRACE);
            if (bp.isAlive()) {
                throw new LabException(bp.describe() + " survived SIGKILL");
            }
        }));
        return bp;
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
    }

    private void checkOwn(Host h) {
        if (h.lab() != this || hosts.get(h.name()) != h) {
            throw new IllegalArgumentException("host " + h.name() + " is not part of lab " + prefix);
        }
    }

    static void checkIfName(String ifName) {
        if (!IF_NAME.matcher(ifName).matches()) {
            throw new IllegalArgumentException("bad interface name (1..15 chars): '" + ifName + "'");
        }
    }

    @Override
    public String toString() {
        return "Lab[" + prefix + ", hosts=" + hosts.keySet() + "]";
    }

    private record Step(String what, Runnable action) {
    }
}
