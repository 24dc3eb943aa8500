package org.vroom.lab.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Receives one sequence-numbered run ({@link SeqPacket}) and counts it exactly with a
 * {@link SeqAccounting}, then reports a {@link SinkReport}.
 *
 * <p>It stops when every packet has arrived; or when the last sequence number has arrived and
 * nothing more came for the grace period; or when nothing came for the idle timeout after the
 * first packet; or when no packet came within the start timeout; or on {@link #stop()} (SIGTERM
 * in {@link #main}), after counting what is already queued on the socket. One thread: a non-blocking channel drained completely on each selector
 * wake-up (the selector waits at most 100 ms so a stop request is seen promptly). Per packet it
 * reads the clock and four header fields; nothing is allocated (the JDK caches the sender's
 * address when it repeats).
 *
 * <pre>
 * java -cp ... org.vroom.lab.traffic.SeqSink [--bind 0.0.0.0] [--port 9000] [--run-id N (0 = first seen)]
 *      [--count N (0 = from packets)] [--idle-ms 2000] [--start-ms 15000] [--grace-ms 200]
 *      [--rcvbuf 4194304] [--out FILE]
 * </pre>
 * main prints {@code READY <port>} once bound, then the report as one JSON line (also written
 * atomically to {@code --out} when given).
 */
public final class SeqSink implements AutoCloseable {
    /** Printed by {@link #main} once the socket is bound. */
    public static final String READY = "READY";
    private static final int DRAIN_LIMIT = 8_192;
    private static final long MAX_SELECT_MS = 100;

    /**
     * @param bind         local address to bind
     * @param port         UDP port, 0 for an ephemeral one
     * @param runId        run to count, 0 = the first run seen
     * @param count        expected packets, 0 = take it from the packets
     * @param idle         give up this long after the last arrival
     * @param startTimeout give up if nothing arrives this long after start
     * @param grace        after the last sequence number arrived, wait this long for stragglers
     * @param rcvbuf       requested socket receive buffer
     */
    public record Config(String bind, int port, long runId, long count, Duration idle, Duration startTimeout,
                         Duration grace, int rcvbuf) {
        public static Config defaults(String bind, int port) {
            return new Config(bind, port, 0, 0, Duration.ofSeconds(2), Duration.ofSeconds(15),
                    Duration.ofMillis(200), 4 << 20);
        }
    }

    private final Config config;
    private final DatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(65_536).order(ByteOrder.BIG_ENDIAN);
    private volatile boolean stopRequested;
    private SeqAccounting acc;
    private long runId;
    private long foreign;
    private long malformed;

    private SeqSink(Config config, DatagramChannel channel, Selector selector) {
        this.config = config;
        this.channel = channel;
        this.selector = selector;
        this.runId = config.runId();
        if (config.count() > 0) {
            this.acc = new SeqAccounting(config.count());
        }
    }

    /** Binds the socket; traffic sent after this returns is counted. */
    public static SeqSink open(Config config) {
        DatagramChannel ch = null;
        try {
            InetAddress bind = InetAddress.getByName(config.bind());
            ch = DatagramChannel.open(bind.getAddress().length == 4
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, config.rcvbuf());
            ch.bind(new InetSocketAddress(bind, config.port()));
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new SeqSink(config, ch, sel);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot bind " + config.bind() + ":" + config.port(), e);
        }
    }

    /** The bound UDP port. */
    public int localPort() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks a running {@link #run()} to finish and report (callable from any thread). */
    public void stop() {
        stopRequested = true;
        if (selector.isOpen()) {
            selector.wakeup();
        }
    }

    /** Receives until one of the end conditions holds and returns the counts. */
    public SinkReport run() throws IOException {
        long start = System.nanoTime();
        String reason;
        while (true) {
            if (stopRequested) {
                drain(); // count what the kernel already queued for us
                reason = "stopped";
                break;
            }
            long deadline;
            if (acc == null || acc.received() == 0) {
                deadline = start + config.startTimeout().toNanos();
            } else if (acc.complete()) {
                reason = "complete";
                break;
            } else if (acc.lastSeen()) {
                deadline = acc.lastArrivalNanos() + config.grace().toNanos();
            } else {
                deadline = acc.lastArrivalNanos() + config.idle().toNanos();
            }
            long waitNs = deadline - System.nanoTime();
            if (waitNs <= 0) {
                reason = acc == null || acc.received() == 0 ? "no-traffic" : acc.lastSeen() ? "last-seen" : "idle";
                break;
            }
            selector.select(Math.max(1, Math.min(MAX_SELECT_MS, TimeUnit.NANOSECONDS.toMillis(waitNs))));
            selector.selectedKeys().clear();
            drain();
        }
        return report(reason);
    }

    private void drain() throws IOException {
        for (int i = 0; i < DRAIN_LIMIT; i++) {
            buf.clear();
            if (channel.receive(buf) == null) {
                return;
            }
            onDatagram(buf.position(), System.nanoTime());
            if (acc != null && acc.complete()) {
                return;
            }
        }
    }

    private void onDatagram(int length, long now) {
        if (SeqPacket.check(buf, length) != SeqPacket.Check.OK) {
            malformed++;
            return;
        }
        long run = SeqPacket.runId(buf);
        if (runId == 0) {
            runId = run;
        } else if (run != runId) {
            foreign++;
            return;
        }
        if (acc == null) {
            long count = SeqPacket.count(buf);
            if (count < 1 || count > SeqAccounting.MAX_EXPECTED) {
                malformed++;
                return;
            }
            acc = new SeqAccounting(count);
        }
        acc.onPacket(SeqPacket.seq(buf), now, now - SeqPacket.txNanos(buf));
    }

    private SinkReport report(String reason) {
        int granted;
        try {
            granted = channel.getOption(StandardSocketOptions.SO_RCVBUF);
        } catch (IOException e) {
            granted = -1;
        }
        if (acc == null) {
            return new SinkReport(runId, config.count(), 0, 0, config.count(), 0, 0, 0, 0, foreign, malformed,
                    config.count(), config.count() > 0 ? 1 : 0, 0, 0, 0, -1, -1, -1, granted, reason);
        }
        long duration = acc.lastArrivalNanos() - acc.firstArrivalNanos();
        double rxPps = acc.received() > 1 && duration > 0 ? (acc.received() - 1) * 1e9 / duration : 0;
        return new SinkReport(runId, acc.expected(), acc.received(), acc.unique(), acc.lost(), acc.duplicates(),
                acc.reordered(), acc.maxReorderDistance(), acc.outOfRange(), foreign, malformed,
                acc.maxLossBurst(), acc.lossBursts(), duration, rxPps, acc.maxGapNanos(), acc.latencyMinNanos(),
                acc.latencyAvgNanos(), acc.latencyMaxNanos(), granted, reason);
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, Set.of("bind", "port", "run-id", "count", "idle-ms", "start-ms", "grace-ms",
                "rcvbuf", "out"));
        Config c = new Config(a.string("bind", "0.0.0.0"), (int) a.number("port", SeqTraffic.DEFAULT_PORT),
                a.number("run-id", 0), a.number("count", 0), Duration.ofMillis(a.number("idle-ms", 2_000)),
                Duration.ofMillis(a.number("start-ms", 15_000)), Duration.ofMillis(a.number("grace-ms", 200)),
                (int) a.number("rcvbuf", 4 << 20));
        String out = a.string("out", null);
        CountDownLatch done = new CountDownLatch(1);
        try (SeqSink sink = open(c)) {
            Thread hook = new Thread(() -> {
                if (done.getCount() == 0) {
                    return;
                }
                sink.stop();
                try {
                    done.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "seq-sink-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println(READY + " " + sink.localPort());
            System.out.flush();
            String json = sink.run().toJson();
            if (out != null) {
                Path target = Path.of(out);
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println(json);
            System.out.flush();
        } finally {
            done.countDown();
        }
    }
}
