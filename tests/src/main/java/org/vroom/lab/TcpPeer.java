package org.vroom.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Linux kernel's end of a TCP interop test: {@code tcppeer} (a small C program, compiled here once
 * per lab with gcc) runs in a host's namespace, connects to or accepts one connection from a VR, sends
 * a seeded byte pattern while checking the pattern it receives, then closes in order. Its one-line JSON
 * result says whether everything arrived intact and in order, and whether the connection was reset.
 *
 * <p>The pattern (byte {@code i} of the stream seeded {@code s} is the low byte of the xorshift32 state
 * after {@code i + 1} steps from {@code s | 1}) is reproduced by {@link #pattern} for the VR side.
 */
public final class TcpPeer {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|[^,}]+)");

    /** The parsed result line. */
    public record Result(boolean ok, long sent, long received, long firstBadByte, boolean fin, boolean reset,
                         double seconds, String error, String raw) {
    }

    private final BackgroundProcess process;

    private TcpPeer(BackgroundProcess process) {
        this.process = process;
    }

    /** Connects from {@code host} to {@code address:port}. */
    public static TcpPeer connect(Host host, String address, int port, long send, long receive, int seedOut, int seedIn,
                                  String md5Key, Duration timeout) {
        return start(host, "connect", address, port, send, receive, seedOut, seedIn, md5Key, timeout);
    }

    /**
     * Listens on {@code port} of {@code host} for one connection ({@code peerAddress}: the address the
     * MD5 key is for; any connection is accepted). Returns once it listens.
     */
    public static TcpPeer listen(Host host, String peerAddress, int port, long send, long receive, int seedOut,
                                 int seedIn, String md5Key, Duration timeout) {
        TcpPeer p = start(host, "listen", peerAddress, port, send, receive, seedOut, seedIn, md5Key, timeout);
        p.process.awaitOutput("\"listening\"", Duration.ofSeconds(10));
        return p;
    }

    private static TcpPeer start(Host host, String mode, String address, int port, long send, long receive,
                                 int seedOut, int seedIn, String md5Key, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of(binary(host.lab()).toString(), mode, address,
                Integer.toString(port), Long.toString(send), Long.toString(receive),
                Integer.toUnsignedString(seedOut), Integer.toUnsignedString(seedIn)));
        if (md5Key != null) {
            cmd.addAll(List.of("md5", md5Key));
        }
        cmd.addAll(List.of("timeout", Long.toString(timeout.toSeconds())));
        return new TcpPeer(host.start("tcppeer-" + mode, cmd));
    }

    /** The compiled tool in the lab's work directory. */
    private static synchronized Path binary(Lab lab) {
        Path bin = lab.workDir().resolve("tcppeer");
        if (Files.isExecutable(bin)) {
            return bin;
        }
        Path src = lab.workDir().resolve("tcppeer.c");
        try (InputStream in = TcpPeer.class.getResourceAsStream("tcppeer.c")) {
            if (in == null) {
                throw new LabException("tcppeer.c is missing from the class path");
            }
            Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecResult r = Processes.run(List.of("gcc", "-O2", "-Wall", "-o", bin.toString(), src.toString()),
                Duration.ofSeconds(60), lab.workDir());
        if (!r.ok()) {
            throw new LabException("cannot build tcppeer: " + r.stderr());
        }
        return bin;
    }

    public BackgroundProcess process() {
        return process;
    }

    /** Waits for the peer to finish and returns its result. */
    public Result await(Duration timeout) {
        process.waitFor(timeout);
        String out = process.stdout().strip();
        String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
        if (!last.contains("\"ok\"") && !last.contains("\"error\"")) {
            return new Result(false, 0, 0, -1, false, false, 0, "no result: " + out + " " + process.stderr(), out);
        }
        Matcher m = FIELD.matcher(last);
        java.util.Map<String, String> f = new java.util.HashMap<>();
        while (m.find()) {
            f.put(m.group(1), m.group(2).replace("\"", ""));
        }
        return new Result(Boolean.parseBoolean(f.getOrDefault("ok", "false")), Long.parseLong(f.getOrDefault("sent", "0")),
                Long.parseLong(f.getOrDefault("received", "0")), Long.parseLong(f.getOrDefault("firstBadByte", "-1")),
                Boolean.parseBoolean(f.getOrDefault("fin", "false")), Boolean.parseBoolean(f.getOrDefault("reset", "false")),
                Double.parseDouble(f.getOrDefault("seconds", "0")), f.getOrDefault("error", ""), last);
    }

    /** The pattern generator both ends share; {@link #next} gives the stream's bytes in order. */
    public static final class PatternStream {
        private int state;
        private long position;

        public PatternStream(int seed) {
            state = seed | 1;
        }

        public int next() {
            int x = state;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            state = x;
            position++;
            return x & 0xFF;
        }

        public long position() {
            return position;
        }
    }

    /** A new pattern stream seeded {@code seed}. */
    public static PatternStream pattern(int seed) {
        return new PatternStream(seed);
    }
}
