package org.vroom.checkpoint.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleStoreTest extends StateStoreContract {
    @TempDir
    Path dir;

    @Override
    StateStore create(StoreConfig config) {
        return StateStores.chronicle(config);
    }

    @Test
    void aPersistedStoreIsReopenedWithItsContents() {
        StoreConfig config = StoreConfig.inMemory("rib-store", 1_000, 24, 64).persistedTo(dir.resolve("vr/rib.cm3"));
        try (StateStore s = StateStores.chronicle(config)) {
            assertTrue(s.persistent());
            for (int k = 0; k < 500; k++) {
                put(s, k, "route " + k);
            }
            s.remove(7);
        }
        try (StateStore s = StateStores.chronicle(config)) {
            assertEquals(499, s.size());
            assertEquals("route 499", get(s, 499));
            assertEquals(null, get(s, 7));
        }
    }
}
