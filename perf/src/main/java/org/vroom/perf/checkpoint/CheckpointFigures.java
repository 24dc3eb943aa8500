package org.vroom.perf.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.checkpoint.Checkpointable;
import org.vroom.checkpoint.Checkpointer;
import org.vroom.checkpoint.Restorer;
import org.vroom.perf.FullTable;
import org.vroom.vr.InterfaceConfig;
import org.vroom.vr.VrConfig;
import org.vroom.vr.checkpoint.VrParts;
import org.vroom.vr.rib.NextHop;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.shadow.Shadowd;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Checkpoint figures for a VR with a full Internet table (FullTable, 1.05 M prefixes, 2.3 candidates per
 * prefix like {@code RibFullTableTest}): snapshot size and time, restore time (into an empty RIB with
 * shadowd attached, so the FIB batches are built too), then iterative pre-copy while the RIB keeps
 * changing at a given rate: the changes of each round are those that the elapsed time of the previous
 * round (its write time plus its transfer time at a given link rate) implies. Rounds go on until a delta is
 * small; then the VR freezes and the final delta is written, "sent" and applied: write + transfer + apply
 * bounds freeze → thaw. Finally, the cost of final deltas of 1 to 10,000 changed routes, warm (median of
 * repeated runs), to show how freeze → thaw grows with the churn of the last round.
 *
 * <p>Run: {@code java @jvm.options -cp perf/target/benchmarks.jar org.vroom.perf.checkpoint.CheckpointFigures
 * [routesPerSecond=1000] [linkMbitPerSecond=1000]}. Figures are wall-clock times on whatever else the
 * machine is doing: read them as orders of magnitude, and compare them with the goal (final freeze →
 * thaw below 20 ms) rather than with each other.
 */
public final class CheckpointFigures {
    static final int SMALL_DELTA_PREFIXES = 100;
    static final int MAX_ROUNDS = 30;

    private final PrintStream out = System.out;
    private final FullTable table;
    private final NextHopSet[] peers = new NextHopSet[16];
    private final SplittableRandom rnd = new SplittableRandom(42);
    private final VrConfig config = VrConfig.of(1, "figures", List.of(
            InterfaceConfig.of("eth0", 0xC633_6401, 24), InterfaceConfig.of("eth1", 0xC633_6481, 25),
            InterfaceConfig.of("eth2", 0xC000_0201, 24), InterfaceConfig.of("eth3", 0xCB00_7101, 24)), List.of());
    private long routeChangesApplied;

    private CheckpointFigures(FullTable table) {
        this.table = table;
        for (int p = 0; p < peers.length; p++) {
            peers[p] = p < 12 ? NextHopSet.via(0xC633_6400 + p + 1, p % 4)
                    : NextHopSet.of(NextHop.forward(0xC633_6400 + p + 1, 0), NextHop.forward(0xC633_6480 + p, 1));
        }
    }

    public static void main(String[] args) {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 1000;
        double linkMbit = args.length > 1 ? Double.parseDouble(args[1]) : 1000;
        FullTable table = FullTable.load(FullTable.GLOBAL_TABLE_SIZE, 1);
        new CheckpointFigures(table).run(rate, linkMbit);
    }

    private Rib buildRib() {
        Rib rib = new Rib(8, table.size);
        for (int i = 0; i < table.size; i++) {
            int prefix = table.prefixes[i];
            int length = table.lengths[i];
            rib.add(RouteSource.EBGP, 0, prefix, length, 0, peers[i & 7]);
            rib.add(RouteSource.IBGP, 0, prefix, length, 0, peers[8 + (i & 7)]);
            if (i % 10 < 3) {
                rib.add(RouteSource.EBGP, 1, prefix, length, 0, peers[(i + 3) & 7]);
            }
        }
        return rib;
    }

    /** One route change: an eBGP announcement with new next hops, or its withdrawal (the iBGP path stays). */
    private void change(Rib rib) {
        int i = rnd.nextInt(table.size);
        int prefix = table.prefixes[i];
        int length = table.lengths[i];
        if (rnd.nextBoolean()) {
            rib.add(RouteSource.EBGP, 0, prefix, length, rnd.nextInt(100), peers[rnd.nextInt(8)]);
        } else {
            rib.remove(RouteSource.EBGP, 0, prefix, length);
        }
        routeChangesApplied++;
    }

    /** A VR being restored: an empty RIB with shadowd feeding a hypervisor that counts what it is given. */
    private static final class Target {
        final Rib rib;
        final Shadowd shadowd;
        final Restorer restorer;
        long routeOps;

        Target(int expected, VrConfig config) {
            rib = new Rib(1, expected);
            shadowd = new Shadowd(1, rib, (vr, batch) -> routeOps += batch.routeCount());
            restorer = new Restorer(VrParts.target(null, rib, List.of()));
        }

        /** Applies an image and flushes shadowd (the FIB batches); returns nanoseconds. */
        long apply(DirectBuffer image) {
            long t0 = System.nanoTime();
            restorer.apply(image);
            shadowd.flush();
            return System.nanoTime() - t0;
        }
    }

    /** A copy of the image in memory of its own, as the receiving node would have it. */
    private static DirectBuffer received(DirectBuffer image) {
        UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(image.capacity()));
        copy.putBytes(0, image, 0, image.capacity());
        return copy;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double transferMs(long bytes, double linkMbit) {
        return bytes * 8 / (linkMbit * 1e3);
    }

    private void run(double rate, double linkMbit) {
        long t0 = System.nanoTime();
        Rib rib = buildRib();
        long t1 = System.nanoTime();
        out.printf(Locale.ROOT, "VR RIB: %,d prefixes, %,d candidates, %d next-hop sets, built in %.0f ms; "
                        + "churn %.0f routes/s, link %.0f Mbit/s%n", rib.size(), rib.candidateCount(),
                rib.nextHopSetCount(), ms(t1 - t0), rate, linkMbit);
        List<Checkpointable> parts = VrParts.source(() -> config, rib, List.of());
        Checkpointer cp = new Checkpointer(config.id(), config.name(), parts);

        // 1. snapshot and restore, full table
        long[] snap = new long[5];
        DirectBuffer image = null;
        for (int i = 0; i < snap.length; i++) {
            long s0 = System.nanoTime();
            image = cp.snapshot();
            snap[i] = System.nanoTime() - s0;
        }
        int snapshotBytes = cp.imageLength();
        DirectBuffer snapshotCopy = received(image);
        long[] restore = new long[3];
        long[] restoreBare = new long[3];
        long fibOps = 0;
        for (int i = 0; i < restore.length; i++) {
            System.gc();
            Target t = new Target(table.size, config);
            restore[i] = t.apply(snapshotCopy);
            fibOps = t.routeOps;
            System.gc();
            Rib bare = new Rib(1, table.size);
            Restorer r = new Restorer(VrParts.target(null, bare, List.of()));
            long r0 = System.nanoTime();
            r.apply(snapshotCopy);
            restoreBare[i] = System.nanoTime() - r0;
        }
        Arrays.sort(snap);
        Arrays.sort(restore);
        Arrays.sort(restoreBare);
        out.println();
        out.println("| figure | value |");
        out.println("|---|---|");
        row("snapshot image (config + rib)", String.format(Locale.ROOT, "%,d bytes (%.1f B/prefix, %.1f B/candidate)",
                snapshotBytes, (double) snapshotBytes / rib.size(), (double) snapshotBytes / rib.candidateCount()));
        row("snapshot write (min / median of 5)", String.format(Locale.ROOT, "%.0f / %.0f ms (%.0f MB/s)",
                ms(snap[0]), ms(snap[2]), snapshotBytes / 1e3 / ms(snap[2])));
        row("restore into empty RIB + shadowd (min / median of 3)", String.format(Locale.ROOT,
                "%.0f / %.0f ms (%,d FIB route ops)", ms(restore[0]), ms(restore[1]), fibOps));
        row("restore into empty RIB, no listener (min / median of 3)", String.format(Locale.ROOT, "%.0f / %.0f ms",
                ms(restoreBare[0]), ms(restoreBare[1])));
        row("snapshot transfer at link rate", String.format(Locale.ROOT, "%.0f ms", transferMs(snapshotBytes, linkMbit)));

        // 2. iterative pre-copy while the RIB changes
        System.gc();
        Target target = new Target(table.size, config);
        long w0 = System.nanoTime();
        DirectBuffer s = cp.snapshot();
        long write = System.nanoTime() - w0;
        int bytes = cp.imageLength();
        long apply = target.apply(received(s));
        double elapsedMs = ms(write) + transferMs(bytes, linkMbit);
        out.println();
        out.println("Pre-copy (each round's churn = rate × the previous round's write + transfer time):");
        out.println();
        out.println("| round | route changes | prefixes in image | image bytes | write ms | transfer ms | apply ms |");
        out.println("|---|---|---|---|---|---|---|");
        out.printf(Locale.ROOT, "| 0 (snapshot) | - | %,d | %,d | %.1f | %.1f | %.1f |%n", rib.size(), bytes, ms(write),
                transferMs(bytes, linkMbit), ms(apply));
        double carry = 0;
        int round = 0;
        int lastPrefixes = Integer.MAX_VALUE;
        while (true) {
            round++;
            carry += rate * elapsedMs / 1000;
            int changes = (int) carry;
            carry -= changes;
            for (int k = 0; k < changes; k++) {
                change(rib);
            }
            int prefixes = rib.changedPrefixCount();
            boolean last = prefixes <= SMALL_DELTA_PREFIXES || round >= MAX_ROUNDS || prefixes * 2 > lastPrefixes;
            if (last) {
                // freeze: no change after this point; the final delta covers what changed during the last round
                long f0 = System.nanoTime();
                DirectBuffer d = cp.delta();
                long fw = System.nanoTime() - f0;
                int fb = cp.imageLength();
                DirectBuffer copy = received(d);
                long fa = target.apply(copy);
                check(rib, target.rib);
                out.printf(Locale.ROOT, "| %d (final, frozen) | %,d | %,d | %,d | %.3f | %.3f | %.3f |%n", round, changes,
                        prefixes, fb, ms(fw), transferMs(fb, linkMbit), ms(fa));
                out.println();
                row2("freeze → thaw bound (write + transfer + apply, cold code)", ms(fw) + transferMs(fb, linkMbit) + ms(fa));
                break;
            }
            long d0 = System.nanoTime();
            DirectBuffer d = cp.delta();
            long dw = System.nanoTime() - d0;
            int db = cp.imageLength();
            long da = target.apply(received(d));
            out.printf(Locale.ROOT, "| %d | %,d | %,d | %,d | %.3f | %.3f | %.3f |%n", round, changes, prefixes, db, ms(dw),
                    transferMs(db, linkMbit), ms(da));
            elapsedMs = ms(dw) + transferMs(db, linkMbit);
            lastPrefixes = prefixes;
        }

        // 3. final deltas of growing churn, warm
        out.println();
        out.println("Final delta by churn of the last round (warm; median of 15 runs each, with the VR's config part):");
        out.println();
        out.println("| route changes | image bytes | write ms | apply ms (RIB + shadowd) | transfer ms | freeze → thaw ms |");
        out.println("|---|---|---|---|---|---|");
        for (int changes : new int[] {1, 10, 100, 1_000, 10_000}) {
            long[] ws = new long[15];
            long[] as = new long[15];
            int b = 0;
            for (int rep = 0; rep < ws.length; rep++) {
                for (int k = 0; k < changes; k++) {
                    change(rib);
                }
                long d0 = System.nanoTime();
                DirectBuffer d = cp.delta();
                ws[rep] = System.nanoTime() - d0;
                b = cp.imageLength();
                as[rep] = target.apply(received(d));
            }
            Arrays.sort(ws);
            Arrays.sort(as);
            double w = ms(ws[ws.length / 2]);
            double a = ms(as[as.length / 2]);
            out.printf(Locale.ROOT, "| %,d | %,d | %.3f | %.3f | %.3f | %.3f |%n", changes, b, w, a, transferMs(b, linkMbit),
                    w + a + transferMs(b, linkMbit));
        }
        check(rib, target.rib);
        out.printf(Locale.ROOT, "%nrestored RIB equals the source (%,d prefixes, %,d candidates) after %,d route changes%n",
                target.rib.size(), target.rib.candidateCount(), routeChangesApplied);
    }

    private void row(String name, String value) {
        out.println("| " + name + " | " + value + " |");
    }

    private void row2(String name, double valueMs) {
        out.printf(Locale.ROOT, "%s: %.3f ms%n", name, valueMs);
    }

    /** The restored RIB has the same best routes and candidate counts as the source (a sample of prefixes). */
    private void check(Rib source, Rib restored) {
        if (source.size() != restored.size() || source.candidateCount() != restored.candidateCount()) {
            throw new IllegalStateException("restored RIB differs: " + restored.size() + "/" + restored.candidateCount()
                    + " vs " + source.size() + "/" + source.candidateCount());
        }
        List<Integer> sample = new ArrayList<>();
        for (int k = 0; k < 10_000; k++) {
            sample.add(rnd.nextInt(table.size));
        }
        for (int i : sample) {
            int p = table.prefixes[i] & Rib.mask(table.lengths[i]);
            if (!java.util.Objects.equals(source.best(p, table.lengths[i]), restored.best(p, table.lengths[i]))
                    || !source.candidates(p, table.lengths[i]).equals(restored.candidates(p, table.lengths[i]))) {
                throw new IllegalStateException("restored RIB differs at " + source.best(p, table.lengths[i]));
            }
        }
    }
}
