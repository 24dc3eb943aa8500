package org.vroom.lab;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic network impairments inside a namespace, for tests that must prove loss,
 * duplication or reordering is detected. This kernel has no netem, so:
 * <ul>
 *   <li>loss and duplication are nftables rules with an incrementing counter ({@code numgen inc}):
 *       exactly every n-th matching packet is dropped or copied, and the rule's counter says how
 *       many were;</li>
 *   <li>reordering is an htb qdisc on an egress interface: bulk traffic waits in a shaped class
 *       (with a queue long enough never to drop) while selected packets take an unshaped
 *       higher-priority class and overtake it.</li>
 * </ul>
 * {@link #close()} removes the impairment; it also disappears with the namespace.
 */
public final class Impairment implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");

    private final Host host;
    private final String nftTable;
    private final String qdiscDev;
    private boolean closed;

    private Impairment(Host host, String nftTable, String qdiscDev) {
        this.host = host;
        this.nftTable = nftTable;
        this.qdiscDev = qdiscDev;
    }

    /**
     * Drops exactly every {@code n}-th forwarded packet matching {@code match} (an nftables match
     * expression such as {@code "udp dport 9000"}; empty for every packet). Needs {@code nft}.
     */
    public static Impairment dropEvery(Host router, int n, String match) {
        return nftRule(router, n, match, "drop");
    }

    /**
     * Sends an extra copy of exactly every {@code n}-th forwarded packet matching {@code match} to
     * {@code nextHop} out of {@code dev}. Needs {@code nft}.
     */
    public static Impairment duplicateEvery(Host router, int n, String match, String nextHop, String dev) {
        return nftRule(router, n, match, "dup to " + nextHop + " device \"" + dev + "\"");
    }

    /**
     * Reorders UDP traffic to {@code udpPort} leaving {@code dev}: packets whose sequence number
     * ({@link org.vroom.lab.traffic.SeqPacket}, low byte at IP offset 51) is a multiple of
     * {@code everyPowerOfTwo} overtake the rest, which is shaped to {@code bulkRate} (tc syntax,
     * e.g. {@code "3mbit"}; pick it below the offered load so a queue builds). Replaces the root qdisc.
     */
    public static Impairment reorderSeqTraffic(Host host, String dev, int udpPort, int everyPowerOfTwo,
                                               String bulkRate) {
        if (everyPowerOfTwo < 2 || everyPowerOfTwo > 256 || Integer.bitCount(everyPowerOfTwo) != 1) {
            throw new IllegalArgumentException("everyPowerOfTwo must be 2, 4, ... 256: " + everyPowerOfTwo);
        }
        host.tc("qdisc", "replace", "dev", dev, "root", "handle", "1:", "htb", "default", "10", "r2q", "1");
        Impairment imp = new Impairment(host, null, dev);
        try {
            host.tc("class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb", "rate", bulkRate,
                    "ceil", bulkRate, "quantum", "1514", "prio", "1");
            host.tc("class", "add", "dev", dev, "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit",
                    "ceil", "10gbit", "quantum", "1514", "prio", "0");
            host.tc("qdisc", "add", "dev", dev, "parent", "1:10", "handle", "10:", "pfifo", "limit", "1000000");
            host.tc("filter", "add", "dev", dev, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                    "match", "ip", "protocol", "17", "0xff",
                    "match", "ip", "dport", Integer.toString(udpPort), "0xffff",
                    "match", "u8", "0x00", "0x" + Integer.toHexString(everyPowerOfTwo - 1), "at", "51",
                    "flowid", "1:20");
        } catch (RuntimeException e) {
            try {
                imp.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return imp;
    }

    /**
     * Drops exactly every {@code n}-th packet matching {@code match} that host {@code host} sends, and
     * every {@code n}-th one it receives (two counters, summed by {@link #packets}): loss both ways for
     * an end host's own traffic, such as a TCP connection. Needs {@code nft}.
     */
    public static Impairment hostDropEvery(Host host, int n, String match) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        String table = "vlab_imp" + SEQ.incrementAndGet();
        host.nft("table ip " + table + " {\n"
                + "  chain out {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    " + match + " numgen inc mod " + n + " 0 counter drop\n"
                + "  }\n"
                + "  chain in {\n"
                + "    type filter hook input priority 0; policy accept;\n"
                + "    " + match + " numgen inc mod " + n + " 0 counter drop\n"
                + "  }\n"
                + "}\n");
        return new Impairment(host, table, null);
    }

    /**
     * Reorders IPv4 traffic leaving {@code dev}: packets whose IP identification is a multiple of
     * {@code everyPowerOfTwo} overtake the rest, which is shaped to {@code bulkRate} (tc syntax; pick it
     * below the offered load so a queue builds). Works for any protocol (TCP segments included).
     * Replaces the root qdisc.
     */
    public static Impairment reorderByIpId(Host host, String dev, int everyPowerOfTwo, String bulkRate) {
        if (everyPowerOfTwo < 2 || everyPowerOfTwo > 256 || Integer.bitCount(everyPowerOfTwo) != 1) {
            throw new IllegalArgumentException("everyPowerOfTwo must be 2, 4, ... 256: " + everyPowerOfTwo);
        }
        host.tc("qdisc", "replace", "dev", dev, "root", "handle", "1:", "htb", "default", "10", "r2q", "1");
        Impairment imp = new Impairment(host, null, dev);
        try {
            host.tc("class", "add", "dev", dev, "parent", "1:", "classid", "1:10", "htb", "rate", bulkRate,
                    "ceil", bulkRate, "quantum", "1514", "prio", "1");
            host.tc("class", "add", "dev", dev, "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit",
                    "ceil", "10gbit", "quantum", "1514", "prio", "0");
            host.tc("qdisc", "add", "dev", dev, "parent", "1:10", "handle", "10:", "pfifo", "limit", "100000");
            host.tc("filter", "add", "dev", dev, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                    "match", "u16", "0x0000", "0x" + Integer.toHexString(everyPowerOfTwo - 1), "at", "4",
                    "flowid", "1:20");
        } catch (RuntimeException e) {
            try {
                imp.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return imp;
    }

    private static Impairment nftRule(Host router, int n, String match, String action) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        String table = "vlab_imp" + SEQ.incrementAndGet();
        router.nft("table ip " + table + " {\n"
                + "  chain impair {\n"
                + "    type filter hook forward priority 0; policy accept;\n"
                + "    " + match + " numgen inc mod " + n + " 0 counter " + action + "\n"
                + "  }\n"
                + "}\n");
        return new Impairment(router, table, null);
    }

    /** Packets the nftables rule acted on so far (dropped or duplicated). */
    public long packets() {
        if (nftTable == null) {
            throw new IllegalStateException("only nftables impairments count packets");
        }
        String out = host.exec("nft", "list", "table", "ip", nftTable).stdout();
        Matcher m = COUNTER.matcher(out);
        long sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new LabException("no counter in: " + out);
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nftTable != null) {
            host.exec("nft", "delete", "table", "ip", nftTable);
        }
        if (qdiscDev != null) {
            host.tc("qdisc", "del", "dev", qdiscDev, "root");
        }
    }
}
