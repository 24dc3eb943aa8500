package org.vroom.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ping} (iputils, Debian package {@code iputils-ping}) run inside a namespace, with its
 * output parsed: how many echo replies came back and the IP TTL of each. A reply TTL of 63 from a
 * host that sends with 64 means exactly one router on the path back.
 */
public final class Icmp {
    private static final Pattern REPLY = Pattern.compile("bytes from .*?icmp_seq=(\\d+) ttl=(\\d+)");
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private Icmp() {
    }

    /**
     * The parsed outcome of one ping run.
     *
     * @param transmitted echo requests sent
     * @param received    echo replies received (duplicates not included)
     * @param ttls        the TTL of each reply line, in arrival order
     * @param output      ping's full standard output
     */
    public record PingResult(int transmitted, int received, List<Integer> ttls, String output) {
        public PingResult {
            ttls = List.copyOf(ttls);
        }

        public boolean allReceived() {
            return transmitted > 0 && received == transmitted;
        }

        /** The TTL of the first reply, or -1 when none came back. */
        public int ttl() {
            return ttls.isEmpty() ? -1 : ttls.get(0);
        }
    }

    /**
     * Sends {@code count} echo requests 0.2 s apart from {@code from} to {@code destination}, waiting
     * at most 1 s for each reply. Zero replies is a result, not an error; a usage or setup error
     * (exit code other than 0 or 1) throws {@link LabException}.
     */
    public static PingResult ping(Host from, String destination, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        Duration timeout = Duration.ofMillis(2_000L + count * 1_200L);
        ExecResult r = from.tryExec(timeout, "ping", "-n", "-c", Integer.toString(count), "-i", "0.2",
                "-W", "1", destination);
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            r.orThrow();
        }
        return parse(r.stdout());
    }

    /** Parses iputils ping output (exposed for tests). */
    public static PingResult parse(String output) {
        List<Integer> ttls = new ArrayList<>();
        Matcher m = REPLY.matcher(output);
        while (m.find()) {
            ttls.add(Integer.parseInt(m.group(2)));
        }
        Matcher s = SUMMARY.matcher(output);
        if (!s.find()) {
            throw new LabException("unrecognised ping output: " + output.strip());
        }
        return new PingResult(Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)), ttls, output);
    }
}
