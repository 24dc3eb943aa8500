package org.vroom.packetio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace {@code vrpt-<pid>-<n>} holding one veth pair ({@link #A} and {@link #B}), both
 * up, with IPv6 disabled and no addresses, so the kernel sends nothing on them. The JVM stays in its
 * own namespace; ports are opened inside this one through {@link AfPacketConfig.Builder#networkNamespace}.
 * {@link #close()} deletes the namespace and with it the pair. Namespaces left by a killed test run
 * (whose pid is gone) are removed on the next run.
 */
final class VethLab implements AutoCloseable {
    static final String A = "vrpta";
    static final String B = "vrptb";
    private static final String PREFIX = "vrpt-";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");

    final String namespace;

    private VethLab(String namespace) {
        this.namespace = namespace;
    }

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    static VethLab create() {
        removeStale();
        final VethLab lab = new VethLab(PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        boolean ok = false;
        try {
            run("ip", "netns", "add", lab.namespace);
            run("ip", "netns", "exec", lab.namespace, "sysctl", "-q", "-w",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            run("ip", "-n", lab.namespace, "link", "add", A, "type", "veth", "peer", "name", B);
            for (String dev : List.of(A, B)) {
                run("ip", "netns", "exec", lab.namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1");
                run("ip", "-n", lab.namespace, "link", "set", dev, "up");
            }
            lab.awaitOperationallyUp();
            ok = true;
            return lab;
        } finally {
            if (!ok) {
                lab.close();
            }
        }
    }

    /** The kernel sets the operational state asynchronously (linkwatch); wait for it. */
    void awaitOperationallyUp() {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String dev : List.of(A, B)) {
            while (!run("ip", "-n", namespace, "-o", "link", "show", "dev", dev).contains("state UP")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(dev + " in " + namespace + " did not come up");
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    AfPacketConfig.Builder config(String device) {
        return AfPacketConfig.builder(device).networkNamespace(namespace);
    }

    /** The MAC address {@code ip link} reports for {@code device}. */
    long macOf(String device) {
        final Matcher m = MAC.matcher(run("ip", "-n", namespace, "link", "show", "dev", device));
        if (!m.find()) {
            throw new AssertionError("no MAC for " + device);
        }
        return Long.parseLong(m.group(1).replace(":", ""), 16);
    }

    int ifIndexOf(String device) {
        final String out = run("ip", "-n", namespace, "-o", "link", "show", "dev", device);
        return Integer.parseInt(out.substring(0, out.indexOf(':')).trim());
    }

    @Override
    public void close() {
        try {
            run("ip", "-n", namespace, "link", "del", A);
        } catch (RuntimeException ignored) {
            // the namespace may not exist; deleting it below removes the pair anyway
        }
        run("ip", "netns", "del", namespace);
    }

    private static void removeStale() {
        for (String line : run("ip", "netns", "list").lines().toList()) {
            final String name = line.split("\\s+")[0];
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            final String[] parts = name.substring(PREFIX.length()).split("-");
            try {
                final long pid = Long.parseLong(parts[0]);
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                    run("ip", "netns", "del", name);
                }
            } catch (RuntimeException ignored) {
                // not ours or already gone
            }
        }
    }

    static String run(String... command) {
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("timed out: " + String.join(" ", command));
                }
            } finally {
                p.destroyForcibly(); // only this process, by handle; no-op when it has exited
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    static List<String> namespaces() {
        final List<String> names = new ArrayList<>();
        for (String line : run("ip", "netns", "list").lines().toList()) {
            names.add(line.split("\\s+")[0]);
        }
        return names;
    }
}
