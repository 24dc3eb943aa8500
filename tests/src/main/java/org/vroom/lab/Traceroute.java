package org.vroom.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path to a destination as seen from a namespace: Debian's {@code traceroute} (package
 * {@code traceroute}) when installed, otherwise {@code tracepath} ({@code iputils-tracepath}).
 * One probe per hop, numeric output.
 */
public final class Traceroute {
    private static final Pattern TRACEROUTE_HOP = Pattern.compile("^\\s*(\\d+)\\s+(\\S+)");
    private static final Pattern TRACEPATH_HOP = Pattern.compile("^\\s*(\\d+):\\s+(\\S+)");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");

    private Traceroute() {
    }

    /**
     * One hop.
     *
     * @param ttl     the probe TTL (1 = first router)
     * @param address the responding address, or null when no answer came ("*")
     */
    public record Hop(int ttl, String address) {
    }

    /** The hops in TTL order; the last one is the destination when it was reached. */
    public record Path(String destination, List<Hop> hops) {
        public Path {
            hops = List.copyOf(hops);
        }

        public boolean reached() {
            return !hops.isEmpty() && destination.equals(hops.get(hops.size() - 1).address());
        }

        /** Responding addresses in order ({@code null} for silent hops). */
        public List<String> addresses() {
            return hops.stream().map(Hop::address).toList();
        }
    }

    /** Traces from {@code from} to {@code destination}, at most {@code maxHops} hops. */
    public static Path trace(Host from, String destination, int maxHops) {
        String hops = Integer.toString(maxHops);
        Duration timeout = Duration.ofSeconds(5L + 2L * maxHops);
        if (Lab.hasCommand("traceroute")) {
            ExecResult r = from.exec(timeout, "traceroute", "-n", "-q", "1", "-w", "1", "-N", "1",
                    "-m", hops, destination);
            return new Path(destination, parseTraceroute(r.stdout()));
        }
        if (Lab.hasCommand("tracepath")) {
            ExecResult r = from.tryExec(timeout, "tracepath", "-n", "-m", hops, destination);
            if (r.exitCode() != 0 && r.exitCode() != 1) {
                r.orThrow();
            }
            return new Path(destination, parseTracepath(r.stdout()));
        }
        throw new LabException("neither traceroute nor tracepath is installed "
                + "(apt-get install traceroute iputils-tracepath)");
    }

    /** Parses {@code traceroute -n -q 1} output (exposed for tests). */
    public static List<Hop> parseTraceroute(String output) {
        List<Hop> hops = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = TRACEROUTE_HOP.matcher(line);
            if (m.find()) {
                String a = m.group(2);
                hops.add(new Hop(Integer.parseInt(m.group(1)), IPV4.matcher(a).matches() ? a : null));
            }
        }
        return hops;
    }

    /** Parses {@code tracepath -n} output, one hop per TTL (exposed for tests). */
    public static List<Hop> parseTracepath(String output) {
        List<Hop> hops = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = TRACEPATH_HOP.matcher(line);
            if (m.find()) {
                int ttl = Integer.parseInt(m.group(1));
                String a = IPV4.matcher(m.group(2)).matches() ? m.group(2) : null;
                if (!hops.isEmpty() && hops.get(hops.size() - 1).ttl() == ttl) {
                    if (hops.get(hops.size() - 1).address() == null && a != null) {
                        hops.set(hops.size() - 1, new Hop(ttl, a));
                    }
                } else {
                    hops.add(new Hop(ttl, a));
                }
            }
        }
        return hops;
    }
}
