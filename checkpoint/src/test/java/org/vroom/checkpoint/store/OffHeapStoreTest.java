package org.vroom.checkpoint.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapStoreTest extends StateStoreContract {
    @Override
    StateStore create(StoreConfig config) {
        return StateStores.offHeap(config);
    }

    @Test
    void freedBlocksAreReusedSoChurnDoesNotGrowTheArena() {
        OffHeapStore s = (OffHeapStore) store(1_000, 64);
        UnsafeBuffer v = new UnsafeBuffer(new byte[40]);
        for (int k = 0; k < 1_000; k++) {
            s.put(k, v, 0, 20 + k % 20);
        }
        long memory = s.offHeapBytes();
        long live = s.liveValueBytes();
        for (int round = 0; round < 50; round++) {
            for (int k = 0; k < 1_000; k++) {
                s.remove(k);
                s.put(k, v, 0, 20 + (k + round) % 20);
            }
        }
        assertEquals(memory, s.offHeapBytes(), "no new chunk, no index growth");
        assertEquals(live, s.liveValueBytes());
        assertEquals(1_000, s.size());
    }

    @Test
    void theIndexGrowsPastTheExpectedSize() {
        OffHeapStore s = (OffHeapStore) store(10, 8);
        UnsafeBuffer v = new UnsafeBuffer(new byte[8]);
        for (int k = 0; k < 10_000; k++) {
            v.putInt(0, k);
            s.put(k * 7919L, v, 0, 8);
        }
        assertTrue(s.capacity() >= 10_000 / 0.7);
        for (int k = 0; k < 10_000; k++) {
            assertEquals(8, s.get(k * 7919L, v, 0));
            assertEquals(k, v.getInt(0));
        }
    }

    @Test
    void aClosedStoreRefusesUseAndAFileIsRefused() {
        StateStore s = StateStores.offHeap(StoreConfig.inMemory("x", 10, 8, 8));
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.containsKey(1));
        assertThrows(IllegalArgumentException.class, () -> StateStores.offHeap(
                StoreConfig.inMemory("x", 10, 8, 8).persistedTo(java.nio.file.Path.of("/tmp/x"))));
    }
}
