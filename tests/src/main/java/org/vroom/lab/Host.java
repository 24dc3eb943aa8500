package org.vroom.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One network namespace of a {@link Lab}. Configuration methods throw {@link LabException} (with
 * the command, exit code and stderr) when the underlying tool fails and return {@code this} so
 * they chain: {@code h1.addr("eth0", "10.0.1.2/24").route("default", "10.0.1.1")}.
 */
public final class Host {
    private static final AtomicInteger FILE_SEQ = new AtomicInteger();

    private final Lab lab;
    private final String name;
    private final String netns;

    Host(Lab lab, String name, String netns) {
        this.lab = lab;
        this.name = name;
        this.netns = netns;
    }

    public Lab lab() {
        return lab;
    }

    /** The logical name given to {@link Lab#host(String)}. */
    public String name() {
        return name;
    }

    /** The namespace name ({@code vl<pid>x<n>-<name>}), as used by {@code ip netns exec}. */
    public String netns() {
        return netns;
    }

    // ---------------------------------------------------------------- commands

    /** {@code ip -n <ns> args...}; throws on failure. */
    public ExecResult ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", netns));
        cmd.addAll(Arrays.asList(args));
        return lab.run(cmd).orThrow();
    }

    /** Runs a command inside the namespace with the lab's timeout; throws on non-zero exit. */
    public ExecResult exec(String... command) {
        return exec(lab.commandTimeout(), command);
    }

    /** Runs a command inside the namespace; throws on non-zero exit or timeout. */
    public ExecResult exec(Duration timeout, String... command) {
        return tryExec(timeout, command).orThrow();
    }

    /** Runs a command inside the namespace and returns its result whatever the exit code; throws on timeout. */
    public ExecResult tryExec(Duration timeout, String... command) {
        return lab.run(inNamespace(Arrays.asList(command)), timeout);
    }

    /** {@code tc args...} inside the namespace. */
    public ExecResult tc(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tc"));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd.toArray(String[]::new));
    }

    /** Loads an nftables ruleset ({@code nft -f}) inside the namespace. */
    public ExecResult nft(String ruleset) {
        Path file = writeFile("nft", ruleset);
        return exec("nft", "-f", file.toString());
    }

    // ---------------------------------------------------------------- configuration

    public Host addr(String ifName, String cidr) {
        ip("addr", "add", cidr, "dev", ifName);
        return this;
    }

    /** {@code ip route replace <prefix> via <via>}; {@code prefix} may be {@code default}. */
    public Host route(String prefix, String via) {
        ip("route", "replace", prefix, "via", via);
        return this;
    }

    public Host route(String prefix, String via, String dev) {
        ip("route", "replace", prefix, "via", via, "dev", dev);
        return this;
    }

    public Host linkUp(String ifName) {
        ip("link", "set", "dev", ifName, "up");
        return this;
    }

    public Host linkDown(String ifName) {
        ip("link", "set", "dev", ifName, "down");
        return this;
    }

    public Host mtu(String ifName, int mtu) {
        ip("link", "set", "dev", ifName, "mtu", Integer.toString(mtu));
        return this;
    }

    /** Interface names in the namespace (including {@code lo}). */
    public List<String> interfaces() {
        List<String> names = new ArrayList<>();
        for (String line : ip("-o", "link", "show").stdout().split("\n")) {
            String[] f = line.split(":\\s+", 3);
            if (f.length >= 2) {
                String n = f[1];
                int at = n.indexOf('@');
                names.add(at >= 0 ? n.substring(0, at) : n);
            }
        }
        return names;
    }

    /** The MAC address of an interface, as {@code aa:bb:cc:dd:ee:ff}. */
    public String mac(String ifName) {
        String out = ip("-o", "link", "show", "dev", ifName).stdout();
        int i = out.indexOf("link/ether ");
        if (i < 0) {
            throw new LabException("no ethernet address on " + ifName + " in " + netns + ": " + out.strip());
        }
        return out.substring(i + 11, i + 28);
    }

    /** Writes a sysctl inside the namespace. Keys may use dots or slashes (slashes for names with dots). */
    public Host sysctl(String key, String value) {
        exec("sysctl", "-q", "-w", key + "=" + value);
        return this;
    }

    /** Reads a sysctl inside the namespace. */
    public String sysctl(String key) {
        return exec("sysctl", "-n", key).stdout().strip();
    }

    public Host ipForward(boolean on) {
        return sysctl("net.ipv4.ip_forward", on ? "1" : "0");
    }

    /** Disables IPv6 on every current and future interface (no router solicitations or MLD noise). */
    public Host disableIpv6() {
        sysctl("net.ipv6.conf.all.disable_ipv6", "1");
        return sysctl("net.ipv6.conf.default.disable_ipv6", "1");
    }

    /**
     * Sets reverse-path filtering (0 off, 1 strict, 2 loose) on {@code all}, {@code default} and every
     * existing interface (the kernel uses the maximum of {@code all} and the interface's value).
     */
    public Host rpFilter(int mode) {
        if (mode < 0 || mode > 2) {
            throw new IllegalArgumentException("rp_filter mode must be 0, 1 or 2: " + mode);
        }
        String v = Integer.toString(mode);
        sysctl("net/ipv4/conf/all/rp_filter", v);
        sysctl("net/ipv4/conf/default/rp_filter", v);
        for (String ifName : interfaces()) {
            sysctl("net/ipv4/conf/" + ifName + "/rp_filter", v);
        }
        return this;
    }

    /**
     * Cross-connects: every frame received on {@code fromIf} is transmitted unchanged on
     * {@code toIf} ({@code tc} ingress, u32 match-all, mirred egress redirect). Calling it again for
     * the same {@code fromIf} replaces the target in one rule change (link migration). The two
     * directions of a circuit are two calls.
     */
    public Host redirectIngress(String fromIf, String toIf) {
        tc("qdisc", "replace", "dev", fromIf, "ingress");
        tc("filter", "replace", "dev", fromIf, "parent", "ffff:", "protocol", "all", "prio", "1",
                "handle", "800::800", "u32", "match", "u32", "0", "0",
                "action", "mirred", "egress", "redirect", "dev", toIf);
        return this;
    }

    /** Removes a cross-connect made by {@link #redirectIngress}: frames on {@code fromIf} go to the stack again. */
    public Host clearRedirect(String fromIf) {
        tc("qdisc", "del", "dev", fromIf, "ingress");
        return this;
    }

    // ---------------------------------------------------------------- processes

    /** Starts a background process inside the namespace; the lab stops it at close if still alive. */
    public BackgroundProcess start(String processName, String... command) {
        return start(processName, Arrays.asList(command));
    }

    public BackgroundProcess start(String processName, List<String> command) {
        return lab.start(this, processName, inNamespace(command));
    }

    /**
     * Starts {@code mainClass} in a new JVM inside the namespace, with this JVM's java binary, class
     * path and module flags (see {@link JavaCommand}).
     */
    public BackgroundProcess startJava(String processName, Class<?> mainClass, List<String> jvmArgs,
                                       List<String> args) {
        return start(processName, JavaCommand.command(mainClass.getName(), jvmArgs, args));
    }

    /** Writes a file into the lab's work directory (for configs) and returns its path. */
    public Path writeFile(String suffix, String content) {
        Path file = lab.workDir().resolve(name + "-" + FILE_SEQ.incrementAndGet() + "." + suffix);
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    List<String> inNamespace(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(command);
        return cmd;
    }

    @Override
    public String toString() {
        return name + "(" + netns + ")";
    }
}
