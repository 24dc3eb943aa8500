package org.vroom.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.vroom.fib.Ipv4Fib;

/**
 * The Java side of the FIB baseline: the same measurement as {@code perf/native/fib_bench.c} (DPDK
 * {@code rte_fib}, DIR24_8), on {@link Ipv4Fib#dir24_8}, over the files {@link FibBaselineExport}
 * wrote.
 *
 * <ol>
 *   <li>Warm-up (JIT): one full build and a slice of every trace at every batch size, untimed.</li>
 *   <li>Build from empty, {@code --build-reps} times: one {@link Ipv4Fib#add} per route in file order,
 *       timed over all the adds (routes/s, best and median).</li>
 *   <li>Reference pass: every trace looked up once in batches of 64 into a result array; when the C
 *       harness left {@code dpdk-results-<trace>.i32} in the directory, the results are compared
 *       address by address and every difference is reported (with the route a plain linear-scan
 *       longest-prefix match picks, to tell which side is wrong).</li>
 *   <li>Lookups: for every trace and batch size, {@code --reps} timed passes over the whole trace
 *       (lookups/s, best and median), each folding its results into the checksum the C harness uses:
 *       sum over positions k of {@code u32(nh_k) * (2k + 1)} mod 2^64, a miss counting as 0xFFFFFFFF.</li>
 * </ol>
 *
 * <p>Each batch does what the C harness does: copy the batch's addresses from the trace into a burst
 * array, look them up, fold the next hops. Single-threaded, the main thread is the FIB's writer and
 * its only reader.
 *
 * <p>Output: one JSON object per line on stdout. Exit status 3 when the results differ from DPDK's or
 * between passes, 1 on a usage or setup error.
 *
 * <p>Usage: {@code FibBaselineJava DIR [--reps N] [--build-reps N] [--batches 8,16,32,64] [--max-diffs N]}.
 */
public final class FibBaselineJava {
    private static final int REFERENCE_BATCH = 64;
    private static final int WARMUP_LOOKUPS = 1 << 21;

    private final int routes;
    private final int[] prefixes;
    private final byte[] lengths;
    private final int[] nextHops;
    private final int maxNextHops;
    private final int numTbl8;
    private final int[] ips = new int[64];
    private final int[] nhs = new int[64];

    private FibBaselineJava(int routes, int[] prefixes, byte[] lengths, int[] nextHops, int maxNextHops, int numTbl8) {
        this.routes = routes;
        this.prefixes = prefixes;
        this.lengths = lengths;
        this.nextHops = nextHops;
        this.maxNextHops = maxNextHops;
        this.numTbl8 = numTbl8;
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            usage();
        }
        Path dir = Path.of(args[0]);
        int reps = 5;
        int buildReps = 3;
        int maxDiffs = 20;
        int[] batches = {8, 16, 32, 64};
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage();
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(v);
                case "--build-reps" -> buildReps = Integer.parseInt(v);
                case "--max-diffs" -> maxDiffs = Integer.parseInt(v);
                case "--batches" -> batches = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                default -> usage();
            }
        }
        for (int b : batches) {
            if (b < 1 || b > 64) {
                throw new IllegalArgumentException("batch sizes must be 1..64: " + b);
            }
        }
        if (reps < 1 || buildReps < 1) {
            usage();
        }
        System.exit(run(dir, reps, buildReps, batches, maxDiffs));
    }

    private static void usage() {
        System.err.println("usage: FibBaselineJava DIR [--reps N] [--build-reps N] [--batches 8,16,32,64]"
                + " [--max-diffs N]");
        System.exit(1);
    }

    static int run(Path dir, int reps, int buildReps, int[] batches, int maxDiffs) {
        Properties meta = FibBaselineExport.readMeta(dir);
        int routes = Integer.parseInt(meta.getProperty("routes"));
        int traceLen = Integer.parseInt(meta.getProperty("trace_len"));
        FibBaselineJava b = new FibBaselineJava(routes,
                FibBaselineExport.readInts(dir.resolve(FibBaselineExport.PREFIXES), routes),
                FibBaselineExport.readBytes(dir.resolve(FibBaselineExport.LENGTHS), routes),
                FibBaselineExport.readInts(dir.resolve(FibBaselineExport.NEXT_HOPS), routes),
                Integer.parseInt(meta.getProperty("max_next_hops")),
                Integer.parseInt(meta.getProperty("num_tbl8")));
        String[] names = FibBaselineExport.TRACES;
        int[][] traces = new int[names.length][];
        for (int t = 0; t < names.length; t++) {
            traces[t] = FibBaselineExport.readInts(dir.resolve(FibBaselineExport.traceFile(names[t])), traceLen);
        }
        // 1. warm-up
        try (Ipv4Fib warm = b.newFib()) {
            out("{\"bench\":\"fib.info\",\"impl\":\"vroom\",\"class\":\"%s\",\"java\":\"%s\",\"vm\":\"%s\","
                    + "\"routes\":%d,\"num_tbl8\":%d,\"trace_len\":%d}",
                    warm.getClass().getName(), System.getProperty("java.version"),
                    System.getProperty("java.vm.name"), routes, b.numTbl8, traceLen);
            b.build(warm);
            for (int[] trace : traces) {
                for (int batch : batches) {
                    for (int r = 0; r < 3; r++) {
                        b.lookupPass(warm, trace, Math.min(traceLen, WARMUP_LOOKUPS), batch);
                    }
                }
            }
        }

        // 2. build from empty
        double[] rates = new double[Math.max(reps, buildReps)];
        Ipv4Fib fib = null;
        for (int r = 0; r < buildReps; r++) {
            if (fib != null) {
                fib.close();
            }
            fib = b.newFib();
            rates[r] = routes / (b.build(fib) / 1e9);
        }
        double[] bm = bestMedian(rates, buildReps);
        out("{\"bench\":\"fib.build\",\"impl\":\"vroom\",\"routes\":%d,\"routes_per_s\":%.0f,"
                + "\"routes_per_s_median\":%.0f,\"reps\":%d,\"size\":%d,\"resident_bytes\":%d}",
                routes, bm[0], bm[1], buildReps, fib.size(), fib.residentBytes());

        // 3. reference pass and comparison with DPDK's results
        int status = 0;
        long[] refSum = new long[names.length];
        int[] results = new int[traceLen];
        for (int t = 0; t < names.length; t++) {
            refSum[t] = b.referencePass(fib, traces[t], traceLen, results);
            long misses = Arrays.stream(results).filter(nh -> nh == Ipv4Fib.NO_ROUTE).count();
            out("{\"bench\":\"fib.reference\",\"impl\":\"vroom\",\"trace\":\"%s\",\"lookups\":%d,\"misses\":%d,"
                    + "\"checksum\":\"%016x\"}", names[t], traceLen, misses, refSum[t]);
            Path dpdk = dir.resolve("dpdk-results-" + names[t] + ".i32");
            if (Files.isReadable(dpdk)) {
                int[] expected = FibBaselineExport.readInts(dpdk, traceLen);
                if (b.compare(names[t], traces[t], results, expected, maxDiffs) != 0) {
                    status = 3;
                }
            }
        }
        results = null;

        // 4. timed lookups
        for (int t = 0; t < names.length; t++) {
            for (int batch : batches) {
                long sum = 0;
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    sum = b.lookupPass(fib, traces[t], traceLen, batch);
                    rates[r] = traceLen / ((System.nanoTime() - t0) / 1e9);
                    if (sum != refSum[t]) {
                        System.err.printf("fib-baseline java: trace %s batch %d: checksum %016x != reference %016x%n",
                                names[t], batch, sum, refSum[t]);
                        status = 3;
                    }
                }
                bm = bestMedian(rates, reps);
                out("{\"bench\":\"fib.lookup\",\"impl\":\"vroom\",\"lookup_fn\":\"lookupBatch\",\"trace\":\"%s\","
                        + "\"batch\":%d,\"lookups\":%d,\"lookups_per_s\":%.0f,\"lookups_per_s_median\":%.0f,"
                        + "\"reps\":%d,\"checksum\":\"%016x\"}",
                        names[t], batch, traceLen, bm[0], bm[1], reps, sum);
            }
        }
        fib.close();
        return status;
    }

    private Ipv4Fib newFib() {
        return Ipv4Fib.dir24_8(maxNextHops, numTbl8);
    }

    /** Adds every route to an empty FIB; returns the nanoseconds all the adds took. */
    private long build(Ipv4Fib fib) {
        int[] p = prefixes;
        byte[] l = lengths;
        int[] nh = nextHops;
        int n = routes;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            fib.add(p[i], l[i], nh[i]);
        }
        return System.nanoTime() - t0;
    }

    /** One pass over the first {@code n} addresses of the trace; returns the checksum. */
    private long lookupPass(Ipv4Fib fib, int[] trace, int n, int batch) {
        int[] in = ips;
        int[] out = nhs;
        long sum = 0;
        for (int k = 0; k < n; k += batch) {
            int b = Math.min(batch, n - k);
            System.arraycopy(trace, k, in, 0, b);
            fib.lookupBatch(in, out, b);
            for (int j = 0; j < b; j++) {
                sum += (out[j] & 0xFFFF_FFFFL) * (2L * (k + j) + 1);
            }
        }
        return sum;
    }

    /** The untimed pass: every result kept, batches of 64; returns the checksum. */
    private long referencePass(Ipv4Fib fib, int[] trace, int n, int[] results) {
        long sum = 0;
        for (int k = 0; k < n; k += REFERENCE_BATCH) {
            int b = Math.min(REFERENCE_BATCH, n - k);
            System.arraycopy(trace, k, ips, 0, b);
            fib.lookupBatch(ips, nhs, b);
            for (int j = 0; j < b; j++) {
                results[k + j] = nhs[j];
                sum += (nhs[j] & 0xFFFF_FFFFL) * (2L * (k + j) + 1);
            }
        }
        return sum;
    }

    /**
     * Reports every trace position where our result differs from DPDK's (the first {@code maxDiffs}
     * in detail, with the answer of a linear-scan longest-prefix match over the routes); returns the
     * number of differing positions.
     */
    private int compare(String trace, int[] addresses, int[] ours, int[] dpdk, int maxDiffs) {
        int diffs = 0;
        List<Integer> distinct = new ArrayList<>();
        for (int k = 0; k < ours.length; k++) {
            if (ours[k] == dpdk[k]) {
                continue;
            }
            diffs++;
            if (distinct.size() < maxDiffs && !distinct.contains(addresses[k])) {
                distinct.add(addresses[k]);
                int route = linearLpm(addresses[k]);
                out("{\"bench\":\"fib.diff\",\"trace\":\"%s\",\"index\":%d,\"address\":\"%s\",\"vroom\":%d,"
                        + "\"dpdk\":%d,\"linear_scan\":%d,\"linear_scan_route\":\"%s\"}",
                        trace, k, dotted(addresses[k]), ours[k], dpdk[k],
                        route < 0 ? Ipv4Fib.NO_ROUTE : nextHops[route],
                        route < 0 ? "none" : dotted(prefixes[route]) + "/" + lengths[route] + " #" + route);
            }
        }
        out("{\"bench\":\"fib.compare\",\"trace\":\"%s\",\"lookups\":%d,\"differences\":%d}", trace, ours.length, diffs);
        return diffs;
    }

    /** Longest-prefix match by scanning every route; a later route replaces an equal earlier one. */
    private int linearLpm(int address) {
        int best = -1;
        int bestLen = -1;
        for (int i = 0; i < routes; i++) {
            int len = lengths[i];
            int mask = len == 0 ? 0 : -1 << (32 - len);
            if (((address ^ prefixes[i]) & mask) == 0 && len >= bestLen) {
                best = i;
                bestLen = len;
            }
        }
        return best;
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    /** {best, median} of the first {@code n} rates (sorts them). */
    private static double[] bestMedian(double[] rates, int n) {
        Arrays.sort(rates, 0, n);
        double median = n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
        return new double[] {rates[n - 1], median};
    }

    private static void out(String format, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, format, args));
        System.out.flush();
    }
}
