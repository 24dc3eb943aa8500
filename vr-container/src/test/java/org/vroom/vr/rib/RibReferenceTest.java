package org.vroom.vr.rib;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Random adds, replaces and removals against a deliberately naive reference RIB (maps of candidate
 * lists, best computed from scratch by sorting), checking after every operation the best route of the
 * touched prefix, the listener's view of all bests, longest-prefix matches and the absence of leaked
 * next-hop sets.
 */
class RibReferenceTest {
    record Cand(RouteSource source, int origin, int distance, int metric, NextHopSet nhs) {
    }

    record Best(RouteSource source, int distance, int metric, NextHopSet nhs) {
    }

    static final Comparator<Cand> ORDER = Comparator.<Cand>comparingInt(Cand::distance)
            .thenComparingInt(Cand::metric)
            .thenComparingInt(c -> c.source().ordinal())
            .thenComparing((a, b) -> Integer.compareUnsigned(a.origin(), b.origin()));

    static Best referenceBest(List<Cand> cands, int width) {
        List<Cand> sorted = new ArrayList<>(cands);
        sorted.sort(ORDER);
        Cand w = sorted.get(0);
        long[] hops;
        if (w.nhs().isSpecial() || width == 1) {
            hops = new long[w.nhs().size()];
            for (int i = 0; i < hops.length; i++) {
                hops[i] = w.nhs().hop(i);
            }
        } else {
            List<Long> all = new ArrayList<>();
            for (Cand c : sorted) {
                if (c.source() == w.source() && c.distance() == w.distance() && c.metric() == w.metric() && !c.nhs().isSpecial()) {
                    for (int i = 0; i < c.nhs().size(); i++) {
                        all.add(c.nhs().hop(i));
                    }
                }
            }
            hops = all.stream().mapToLong(Long::longValue).distinct().sorted().toArray();
        }
        Arrays.sort(hops);
        return new Best(w.source(), w.distance(), w.metric(), NextHopSet.of(Arrays.copyOf(hops, Math.min(width, hops.length))));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4242})
    void matchesReference(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int width = 1 + rnd.nextInt(4);
        Rib rib = new Rib(width, 4);
        Map<Long, List<Cand>> ref = new TreeMap<>();
        Map<Long, Best> mirror = new HashMap<>();
        rib.addListener(c -> {
            long k = key(c.prefix(), c.length());
            switch (c.kind()) {
                case ADDED -> {
                    assertEquals(null, mirror.put(k, new Best(c.source(), c.distance(), c.metric(), c.nextHops())));
                }
                case CHANGED -> {
                    Best old = mirror.put(k, new Best(c.source(), c.distance(), c.metric(), c.nextHops()));
                    assertEquals(old, new Best(c.previousSource(), c.previousDistance(), c.previousMetric(),
                            c.previousNextHops()), "previous state in CHANGED");
                }
                case REMOVED -> {
                    Best old = mirror.remove(k);
                    assertEquals(old, new Best(c.previousSource(), c.previousDistance(), c.previousMetric(),
                            c.previousNextHops()), "previous state in REMOVED");
                }
            }
        });
        int[] prefixes = new int[40];
        int[] lengths = new int[40];
        for (int i = 0; i < prefixes.length; i++) {
            lengths[i] = rnd.nextInt(33);
            prefixes[i] = (0x0A000000 | rnd.nextInt(1 << 24)) & Rib.mask(lengths[i]);
        }
        NextHopSet[] pool = new NextHopSet[12];
        for (int i = 0; i < 9; i++) {
            int n = 1 + rnd.nextInt(3);
            long[] hops = new long[n];
            for (int j = 0; j < n; j++) {
                hops[j] = rnd.nextInt(4) == 0 ? NextHop.attached(rnd.nextInt(3))
                        : NextHop.forward(0xC0000200 | (1 + rnd.nextInt(6)), rnd.nextInt(3));
            }
            pool[i] = NextHopSet.of(hops);
        }
        pool[9] = NextHopSet.DROP;
        pool[10] = NextHopSet.REJECT;
        pool[11] = NextHopSet.LOCAL;
        RouteSource[] sources = {RouteSource.STATIC, RouteSource.EBGP, RouteSource.OSPF, RouteSource.IBGP};

        for (int op = 0; op < 6000; op++) {
            int pi = rnd.nextInt(prefixes.length);
            int prefix = prefixes[pi];
            int length = lengths[pi];
            long k = key(prefix, length);
            RouteSource source = sources[rnd.nextInt(sources.length)];
            int origin = rnd.nextInt(3) - 1; // -1 is 0xFFFFFFFF unsigned
            List<Cand> cands = ref.computeIfAbsent(k, x -> new ArrayList<>());
            if (rnd.nextInt(3) == 0) {
                boolean had = cands.removeIf(c -> c.source() == source && c.origin() == origin);
                assertEquals(had, rib.remove(source, origin, prefix, length));
            } else {
                int distance = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(3) : source.defaultDistance();
                int metric = rnd.nextInt(3);
                NextHopSet nhs = pool[rnd.nextInt(pool.length)];
                cands.removeIf(c -> c.source() == source && c.origin() == origin);
                cands.add(new Cand(source, origin, distance, metric, nhs));
                rib.add(source, origin, prefix, length, distance, metric, nhs);
            }
            if (cands.isEmpty()) {
                ref.remove(k);
                assertEquals(Rib.NONE, rib.find(prefix, length));
            } else {
                Best want = referenceBest(cands, width);
                int e = rib.find(prefix, length);
                assertEquals(want, new Best(rib.bestSource(e), rib.bestDistance(e), rib.bestMetric(e), rib.bestNextHops(e)),
                        "op " + op);
            }
            if (op % 500 == 0 || op == 5999) {
                checkAll(rib, ref, mirror, width, rnd);
            }
        }
        for (Map.Entry<Long, List<Cand>> e : new ArrayList<>(ref.entrySet())) {
            for (Cand c : e.getValue()) {
                rib.remove(c.source(), c.origin(), (int) (e.getKey() >>> 6), (int) (e.getKey() & 63));
            }
        }
        assertEquals(0, rib.size());
        assertEquals(0, rib.candidateCount());
        assertEquals(0, rib.nextHopSetCount(), "every interned set released");
        assertEquals(Map.of(), mirror);
    }

    private static void checkAll(Rib rib, Map<Long, List<Cand>> ref, Map<Long, Best> mirror, int width, SplittableRandom rnd) {
        assertEquals(ref.size(), rib.size());
        assertEquals(ref.size(), mirror.size());
        int candidates = 0;
        for (Map.Entry<Long, List<Cand>> e : ref.entrySet()) {
            candidates += e.getValue().size();
            assertEquals(referenceBest(e.getValue(), width), mirror.get(e.getKey()), "listener view");
        }
        assertEquals(candidates, rib.candidateCount());
        for (int i = 0; i < 200; i++) {
            int address = 0x0A000000 | rnd.nextInt(1 << 24);
            long bestKey = -1;
            for (long k : ref.keySet()) {
                int len = (int) (k & 63);
                if ((address & Rib.mask(len)) == (int) (k >>> 6) && (bestKey < 0 || len > (bestKey & 63))) {
                    bestKey = k;
                }
            }
            int e = rib.lookup(address);
            if (bestKey < 0) {
                assertEquals(Rib.NONE, e);
            } else {
                assertNotNull(rib.bestNextHops(e));
                assertEquals(bestKey, key(rib.prefix(e), rib.length(e)));
            }
        }
        int[] count = {0};
        rib.forEachBest((p, l, s, d, m, n) -> {
            assertEquals(mirror.get(key(p, l)), new Best(s, d, m, n));
            count[0]++;
        });
        assertEquals(ref.size(), count[0]);
    }

    static long key(int prefix, int length) {
        return (prefix & 0xFFFF_FFFFL) << 6 | length;
    }
}
