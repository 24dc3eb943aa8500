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
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code count} sequence-numbered UDP datagrams ({@link SeqPacket}) to one destination at a
 * paced rate, then prints a {@link SenderReport} JSON line.
 *
 * <p>Pacing follows an absolute schedule (packet k is due at {@code start + k / pps}); the thread
 * parks when it is more than {@value #PARK_THRESHOLD_NS} ns ahead and otherwise sends, so it never
 * spins. Timer slack makes it send in small bursts that average to the exact rate. If it falls
 * more than the burst allowance behind (it was starved of CPU), it re-bases the schedule rather
 * than bursting to catch up, and counts a stall. One reused direct buffer, a connected blocking
 * channel: nothing is allocated per packet.
 *
 * <pre>
 * java -cp ... org.vroom.lab.traffic.SeqSender --dst 10.0.2.2 [--port 9000] --count 100000
 *      [--pps 50000 (0 = unpaced)] [--size 64] [--run-id N] [--src ADDR] [--burst-us 2000]
 * </pre>
 */
public final class SeqSender {
    static final long PARK_THRESHOLD_NS = 20_000;

    /**
     * @param dst        destination address (numeric)
     * @param port       destination UDP port
     * @param src        source address to bind, or null
     * @param runId      run identifier
     * @param count      packets to send
     * @param pps        packets per second, 0 = as fast as possible
     * @param size       UDP payload size, at least {@link SeqPacket#HEADER_LENGTH}
     * @param burstNanos how far behind schedule the sender may fall before it re-bases
     */
    public record Config(String dst, int port, String src, long runId, long count, long pps, int size,
                         long burstNanos) {
        public Config {
            if (count < 1) {
                throw new IllegalArgumentException("count must be >= 1");
            }
            if (pps < 0) {
                throw new IllegalArgumentException("pps must be >= 0");
            }
            if (size < SeqPacket.HEADER_LENGTH || size > 65_507) {
                throw new IllegalArgumentException("size must be in [" + SeqPacket.HEADER_LENGTH + ", 65507]");
            }
        }
    }

    private SeqSender() {
    }

    public static void main(String[] argv) {
        Args a = new Args(argv, Set.of("dst", "port", "src", "run-id", "count", "pps", "size", "burst-us"));
        Config c = new Config(a.required("dst"), (int) a.number("port", SeqTraffic.DEFAULT_PORT),
                a.string("src", null), a.number("run-id", 1), a.number("count", 0), a.number("pps", 0),
                (int) a.number("size", 64), a.number("burst-us", 2_000) * 1_000);
        System.out.println(run(c).toJson());
        System.out.flush();
    }

    /** Sends the run in the calling thread and returns what happened. */
    public static SenderReport run(Config c) {
        try {
            InetAddress dst = InetAddress.getByName(c.dst());
            StandardProtocolFamily family = dst.getAddress().length == 4
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            try (DatagramChannel ch = DatagramChannel.open(family)) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                if (c.src() != null) {
                    ch.bind(new InetSocketAddress(InetAddress.getByName(c.src()), 0));
                }
                ch.connect(new InetSocketAddress(dst, c.port()));
                return send(ch, c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SenderReport send(DatagramChannel ch, Config c) {
        ByteBuffer buf = ByteBuffer.allocateDirect(c.size()).order(ByteOrder.BIG_ENDIAN);
        SeqPacket.writeHeader(buf, c.runId(), c.count());
        double interval = c.pps() > 0 ? 1e9 / c.pps() : 0;
        long sent = 0;
        long errors = 0;
        long stalls = 0;
        String firstError = null;
        long first = System.nanoTime();
        long last = first;
        long base = first;
        long baseSeq = 0;
        for (long seq = 0; seq < c.count(); seq++) {
            if (interval > 0) {
                long due = base + (long) ((seq - baseSeq) * interval);
                long now = System.nanoTime();
                long ahead = due - now;
                if (ahead > PARK_THRESHOLD_NS) {
                    LockSupport.parkNanos(ahead);
                } else if (-ahead > c.burstNanos()) {
                    stalls++;
                    base = now;
                    baseSeq = seq;
                }
            }
            long now = System.nanoTime();
            SeqPacket.writeSeq(buf, seq, now);
            buf.clear();
            try {
                if (ch.write(buf) > 0) {
                    if (sent == 0) {
                        first = now;
                    }
                    sent++;
                    last = now;
                }
            } catch (IOException e) {
                // e.g. PortUnreachableException after an ICMP error on the connected socket
                errors++;
                if (firstError == null) {
                    firstError = e.toString();
                }
            }
        }
        long duration = last - first;
        double achieved = sent > 1 && duration > 0 ? (sent - 1) * 1e9 / duration : 0;
        return new SenderReport(c.runId(), c.count(), sent, errors, c.pps(), c.size(), duration, achieved, stalls,
                firstError);
    }
}
