package org.vroom.perf.checkpoint;

import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.checkpoint.store.OffHeapStore;
import org.vroom.checkpoint.store.StateStore;
import org.vroom.checkpoint.store.StateStores;
import org.vroom.checkpoint.store.StoreConfig;
import org.vroom.perf.FullTable;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * State-store figures for a RIB-sized table: 1.05 M keys (the FullTable prefixes, key = prefix and
 * length) with RIB-like values (2 or 3 candidates of 12 bytes plus a count: 25 or 37 bytes, 28.6 on
 * average), for the purpose-built {@link OffHeapStore}, Chronicle Map in memory and persisted to a file,
 * and, for reference, the RIB's own primitive arrays holding the same candidates. Rates are millions of
 * operations per second, single thread; memory is what the store reserves (off-heap) or the heap growth.
 *
 * <p>Run: {@code java @jvm.options -cp perf/target/benchmarks.jar org.vroom.perf.checkpoint.StoreFigures
 * [dirForPersistedStore]} (default: a temporary directory under {@code /dev/shm} when it exists).
 */
public final class StoreFigures {
    private final PrintStream out = System.out;
    private final FullTable table;
    private final long[] keys;
    private final int[] shuffled;
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private long sink;

    private StoreFigures(FullTable table) {
        this.table = table;
        keys = new long[table.size];
        for (int i = 0; i < table.size; i++) {
            keys[i] = Rib.key(table.prefixes[i] & Rib.mask(table.lengths[i]), table.lengths[i]);
        }
        shuffled = new int[table.size];
        for (int i = 0; i < shuffled.length; i++) {
            shuffled[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir;
        if (args.length > 0) {
            dir = Path.of(args[0]);
        } else {
            Path shm = Path.of("/dev/shm");
            dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                    "vroom-store-figures");
        }
        FullTable table = FullTable.load(FullTable.GLOBAL_TABLE_SIZE, 1);
        try {
            new StoreFigures(table).run(dir);
        } finally {
            if (args.length == 0) {
                Files.deleteIfExists(dir);
            }
        }
    }

    /** The value of entry {@code i}: candidate count, then 12 bytes per candidate. Returns its length. */
    private int encode(int i, int variant) {
        int n = (i + variant) % 10 < 3 ? 3 : 2;
        value.putByte(0, (byte) n);
        int p = 1;
        for (int c = 0; c < n; c++) {
            value.putByte(p, (byte) (c == 1 ? RouteSource.IBGP.code() : RouteSource.EBGP.code()));
            value.putInt(p + 1, c == 2 ? 1 : 0);
            value.putByte(p + 5, (byte) (c == 1 ? 200 : 20));
            value.putInt(p + 6, variant);
            value.putShort(p + 10, (short) ((i + c) & 15));
            p += 12;
        }
        return p;
    }

    private static double mops(int n, long nanos) {
        return n * 1e3 / nanos;
    }

    private static long usedHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private void run(Path dir) throws IOException {
        int n = table.size;
        out.printf(Locale.ROOT, "%,d keys, RIB-like values of 25 or 37 bytes (28.6 on average); rates in M ops/s%n%n", n);
        out.println("| store | insert | get (random) | iterate | update (new length) | remove | memory | bytes/entry |");
        out.println("|---|---|---|---|---|---|---|---|");
        StoreConfig config = StoreConfig.inMemory("rib", n, 29, 64);
        // each implementation runs the whole sequence once untimed first, so the figures are of compiled code
        for (boolean timed : new boolean[] {false, true}) {
            try (StateStore s = StateStores.offHeap(config)) {
                measure("off-heap (purpose-built)", s, timed);
            }
        }
        for (boolean timed : new boolean[] {false, true}) {
            try (StateStore s = StateStores.chronicle(config)) {
                measure("Chronicle Map, in memory", s, timed);
            }
        }
        Path file = dir.resolve("rib.cm3");
        for (boolean timed : new boolean[] {false, true}) {
            try (StateStore s = StateStores.chronicle(config.persistedTo(file))) {
                measure("Chronicle Map, persisted to " + dir, s, timed);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        measureRib(false);
        measureRib(true);
    }

    private void measure(String name, StateStore s, boolean timed) {
        int n = table.size;
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long heap0 = timed ? usedHeap(mx) : 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            s.put(keys[i], value, 0, encode(i, 0));
        }
        long t1 = System.nanoTime();
        for (int i : shuffled) {
            sink += s.get(keys[i], dst, 0);
        }
        long t2 = System.nanoTime();
        long[] total = {0};
        s.forEach((k, v, o, len) -> total[0] += len + v.getByte(o));
        sink += total[0];
        long t3 = System.nanoTime();
        for (int k = 0; k < n; k += 2) {
            int i = shuffled[k];
            s.put(keys[i], value, 0, encode(i, 1));
        }
        long t4 = System.nanoTime();
        long used = s.offHeapBytes();
        long heap = timed ? usedHeap(mx) - heap0 : 0;
        long t5 = System.nanoTime();
        for (int k = 1; k < n; k += 2) {
            s.remove(keys[shuffled[k]]);
        }
        long t6 = System.nanoTime();
        if (s.size() != n - n / 2) {
            throw new IllegalStateException(name + ": " + s.size() + " keys left");
        }
        if (!timed) {
            return;
        }
        out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f MB off-heap, %.1f MB heap | %.0f |%n", name,
                mops(n, t1 - t0), mops(n, t2 - t1), mops(n, t3 - t2), mops(n / 2, t4 - t3), mops(n / 2, t6 - t5),
                used / 1e6, heap / 1e6, (double) (used + heap) / n);
    }

    /** The same candidates in the RIB's own arrays, on the heap (insert includes best-route selection). */
    private void measureRib(boolean timed) {
        int n = table.size;
        NextHopSet[] sets = new NextHopSet[16];
        for (int i = 0; i < sets.length; i++) {
            sets[i] = NextHopSet.via(0xC633_6400 + i + 1, i % 4);
        }
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long heap0 = timed ? usedHeap(mx) : 0;
        long t0 = System.nanoTime();
        Rib rib = new Rib(8, n);
        for (int i = 0; i < n; i++) {
            int p = table.prefixes[i];
            int len = table.lengths[i];
            rib.add(RouteSource.EBGP, 0, p, len, 0, sets[i & 15]);
            rib.add(RouteSource.IBGP, 0, p, len, 0, sets[(i + 1) & 15]);
            if (i % 10 < 3) {
                rib.add(RouteSource.EBGP, 1, p, len, 0, sets[(i + 2) & 15]);
            }
        }
        long t1 = System.nanoTime();
        for (int i : shuffled) {
            int e = rib.find(Rib.keyPrefix(keys[i]), Rib.keyLength(keys[i]));
            for (int c = rib.firstCandidate(e); c != Rib.NONE; c = rib.nextCandidate(c)) {
                sink += rib.candidateMetric(c);
            }
        }
        long t2 = System.nanoTime();
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            for (int c = rib.firstCandidate(e); c != Rib.NONE; c = rib.nextCandidate(c)) {
                sink += rib.candidateMetric(c);
            }
        }
        long t3 = System.nanoTime();
        for (int k = 0; k < n; k += 2) {
            int i = shuffled[k];
            rib.add(RouteSource.EBGP, 0, table.prefixes[i], table.lengths[i], 5, sets[(i + 3) & 15]);
        }
        long t4 = System.nanoTime();
        long heap = timed ? usedHeap(mx) - heap0 : 0;
        long t5 = System.nanoTime();
        for (int k = 1; k < n; k += 2) {
            int i = shuffled[k];
            rib.remove(RouteSource.EBGP, 0, table.prefixes[i], table.lengths[i]);
            rib.remove(RouteSource.EBGP, 1, table.prefixes[i], table.lengths[i]);
            rib.remove(RouteSource.IBGP, 0, table.prefixes[i], table.lengths[i]);
        }
        long t6 = System.nanoTime();
        if (!timed) {
            return;
        }
        out.printf(Locale.ROOT, "| RIB arrays (reference: insert = 2.3 candidate adds with selection) | %.2f | %.2f | %.2f"
                        + " | %.2f | %.2f | %.1f MB heap (RIB's own count %.1f MB) | %.0f |%n",
                mops(n, t1 - t0), mops(n, t2 - t1), mops(n, t3 - t2), mops(n / 2, t4 - t3), mops(n / 2, t6 - t5),
                heap / 1e6, rib.footprintBytes() / 1e6, (double) heap / n);
        out.println();
        out.println("(checksum " + (sink & 0xFF) + ")");
    }
}
