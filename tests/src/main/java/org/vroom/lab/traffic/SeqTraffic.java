package org.vroom.lab.traffic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.vroom.lab.BackgroundProcess;
import org.vroom.lab.Host;
import org.vroom.lab.LabException;

/**
 * Runs {@link SeqSender} and {@link SeqSink}, each in its own JVM inside a lab namespace, and
 * collects their JSON reports. Either split ({@link #startSink}, {@link #startSender}, then
 * {@code await} both: do something to the network while traffic flows) or in one call
 * ({@link #run}).
 */
public final class SeqTraffic {
    public static final int DEFAULT_PORT = 9000;
    /** Payload size used when none is given: 64 bytes of UDP payload (106-byte frames). */
    public static final int DEFAULT_SIZE = 64;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private SeqTraffic() {
    }

    /** A fresh non-zero run id. */
    public static long newRunId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /** JVM flags for the traffic JVMs: small serial heap (sized for the sink's bitmap), no perf file. */
    static List<String> jvmArgs(long count) {
        long heapMb = 64 + (count / 8 >> 20) * 2;
        return List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx" + heapMb + "m", "-XX:-UsePerfData");
    }

    /** The sink side of a run; {@link #await} returns its report. */
    public static final class Sink {
        private final BackgroundProcess process;

        Sink(BackgroundProcess process) {
            this.process = process;
        }

        public BackgroundProcess process() {
            return process;
        }

        /** Waits for the sink to finish by itself (end of run, idle or start timeout) and parses its report. */
        public SinkReport await(Duration timeout) {
            int code = process.waitFor(timeout);
            return SinkReport.parse(lastJsonLine(process, code));
        }

        /** Asks the sink to stop now (SIGTERM; it still prints its report) and parses the report. */
        public SinkReport stopAndReport(Duration timeout) {
            int code = process.stop(timeout);
            return SinkReport.parse(lastJsonLine(process, code));
        }
    }

    /** The sender side of a run. */
    public static final class Sender {
        private final BackgroundProcess process;

        Sender(BackgroundProcess process) {
            this.process = process;
        }

        public BackgroundProcess process() {
            return process;
        }

        public SenderReport await(Duration timeout) {
            int code = process.waitFor(timeout);
            return SenderReport.parse(lastJsonLine(process, code));
        }
    }

    /** Both reports of one run. */
    public record Result(SenderReport sender, SinkReport sink) {
    }

    /**
     * Starts a sink in {@code host} bound to {@code bindAddr:port} counting run {@code runId} of
     * {@code count} packets, and returns once its socket is bound.
     *
     * @param idle end the run this long after the last arrival
     */
    public static Sink startSink(Host host, String bindAddr, int port, long runId, long count, Duration idle) {
        List<String> args = new ArrayList<>(List.of("--bind", bindAddr, "--port", Integer.toString(port),
                "--run-id", Long.toString(runId), "--count", Long.toString(count),
                "--idle-ms", Long.toString(idle.toMillis())));
        BackgroundProcess p = host.startJava("seq-sink", SeqSink.class, jvmArgs(count), args);
        p.awaitOutput(SeqSink.READY, READY_TIMEOUT);
        return new Sink(p);
    }

    /** Starts a sender in {@code host}: {@code count} packets of {@code size} bytes at {@code pps} (0 = unpaced). */
    public static Sender startSender(Host host, String dstAddr, int port, long runId, long count, long pps,
                                     int size) {
        List<String> args = List.of("--dst", dstAddr, "--port", Integer.toString(port),
                "--run-id", Long.toString(runId), "--count", Long.toString(count), "--pps", Long.toString(pps),
                "--size", Integer.toString(size));
        return new Sender(host.startJava("seq-sender", SeqSender.class, jvmArgs(0), args));
    }

    /**
     * One complete run from {@code from} to {@code dstAddr} (an address of {@code to}): sink first,
     * then sender; waits for both.
     */
    public static Result run(Host from, Host to, String dstAddr, long count, long pps, int size) {
        long runId = newRunId();
        Sink sink = startSink(to, "0.0.0.0", DEFAULT_PORT, runId, count, Duration.ofSeconds(2));
        Sender sender = startSender(from, dstAddr, DEFAULT_PORT, runId, count, pps, size);
        Duration budget = Duration.ofSeconds(30).plusMillis(pps > 0 ? count * 1_000 / pps * 2 : 0);
        SenderReport s = sender.await(budget);
        SinkReport r = sink.await(Duration.ofSeconds(20));
        return new Result(s, r);
    }

    private static String lastJsonLine(BackgroundProcess p, int exitCode) {
        String[] lines = p.stdout().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (l.startsWith("{")) {
                return l;
            }
        }
        throw new LabException(p + " printed no report (exit code " + exitCode + ")\n  stderr: "
                + p.stderr().strip() + "\n  stdout: " + p.stdout().strip());
    }
}
