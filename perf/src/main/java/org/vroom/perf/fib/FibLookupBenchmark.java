package org.vroom.perf.fib;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vroom.fib.Ipv4Fib;
import org.vroom.perf.FullTable;

import java.util.concurrent.TimeUnit;

/**
 * Lookups on the full table (real 901,899 prefixes extended to 1.05 M): single and batched, for uniformly
 * random destinations and for destinations inside the table's own prefixes. One operation = one lookup;
 * the score is lookups per second. {@code -prof gc} shows the allocation rate (0 B/op expected).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FibLookupBenchmark {
    static final int WINDOW = 1024;
    private static final int TRACE = 1 << 22;

    @Param({"uniform", "prefixes"})
    public String trace;

    @Param({"8", "16", "32", "64"})
    public int batch;

    private Ipv4Fib fib;
    private int[][] batches;
    private int[] flat;
    private int[] out;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        FullTable table = FullTable.load(FullTable.GLOBAL_TABLE_SIZE, 2024);
        fib = FibTables.build(table);
        int[] addresses = trace.equals("uniform") ? FullTable.uniformTrace(TRACE, 7) : table.prefixTrace(TRACE, 7);
        flat = addresses;
        batches = new int[TRACE / batch][];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = java.util.Arrays.copyOfRange(addresses, i * batch, (i + 1) * batch);
        }
        out = new int[batch];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fib.close();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int lookupBatch() {
        int perWindow = WINDOW / batch;
        int b = cursor;
        int sum = 0;
        for (int i = 0; i < perWindow; i++) {
            fib.lookupBatch(batches[b], out, batch);
            sum += out[batch - 1];
            if (++b == batches.length) {
                b = 0;
            }
        }
        cursor = b;
        return sum;
    }

    /** Single lookups; the batch parameter only sets the trace position granularity here. */
    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int lookupSingle() {
        int start = (cursor * WINDOW) & (TRACE - 1);
        int sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            sum += fib.lookup(flat[start + i]);
        }
        cursor++;
        return sum;
    }
}
