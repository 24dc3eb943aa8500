package org.vroom.perf.fib;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vroom.fib.Ipv4Fib;
import org.vroom.perf.FullTable;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Building the full table (1.05 M routes) from empty, route by route and with the bulk load; and churn
 * (delete one route, add it back with another next hop) on a full table. One operation = one route
 * (build) or one delete+add pair (churn): scores are routes per second and churn pairs per second.
 */
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Benchmark)
public class FibBuildBenchmark {
    private FullTable table;
    private int[] nextHops;
    private Ipv4Fib full;
    private int[] churnOrder;
    private int churnCursor;
    private int churnRound;

    @Setup(Level.Trial)
    public void loadTable() {
        table = FullTable.load(FullTable.GLOBAL_TABLE_SIZE, 2024);
        nextHops = new int[table.size];
        for (int i = 0; i < table.size; i++) {
            nextHops[i] = FibTables.nextHop(i);
        }
        full = FibTables.build(table);
        churnOrder = new int[1 << 20];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < churnOrder.length; i++) {
            churnOrder[i] = rnd.nextInt(table.size);
        }
    }

    /** A fresh empty FIB for every build. */
    @State(Scope.Thread)
    public static class EmptyFib {
        Ipv4Fib fib;

        @Setup(Level.Invocation)
        public void create() {
            fib = Ipv4Fib.dir24_8(FibTables.MAX_NEXT_HOPS, FibTables.MAX_TBL8_GROUPS);
        }

        @TearDown(Level.Invocation)
        public void close() {
            fib.close();
        }
    }

    @TearDown(Level.Trial)
    public void closeFull() {
        full.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    @OperationsPerInvocation(FullTable.GLOBAL_TABLE_SIZE)
    public Ipv4Fib buildRouteByRoute(EmptyFib empty) {
        Ipv4Fib fib = empty.fib;
        for (int i = 0; i < table.size; i++) {
            fib.add(table.prefixes[i], table.lengths[i], nextHops[i]);
        }
        return fib;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    @OperationsPerInvocation(FullTable.GLOBAL_TABLE_SIZE)
    public Ipv4Fib buildBulkLoad(EmptyFib empty) {
        Ipv4Fib fib = empty.fib;
        fib.load(table.prefixes, table.lengths, nextHops, table.size);
        return fib;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @OperationsPerInvocation(1024)
    public int churn() {
        int c = churnCursor;
        for (int k = 0; k < 1024; k++) {
            int i = churnOrder[c];
            full.delete(table.prefixes[i], table.lengths[i]);
            full.add(table.prefixes[i], table.lengths[i], (nextHops[i] + churnRound) & (FibTables.MAX_NEXT_HOPS - 1));
            if (++c == churnOrder.length) {
                c = 0;
                churnRound++;
            }
        }
        churnCursor = c;
        return c;
    }
}
