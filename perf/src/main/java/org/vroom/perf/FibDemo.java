package org.vroom.perf;

import org.vroom.fib.Ipv4Fib;
import org.vroom.perf.fib.FibTables;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The main job until the router exists: build the FIB from the real full table and print what it costs
 * and how fast it answers, one JSON line per figure. Quick figures (a few seconds, no JMH rigour); the
 * JMH benchmarks ({@code ./vroom bench}) are the reference.
 */
public final class FibDemo {
    private FibDemo() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        int target = args.length > 0 ? Integer.parseInt(args[0]) : FullTable.GLOBAL_TABLE_SIZE;
        FullTable table = FullTable.load(target, 2024);
        out.printf(Locale.ROOT, "{\"figure\":\"table\",\"file\":\"%s\",\"real_prefixes\":%d,\"prefixes\":%d}%n",
                FullTable.locate(), table.realSize, table.size);

        for (int n : new int[] {10, 10_000}) {
            memory(out, table, n);
        }

        // build the full table a few times; report the best (the first runs include JIT compilation)
        double bestBuild = 0;
        Ipv4Fib fib = null;
        long rssBefore = rss();
        for (int round = 0; round < 4; round++) {
            if (fib != null) {
                fib.close();
            }
            long t0 = System.nanoTime();
            fib = FibTables.build(table);
            double rate = table.size / ((System.nanoTime() - t0) / 1e9);
            bestBuild = Math.max(bestBuild, rate);
        }
        out.printf(Locale.ROOT, "{\"figure\":\"fib.build\",\"routes\":%d,\"routes_per_s\":%.0f}%n", table.size, bestBuild);
        out.printf(Locale.ROOT, "{\"figure\":\"fib.resident\",\"routes\":%d,\"accounted_bytes\":%d,\"rss_delta_bytes\":%d}%n",
                fib.size(), fib.residentBytes(), rss() - rssBefore);

        for (String kind : new String[] {"uniform", "prefixes"}) {
            int[] trace = kind.equals("uniform") ? FullTable.uniformTrace(1 << 22, 7) : table.prefixTrace(1 << 22, 7);
            for (int batch : new int[] {1, 64}) {
                double best = 0;
                for (int round = 0; round < 5; round++) {
                    best = Math.max(best, lookupRate(fib, trace, batch));
                }
                out.printf(Locale.ROOT, "{\"figure\":\"fib.lookup\",\"trace\":\"%s\",\"batch\":%d,\"lookups_per_s\":%.0f}%n",
                        kind, batch, best);
            }
        }
        fib.close();
        out.println("{\"figure\":\"note\",\"text\":\"JMH figures: ./vroom bench Fib -prof gc; DPDK comparison: ./vroom fib-baseline\"}");
    }

    private static void memory(PrintStream out, FullTable table, int n) throws IOException {
        SplittableRandom rnd = new SplittableRandom(n);
        long before = rss();
        Ipv4Fib fib = Ipv4Fib.dir24_8(FibTables.MAX_NEXT_HOPS, FibTables.MAX_TBL8_GROUPS);
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(table.realSize);
            fib.add(table.prefixes[k], table.lengths[k], FibTables.nextHop(i));
        }
        out.printf(Locale.ROOT, "{\"figure\":\"fib.resident\",\"routes\":%d,\"accounted_bytes\":%d,\"rss_delta_bytes\":%d}%n",
                fib.size(), fib.residentBytes(), rss() - before);
        fib.close();
    }

    private static double lookupRate(Ipv4Fib fib, int[] trace, int batch) {
        int[] in = new int[batch];
        int[] res = new int[batch];
        long sum = 0;
        long t0 = System.nanoTime();
        if (batch == 1) {
            for (int a : trace) {
                sum += fib.lookup(a);
            }
        } else {
            for (int i = 0; i + batch <= trace.length; i += batch) {
                System.arraycopy(trace, i, in, 0, batch);
                fib.lookupBatch(in, res, batch);
                sum += res[batch - 1];
            }
        }
        double rate = trace.length / ((System.nanoTime() - t0) / 1e9);
        if (sum == 42) {
            throw new AssertionError(); // keeps the loop from being optimised away
        }
        return rate;
    }

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
