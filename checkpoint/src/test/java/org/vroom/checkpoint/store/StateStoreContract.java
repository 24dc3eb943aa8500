package org.vroom.checkpoint.store;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link StateStore} must do; one subclass per implementation. */
abstract class StateStoreContract {
    final List<StateStore> opened = new ArrayList<>();

    abstract StateStore create(StoreConfig config);

    StateStore store(long expected, int max) {
        StateStore s = create(StoreConfig.inMemory("test", expected, Math.min(24, max), max));
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(StateStore::close);
    }

    static UnsafeBuffer bytes(String s) {
        return new UnsafeBuffer(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String get(StateStore s, long key) {
        MutableDirectBuffer dst = new ExpandableArrayBuffer(s.maxValueLength());
        int n = s.get(key, dst, 0);
        return n < 0 ? null : dst.getStringWithoutLengthUtf8(0, n);
    }

    static boolean put(StateStore s, long key, String value) {
        UnsafeBuffer b = bytes(value);
        return s.put(key, b, 0, b.capacity());
    }

    @Test
    void putGetReplaceRemove() {
        StateStore s = store(100, 64);
        assertTrue(put(s, 0, "zero"), "key 0 is a key like any other");
        assertTrue(put(s, -1, "minus one"));
        assertTrue(put(s, 42, "a"));
        assertFalse(put(s, 42, "a much longer value that changes its size class"));
        assertEquals("a much longer value that changes its size class", get(s, 42));
        assertFalse(put(s, 42, "b"));
        assertEquals("b", get(s, 42));
        assertFalse(put(s, 42, ""));
        assertEquals("", get(s, 42));
        assertEquals(3, s.size());
        assertEquals("zero", get(s, 0));
        assertTrue(s.containsKey(-1));
        assertTrue(s.remove(-1));
        assertFalse(s.remove(-1));
        assertFalse(s.containsKey(-1));
        assertEquals(null, get(s, -1));
        assertEquals(2, s.size());
        assertThrows(IllegalArgumentException.class, () -> s.put(1, new UnsafeBuffer(new byte[65]), 0, 65));
    }

    @Test
    void getCopiesAtTheOffsetAndReturnsTheLength() {
        StateStore s = store(10, 16);
        s.put(7, new UnsafeBuffer(new byte[] {9, 1, 2, 3, 9}), 1, 3);
        UnsafeBuffer dst = new UnsafeBuffer(new byte[20]);
        assertEquals(3, s.get(7, dst, 10));
        byte[] out = new byte[3];
        dst.getBytes(10, out);
        assertArrayEquals(new byte[] {1, 2, 3}, out);
        assertEquals(-1, s.get(8, dst, 0));
    }

    @Test
    void theListenerHearsEveryChange() {
        StateStore s = store(10, 16);
        List<String> heard = new ArrayList<>();
        s.changeListener((k, removed) -> heard.add((removed ? "-" : "+") + k));
        put(s, 1, "a");
        put(s, 1, "b");
        put(s, 2, "c");
        s.remove(1);
        s.remove(9);
        assertEquals(List.of("+1", "+1", "+2", "-1"), heard);
        heard.clear();
        s.clear();
        assertEquals(List.of("-2"), heard);
        assertEquals(0, s.size());
        s.changeListener(null);
        put(s, 3, "d");
        assertEquals(List.of("-2"), heard);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void behavesLikeAHashMapUnderRandomOperations(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        StateStore s = store(4_000, 200); // Chronicle Map does not grow past about 4 × this
        Map<Long, String> model = new HashMap<>();
        DirtyKeys dirty = new DirtyKeys();
        s.changeListener(dirty);
        for (int op = 0; op < 20_000; op++) {
            long key = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(3_000) - 100;
            int what = rnd.nextInt(10);
            if (what < 6) {
                String v = "v".repeat(rnd.nextInt(150)) + op;
                assertEquals(!model.containsKey(key), put(s, key, v));
                model.put(key, v);
            } else if (what < 9) {
                assertEquals(model.remove(key) != null, s.remove(key));
            } else {
                assertEquals(model.get(key), get(s, key));
            }
        }
        assertEquals(model.size(), s.size());
        Map<Long, String> seen = new HashMap<>();
        s.forEach((k, v, o, n) -> seen.put(k, v.getStringWithoutLengthUtf8(o, n)));
        assertEquals(model, seen);
        for (Map.Entry<Long, String> e : model.entrySet()) {
            assertEquals(e.getValue(), get(s, e.getKey()));
        }
        assertTrue(dirty.size() >= model.size());
        model.keySet().forEach(k -> assertTrue(dirty.contains(k)));
    }
}
