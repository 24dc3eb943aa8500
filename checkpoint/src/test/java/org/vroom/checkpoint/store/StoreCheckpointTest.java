package org.vroom.checkpoint.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.vroom.checkpoint.Checkpointer;
import org.vroom.checkpoint.Restorer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A store as a checkpoint part: snapshot and deltas from dirty tracking, across both implementations. */
class StoreCheckpointTest {
    static Map<Long, String> contents(StateStore s) {
        Map<Long, String> m = new HashMap<>();
        s.forEach((k, v, o, n) -> m.put(k, v.getStringWithoutLengthAscii(o, n)));
        return m;
    }

    @Test
    void offHeapToChronicleAndBackConverge() {
        SplittableRandom rnd = new SplittableRandom(5);
        StoreConfig config = StoreConfig.inMemory("adj-rib-in", 5_000, 24, 64);
        try (StateStore source = StateStores.offHeap(config);
             StateStore chronicleTarget = StateStores.chronicle(config);
             StateStore offHeapTarget = StateStores.offHeap(config)) {
            StoreCheckpoint part = new StoreCheckpoint("bgp/adj-in", source);
            Checkpointer c = new Checkpointer(3, "vr3", List.of(part), () -> 0L, () -> 1L, 1024);
            Restorer toChronicle = new Restorer(List.of(new StoreCheckpoint("bgp/adj-in", chronicleTarget)));
            Restorer toOffHeap = new Restorer(List.of(new StoreCheckpoint("bgp/adj-in", offHeapTarget)));
            UnsafeBuffer v = new UnsafeBuffer(new byte[64]);
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < 800; i++) {
                    long key = rnd.nextInt(2_000);
                    if (rnd.nextInt(4) == 0) {
                        source.remove(key);
                    } else {
                        int n = v.putStringWithoutLengthAscii(0, "path " + key + "/" + rnd.nextInt(1 << 20));
                        source.put(key, v, 0, n);
                    }
                }
                int dirty = part.dirtyCount();
                var image = round == 0 ? c.snapshot() : c.delta();
                if (round > 0) {
                    assertEquals(0, part.dirtyCount());
                    org.junit.jupiter.api.Assertions.assertTrue(dirty > 0 && dirty <= 800);
                }
                toChronicle.apply(image);
                toOffHeap.apply(image);
                assertEquals(contents(source), contents(chronicleTarget), "round " + round);
                assertEquals(contents(source), contents(offHeapTarget), "round " + round);
            }
        }
    }
}
