package org.vroom.checkpoint.store;

import java.nio.file.Path;

/**
 * How to size (and where to keep) a {@link StateStore}.
 *
 * @param name               for messages; the Chronicle Map's name
 * @param expectedEntries    the size the store is built for (both implementations grow past it;
 *                           Chronicle Map up to 4× before it refuses inserts)
 * @param averageValueLength typical value bytes (Chronicle Map sizes its chunks by it)
 * @param maxValueLength     largest value accepted, 1..1 MiB
 * @param file               where a Chronicle store is persisted, or null to keep it in memory only
 */
public record StoreConfig(String name, long expectedEntries, int averageValueLength, int maxValueLength, Path file) {
    public static final int MAX_VALUE_LENGTH = 1 << 20;

    public StoreConfig {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a store needs a name");
        }
        if (expectedEntries < 1) {
            throw new IllegalArgumentException("store " + name + ": expected entries " + expectedEntries + " < 1");
        }
        if (maxValueLength < 1 || maxValueLength > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("store " + name + ": max value length " + maxValueLength + " is out of range"
                    + " 1.." + MAX_VALUE_LENGTH);
        }
        if (averageValueLength < 1 || averageValueLength > maxValueLength) {
            throw new IllegalArgumentException("store " + name + ": average value length " + averageValueLength
                    + " is out of range 1.." + maxValueLength);
        }
    }

    /** A store kept in memory only. */
    public static StoreConfig inMemory(String name, long expectedEntries, int averageValueLength, int maxValueLength) {
        return new StoreConfig(name, expectedEntries, averageValueLength, maxValueLength, null);
    }

    /** The same store persisted to {@code path} (Chronicle only). */
    public StoreConfig persistedTo(Path path) {
        return new StoreConfig(name, expectedEntries, averageValueLength, maxValueLength, path);
    }
}
