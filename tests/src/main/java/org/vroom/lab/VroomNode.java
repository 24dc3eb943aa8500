package org.vroom.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.vroom.kernel.Main;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.stats.CounterKind;
import org.vroom.kernel.stats.CounterRecord;
import org.vroom.kernel.stats.CounterTypes;
import org.vroom.kernel.stats.CountersFileException;
import org.vroom.kernel.stats.CountersFileReader;
import org.vroom.kernel.stats.CountersLayout;
import org.vroom.kernel.stats.CountersSnapshot;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;

/**
 * A vroom node ({@link Main}) running in its own JVM inside a lab namespace, on AF_PACKET ports.
 * {@link #start} prepares the namespace the way a router box must be (IPv6 off, {@code ip_forward=0},
 * no kernel IPv4 address on a router port, so the namespace's own stack never answers for the VRs),
 * writes the node's YAML file from a {@link Spec}, starts the node and waits for its "running" line,
 * then maps its counters file read-only so a test can read every port and VR counter live.
 *
 * <p>Node names are {@code <lab prefix>-<spec name>}: unique on the machine, so the counters file
 * ({@code /dev/shm/vroom/<name>.counters}) of a node never collides with another lab's. The lab stops
 * the node when it closes (SIGTERM, SIGKILL after 10 s), deletes the node's lock file and fails the
 * teardown if the node left its counters file behind (an unclean stop); {@link #stop} stops it earlier.
 *
 * <p>{@link #diagnostics()} gathers what a failing assertion should show: the node's state, the tail
 * of its standard output and error, and every non-zero counter.
 */
public final class VroomNode implements AutoCloseable {
    /** Heap and GC of the node's JVM: the data plane is off-heap and allocation-free, so a small heap does. */
    public static final List<String> DEFAULT_JVM_ARGS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:-UsePerfData");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String RUNNING = "\"state\":\"running\"";
    private static final Pattern COUNTERS = Pattern.compile("\"counters\":\"([^\"]+)\"");
    private static final Duration POLL = Duration.ofMillis(20);

    private final Spec spec;
    private final String nodeName;
    private final Host host;
    private final Path configFile;
    private final BackgroundProcess process;
    private final CountersFileReader counters;

    private VroomNode(Spec spec, String nodeName, Host host, Path configFile, BackgroundProcess process,
                      CountersFileReader counters) {
        this.spec = spec;
        this.nodeName = nodeName;
        this.host = host;
        this.configFile = configFile;
        this.process = process;
        this.counters = counters;
    }

    // ---------------------------------------------------------------- configuration

    /** Creates the description of a node called {@code name} (unique within its lab). */
    public static Spec spec(String name) {
        return new Spec(name);
    }

    /** What the node's YAML file says: ports by Linux interface, VRs with interfaces and static routes. */
    public static final class Spec {
        private final String name;
        private final Map<String, String> ports = new LinkedHashMap<>();
        private final List<Vr> vrs = new ArrayList<>();

        private Spec(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** A port named {@code portName} on Linux interface {@code linuxInterface}. */
        public Spec port(String portName, String linuxInterface) {
            if (ports.put(portName, linuxInterface) != null) {
                throw new IllegalArgumentException("port defined twice: " + portName);
            }
            return this;
        }

        /** Adds a VR and returns it for its interfaces and routes. */
        public Vr vr(String vrName, int id) {
            Vr vr = new Vr(this, vrName, id);
            vrs.add(vr);
            return vr;
        }

        /** The VR called {@code vrName}. */
        public Vr vr(String vrName) {
            return vrs.stream().filter(v -> v.name.equals(vrName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no VR " + vrName));
        }

        /** Linux interfaces the node opens as ports. */
        public List<String> linuxInterfaces() {
            return List.copyOf(ports.values());
        }

        /** The YAML node file for node {@code nodeName}. */
        public String toYaml(String nodeName) {
            StringBuilder y = new StringBuilder();
            y.append("node:\n  name: ").append(nodeName).append("\n  workers: 1\nports:\n");
            ports.forEach((p, i) -> y.append("  - name: ").append(p).append("\n    interface: ").append(i).append('\n'));
            y.append("vrs:\n");
            for (Vr vr : vrs) {
                vr.appendYaml(y);
            }
            return y.toString();
        }
    }

    /** One VR of a {@link Spec}. Interfaces get vif indices 0, 1, ... in the order they are added. */
    public static final class Vr {
        private final Spec spec;
        private final String name;
        private final int id;
        private final List<Iface> interfaces = new ArrayList<>();
        private final List<Route> routes = new ArrayList<>();

        private Vr(Spec spec, String name, int id) {
            this.spec = spec;
            this.name = name;
            this.id = id;
        }

        public String name() {
            return name;
        }

        public int id() {
            return id;
        }

        /** An untagged interface with address {@code cidr} (a.b.c.d/len) on {@code port}. */
        public Vr iface(String ifName, String port, String cidr) {
            return iface(ifName, port, 0, cidr);
        }

        /** An interface on {@code port}, VLAN {@code vlan} (0 = untagged). */
        public Vr iface(String ifName, String port, int vlan, String cidr) {
            return iface(ifName, port, vlan, cidr, 0);
        }

        /** An interface on {@code port}, VLAN {@code vlan} (0 = untagged), IP MTU {@code mtu} (0 = default). */
        public Vr iface(String ifName, String port, int vlan, String cidr, int mtu) {
            interfaces.add(new Iface(ifName, port, vlan, cidr, mtu));
            return this;
        }

        /** A static route to {@code prefix} via next hop {@code via}. */
        public Vr route(String prefix, String via) {
            routes.add(new Route(prefix, via, null));
            return this;
        }

        /** A static route to {@code prefix} with action {@code drop} or {@code reject}. */
        public Vr routeAction(String prefix, String action) {
            routes.add(new Route(prefix, null, action));
            return this;
        }

        /** Back to the node description, for chaining. */
        public Spec and() {
            return spec;
        }

        /** The vif index of interface {@code ifName}. */
        public int vifIndex(String ifName) {
            for (int i = 0; i < interfaces.size(); i++) {
                if (interfaces.get(i).name().equals(ifName)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("VR " + name + " has no interface " + ifName);
        }

        /** The MAC of interface {@code ifName} as {@code ip neigh} prints it. */
        public String mac(String ifName) {
            return VroomNode.formatMac(Vif.macFor(id, vifIndex(ifName)));
        }

        private void appendYaml(StringBuilder y) {
            y.append("  - name: ").append(name).append("\n    id: ").append(id).append("\n    interfaces:\n");
            for (Iface i : interfaces) {
                y.append("      - name: ").append(i.name()).append("\n        port: ").append(i.port()).append('\n');
                if (i.vlan() != 0) {
                    y.append("        vlan: ").append(i.vlan()).append('\n');
                }
                y.append("        address: ").append(i.cidr()).append('\n');
                if (i.mtu() != 0) {
                    y.append("        mtu: ").append(i.mtu()).append('\n');
                }
            }
            if (!routes.isEmpty()) {
                y.append("    static-routes:\n");
                for (Route r : routes) {
                    y.append("      - prefix: ").append(r.prefix()).append('\n');
                    y.append(r.via() != null ? "        via: " + r.via() : "        action: " + r.action()).append('\n');
                }
            }
        }
    }

    private record Iface(String name, String port, int vlan, String cidr, int mtu) {
    }

    private record Route(String prefix, String via, String action) {
    }

    /** {@code aa:bb:cc:dd:ee:ff} of a 48-bit MAC held in the low bits of a long. */
    public static String formatMac(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (b.length() > 0) {
                b.append(':');
            }
            b.append(String.format(Locale.ROOT, "%02x", (mac >>> shift) & 0xFF));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Prepares {@code host} as a router box for {@code spec}'s ports and starts the node in it with
     * {@link #DEFAULT_JVM_ARGS}. Returns once the node printed its running line and its counters
     * file is mapped.
     *
     * @throws LabException if a port interface carries a kernel IPv4 address, or the node does not
     *                      come up (with its output)
     */
    public static VroomNode start(Host host, Spec spec) {
        return start(host, spec, DEFAULT_JVM_ARGS);
    }

    public static VroomNode start(Host host, Spec spec, List<String> jvmArgs) {
        prepareRouterNamespace(host, spec.linuxInterfaces());
        String nodeName = host.lab().prefix() + "-" + spec.name();
        Path config = host.writeFile("yaml", spec.toYaml(nodeName));
        BackgroundProcess p = host.startJava("vroom-" + spec.name(), Main.class, jvmArgs,
                List.of(config.toString()));
        // runs before the lab's own stop of the process (the lab undoes in reverse order)
        host.lab().onClose("stop vroom node " + nodeName, () -> stopAndCheckFiles(p, nodeName));
        p.awaitOutput(RUNNING, START_TIMEOUT);
        // the running line may still be half written when the marker shows: wait for the whole field
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Matcher m = COUNTERS.matcher(p.stdout());
        while (!m.find()) {
            if (System.nanoTime() - deadline > 0) {
                throw new LabException("node " + nodeName + " printed no counters file: " + p.stdout().strip());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted waiting for node " + nodeName, e);
            }
            m = COUNTERS.matcher(p.stdout());
        }
        CountersFileReader reader;
        try {
            reader = CountersFileReader.open(Path.of(m.group(1)));
        } catch (CountersFileException e) {
            throw new LabException("cannot read the counters of node " + nodeName + ": " + e.getMessage(), e);
        }
        return new VroomNode(spec, nodeName, host, config, p, reader);
    }

    /**
     * Lab teardown: SIGTERM with a generous grace (a loaded CI box can take seconds to run the node's
     * shutdown), then remove the node's lock file (the name is this lab's alone, and the node keeps lock
     * files forever by design). A counters file left behind means the node did not stop cleanly: it is
     * removed and reported.
     */
    private static void stopAndCheckFiles(BackgroundProcess p, String nodeName) {
        int code = p.stop(STOP_GRACE);
        Matcher m = COUNTERS.matcher(p.stdout());
        Path counters = m.find() ? Path.of(m.group(1))
                : CountersLayout.counterFile(CountersLayout.defaultDirectory(), nodeName);
        Path dir = counters.getParent();
        try {
            Files.deleteIfExists(CountersLayout.lockFile(dir, nodeName));
            if (Files.deleteIfExists(counters)) {
                throw new LabException("vroom node " + nodeName + " did not stop cleanly (exit code " + code
                        + " after SIGTERM): it left " + counters + " behind\n  stderr: " + tail(p.stderr()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * IPv6 off everywhere (no router solicitations, MLD or DAD on the router ports), no IPv4
     * forwarding by the namespace's kernel, and a check that no port carries a kernel IPv4 address.
     */
    static void prepareRouterNamespace(Host host, List<String> interfaces) {
        host.disableIpv6();
        host.ipForward(false);
        for (String ifName : interfaces) {
            host.sysctl("net/ipv6/conf/" + ifName + "/disable_ipv6", "1");
            String addrs = host.ip("-o", "-4", "addr", "show", "dev", ifName).stdout().strip();
            if (!addrs.isEmpty()) {
                throw new LabException("router port " + ifName + " in " + host.netns()
                        + " has a kernel IPv4 address; the namespace's stack would answer for the VRs: " + addrs);
            }
        }
    }

    /**
     * Runs {@code vroomctl ARGS} against this node's management API, inside its namespace (where the API
     * listens on loopback), with the node's token file. Returns the result; the caller checks the exit code.
     */
    public ExecResult ctl(String... args) {
        List<String> a = new ArrayList<>(List.of("--token-file",
                org.vroom.kernel.mgmt.ApiToken.runBase().resolve(nodeName).resolve("api.token").toString()));
        a.addAll(List.of(args));
        return Processes.run(host.inNamespace(JavaCommand.command(org.vroom.kernel.mgmt.VroomCtl.class.getName(),
                List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), a)), Duration.ofSeconds(60),
                host.lab().workDir());
    }

    /**
     * One request to this node's management API with curl, inside its namespace, with the node's token:
     * lighter than {@link #ctl} (no JVM start), for tests that change the node while traffic flows on a
     * shared 2-core box. Returns curl's result; its stdout ends with a line holding the HTTP status.
     */
    public ExecResult api(String method, String path, String jsonBody) {
        String token;
        try {
            token = Files.readString(org.vroom.kernel.mgmt.ApiToken.runBase().resolve(nodeName).resolve("api.token"))
                    .strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-X", method, "-H", "Authorization: Bearer " + token,
                "-w", "\nHTTP %{http_code}\n"));
        if (jsonBody != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary",
                    "@" + host.writeFile("json", jsonBody)));
        }
        cmd.add("http://127.0.0.1:7878" + path);
        return Processes.run(host.inNamespace(cmd), Duration.ofSeconds(30), host.lab().workDir());
    }

    /** Stops the node (SIGTERM, SIGKILL after {@code grace}) and returns its exit code (-1 if not reaped). */
    public int stop(Duration grace) {
        return process.stop(grace);
    }

    /**
     * Freezes the whole node (SIGSTOP to its pid) for {@code duration}, then lets it run on (SIGCONT):
     * what a router box's process sees when the machine starves it of CPU.
     */
    public void suspendFor(Duration duration) {
        String pid = Long.toString(process.pid());
        signal("-STOP", pid);
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            signal("-CONT", pid);
        }
    }

    private void signal(String signal, String pid) {
        ExecResult r = Processes.run(List.of("kill", signal, pid), Duration.ofSeconds(5), host.lab().workDir());
        r.orThrow();
    }

    @Override
    public void close() {
        process.close();
    }

    // ---------------------------------------------------------------- accessors

    public Spec spec() {
        return spec;
    }

    /** The node name the process runs under ({@code <lab prefix>-<spec name>}). */
    public String nodeName() {
        return nodeName;
    }

    public Host host() {
        return host;
    }

    public Path configFile() {
        return configFile;
    }

    public BackgroundProcess process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    // ---------------------------------------------------------------- counters

    /** Every counter of the node now. */
    public CountersSnapshot snapshot() {
        return counters.snapshot();
    }

    /** A VR counter summed over its shards, or -1 if the VR has no such counter. */
    public long vr(String vrName, VrCounter counter) {
        return snapshot().value(CounterTypes.VR, vrName, metric(counter));
    }

    /** A port counter summed over its shards, or -1 if the port has no such counter. */
    public long port(String portName, PortCounter counter) {
        return snapshot().value(CounterTypes.PORT, portName, metric(counter));
    }

    /** A port counter summed over every port of the node (and their shards). */
    public long allPorts(PortCounter counter) {
        String metric = metric(counter);
        long sum = 0;
        for (CounterRecord r : snapshot().counters()) {
            if (r.typeId() == CounterTypes.PORT && metric.equals(r.metric())) {
                sum += r.value();
            }
        }
        return sum;
    }

    /** Every counter of VR {@code vrName}. */
    public Map<VrCounter, Long> vrCounters(String vrName) {
        CountersSnapshot s = snapshot();
        Map<VrCounter, Long> m = new LinkedHashMap<>();
        for (VrCounter c : VrCounter.values()) {
            m.put(c, s.value(CounterTypes.VR, vrName, metric(c)));
        }
        return m;
    }

    /** The metric name of a counter in the counters file: the constant's name in lower case. */
    static <E extends Enum<E> & CounterKind> String metric(E counter) {
        return counter.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Polls a VR counter until {@code until} accepts it (counters are published once per batch and the
     * control plane's once per event, a little after the packets they count) and returns the last value
     * read, accepted or not after {@code timeout}.
     */
    public long awaitVr(String vrName, VrCounter counter, LongPredicate until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long v = vr(vrName, counter);
            if (until.test(v) || System.nanoTime() - deadline > 0) {
                return v;
            }
            sleep();
        }
    }

    /** As {@link #awaitVr} for a port counter. */
    public long awaitPort(String portName, PortCounter counter, LongPredicate until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long v = port(portName, counter);
            if (until.test(v) || System.nanoTime() - deadline > 0) {
                return v;
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }

    /**
     * For assertion messages: node name, pid, whether it runs (exit code if not), every non-zero
     * counter grouped by port/VR, and the tails of standard output and error.
     */
    public String diagnostics() {
        StringBuilder b = new StringBuilder();
        b.append("\n--- vroom node ").append(nodeName).append(" (pid ").append(process.pid()).append(", ");
        b.append(process.isAlive() ? "running" : "exited: " + exitCode()).append(") in ").append(host.netns());
        b.append("\n  counters:");
        try {
            String group = null;
            for (CounterRecord r : snapshot().counters()) {
                if (r.value() == 0) {
                    continue;
                }
                if (!r.group().equals(group)) {
                    group = r.group();
                    b.append("\n    ").append(group).append(':');
                }
                b.append(' ').append(r.metric()).append('=').append(r.value());
            }
        } catch (RuntimeException e) {
            b.append(" unreadable: ").append(e);
        }
        b.append("\n  stdout: ").append(tail(process.stdout()));
        b.append("\n  stderr: ").append(tail(process.stderr()));
        return b.toString();
    }

    private String exitCode() {
        try {
            return Integer.toString(process.waitFor(Duration.ZERO));
        } catch (LabException e) {
            return "?";
        }
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= 3_000 ? t : "..." + t.substring(t.length() - 3_000);
    }

    @Override
    public String toString() {
        return "vroom node " + nodeName + " (pid " + process.pid() + ") in " + host.netns();
    }
}
