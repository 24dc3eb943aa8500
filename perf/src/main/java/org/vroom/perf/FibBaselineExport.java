package org.vroom.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Writes the input of the FIB baseline (our DIR-24-8 FIB against DPDK's {@code rte_fib}) into a
 * directory, so that the C harness {@code perf/native/fib_bench.c} and {@link FibBaselineJava} read
 * byte-for-byte the same routes and address traces.
 *
 * <p>Files, all raw little-endian arrays without a header (their length is in {@code meta.txt}):
 * <ul>
 *   <li>{@code prefixes.u32}: route {@code i}'s prefix, host order ({@code a.b.c.d = a<<24|...});</li>
 *   <li>{@code lengths.u8}: route {@code i}'s prefix length, 0..32;</li>
 *   <li>{@code nexthops.u32}: route {@code i}'s next hop, {@code i % maxNextHops};</li>
 *   <li>{@code trace-uniform.u32}: destination addresses uniformly random over the IPv4 space;</li>
 *   <li>{@code trace-prefix.u32}: a random host in a random route of the table;</li>
 *   <li>{@code meta.txt}: {@code key=value} lines: routes, max_next_hops, num_tbl8, trace_len, seeds.</li>
 * </ul>
 *
 * <p>The route order is the order of {@link FullTable} (the real table in file order, then the
 * generated prefixes), so both sides build the table with the same sequence of adds.
 *
 * <p>Usage: {@code FibBaselineExport DIR [--routes N] [--seed S] [--trace-len N]}.
 */
public final class FibBaselineExport {
    public static final String FORMAT = "vroom-fib-baseline-1";
    public static final String PREFIXES = "prefixes.u32";
    public static final String LENGTHS = "lengths.u8";
    public static final String NEXT_HOPS = "nexthops.u32";
    public static final String META = "meta.txt";
    /** The two traces, by the name the JSON output gives them. */
    public static final String[] TRACES = {"uniform", "prefix"};

    public static final int DEFAULT_ROUTES = FullTable.GLOBAL_TABLE_SIZE;
    public static final long DEFAULT_TABLE_SEED = 20240310L;
    public static final long UNIFORM_SEED = 0x5EED_0001L;
    public static final long PREFIX_SEED = 0x5EED_0002L;
    public static final int DEFAULT_TRACE_LEN = 1 << 24;
    public static final int MAX_NEXT_HOPS = 1 << 16;

    private FibBaselineExport() {
    }

    public static String traceFile(String trace) {
        return "trace-" + trace + ".u32";
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: FibBaselineExport DIR [--routes N] [--seed S] [--trace-len N]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int routes = DEFAULT_ROUTES;
        long seed = DEFAULT_TABLE_SEED;
        int traceLen = DEFAULT_TRACE_LEN;
        for (int i = 1; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--routes" -> routes = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--trace-len" -> traceLen = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long t0 = System.nanoTime();
        FullTable table = FullTable.load(routes, seed);
        int n = table.size;
        int[] nextHops = new int[n];
        for (int i = 0; i < n; i++) {
            nextHops[i] = i % MAX_NEXT_HOPS;
        }
        Files.createDirectories(dir);
        writeInts(dir.resolve(PREFIXES), table.prefixes, n);
        writeBytes(dir.resolve(LENGTHS), table.lengths, n);
        writeInts(dir.resolve(NEXT_HOPS), nextHops, n);
        writeInts(dir.resolve(traceFile("uniform")), FullTable.uniformTrace(traceLen, UNIFORM_SEED), traceLen);
        writeInts(dir.resolve(traceFile("prefix")), table.prefixTrace(traceLen, PREFIX_SEED), traceLen);

        int blocks = tbl8BlocksNeeded(table.prefixes, table.lengths, n);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("routes", Integer.toString(n));
        meta.put("real_routes", Integer.toString(table.realSize));
        meta.put("table_seed", Long.toString(seed));
        meta.put("max_next_hops", Integer.toString(MAX_NEXT_HOPS));
        meta.put("tbl8_blocks_needed", Integer.toString(blocks));
        // Headroom over the exact need; both sides get the same figure.
        meta.put("num_tbl8", Integer.toString((blocks * 2 + 1024 + 63) & ~63));
        meta.put("trace_len", Integer.toString(traceLen));
        meta.put("uniform_seed", Long.toString(UNIFORM_SEED));
        meta.put("prefix_seed", Long.toString(PREFIX_SEED));
        try (Writer w = Files.newBufferedWriter(dir.resolve(META), StandardCharsets.US_ASCII)) {
            for (Map.Entry<String, String> e : meta.entrySet()) {
                w.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        }
        System.err.printf("fib-baseline export: %d routes (%d real), %d tbl8 blocks needed, 2 traces of %d"
                + " addresses -> %s (%.1f s)%n", n, table.realSize, blocks, traceLen, dir,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Distinct /24 blocks that hold a prefix longer than /24: the tbl8 groups a DIR-24-8 table needs. */
    static int tbl8BlocksNeeded(int[] prefixes, byte[] lengths, int n) {
        Set<Integer> blocks = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (lengths[i] > 24) {
                blocks.add(prefixes[i] >>> 8);
            }
        }
        return blocks.size();
    }

    static void writeInts(Path file, int[] a, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(a, 0, n);
        write(file, b);
    }

    static void writeBytes(Path file, byte[] a, int n) throws IOException {
        write(file, ByteBuffer.wrap(a, 0, n));
    }

    private static void write(Path file, ByteBuffer b) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** Reads {@code meta.txt}. */
    public static Properties readMeta(Path dir) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve(META), StandardCharsets.US_ASCII)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalStateException(dir.resolve(META) + ": not " + FORMAT);
        }
        return p;
    }

    /** Reads a file of little-endian 32-bit words, checking that it holds exactly {@code n}. */
    public static int[] readInts(Path file, int n) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != (long) n * 4) {
                throw new IllegalStateException(file + ": " + ch.size() + " bytes, expected " + (long) n * 4);
            }
            ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new IllegalStateException(file + ": short read");
                }
            }
            b.flip();
            int[] a = new int[n];
            b.asIntBuffer().get(a);
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file of bytes, checking that it holds exactly {@code n}. */
    public static byte[] readBytes(Path file, int n) {
        try {
            byte[] a = Files.readAllBytes(file);
            if (a.length != n) {
                throw new IllegalStateException(file + ": " + a.length + " bytes, expected " + n);
            }
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
