package org.vroom.checkpoint.store;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * A {@link StateStore} on Chronicle Map 3: off-heap, thread-safe through per-segment locks, and,
 * when {@link StoreConfig#file()} is set, memory-mapped from a file that outlives the process. Such a
 * file is opened with Chronicle's recovery ({@code recoverPersistedTo}), so a store left behind by a
 * crashed process is checked and repaired on open; a VR can then be recovered from it.
 *
 * <p>Keys and values travel as raw bytes through Chronicle's query contexts ({@code queryContext(BytesStore,
 * offset, size)} and {@code wrapValueBytesAsData}) on reused native buffers: no boxing and no byte arrays
 * per operation.
 *
 * <p>Only {@link StateStores} creates it, after setting {@code chronicle.analytics.disable=true}; this
 * class sets the property again in its own static initialiser, which runs before any Chronicle class is
 * initialised through it.
 *
 * <p>Threads: any, but one instance's scratch buffers belong to one thread at a time (the VR loop).
 */
final class ChronicleStore implements StateStore {
    static {
        System.setProperty(StateStores.ANALYTICS_PROPERTY, "true");
    }

    private static final double MAX_BLOAT = 4.0;

    private final String name;
    private final int maxValueLength;
    private final long expectedEntries;
    private final File file;
    private final ChronicleMap<Long, byte[]> map;
    private final BytesStore<?, ?> key = BytesStore.nativeStoreWithFixedCapacity(8);
    private final BytesStore<?, ?> value;
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private ChangeListener listener;
    private boolean closed;

    ChronicleStore(StoreConfig config) {
        this.name = config.name();
        this.maxValueLength = config.maxValueLength();
        this.expectedEntries = config.expectedEntries();
        this.file = config.file() == null ? null : config.file().toFile();
        ChronicleMapBuilder<Long, byte[]> builder = ChronicleMapBuilder.of(Long.class, byte[].class)
                .name(config.name())
                .entries(config.expectedEntries())
                .averageValueSize(config.averageValueLength())
                .maxBloatFactor(MAX_BLOAT);
        try {
            if (file == null) {
                map = builder.create();
            } else if (Files.exists(config.file()) && Files.size(config.file()) > 0) {
                map = builder.recoverPersistedTo(file, true);
            } else {
                Files.createDirectories(config.file().toAbsolutePath().getParent());
                map = builder.createPersistedTo(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("store " + name + ": cannot open " + file, e);
        }
        value = BytesStore.nativeStoreWithFixedCapacity(Math.max(8, maxValueLength));
        valueView.wrap(value.addressForWrite(0), (int) value.capacity());
    }

    private ExternalMapQueryContext<Long, byte[], ?> context(long k) {
        key.writeLong(0, k);
        return map.queryContext(key, 0, 8);
    }

    @Override
    public boolean put(long k, DirectBuffer src, int offset, int length) {
        checkOpen();
        if (length < 0 || length > maxValueLength) {
            throw new IllegalArgumentException("store " + name + ": a value of " + length + " bytes (at most "
                    + maxValueLength + ")");
        }
        valueView.putBytes(0, src, offset, length);
        boolean added;
        try (ExternalMapQueryContext<Long, byte[], ?> c = context(k)) {
            added = putLocked(c, length);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("store " + name + " is full at " + map.longSize() + " keys (Chronicle Map takes"
                    + " about " + MAX_BLOAT + " times the expected entries, " + expectedEntries + "; size it larger)", e);
        }
        if (listener != null) {
            listener.onChange(k, false);
        }
        return added;
    }

    private boolean putLocked(ExternalMapQueryContext<Long, byte[], ?> c, int length) {
        c.updateLock().lock();
        Data<byte[]> data = c.wrapValueBytesAsData(value, 0, length);
        MapEntry<Long, byte[]> e = c.entry();
        if (e != null) {
            e.doReplaceValue(data);
            return false;
        }
        c.absentEntry().doInsert(data);
        return true;
    }

    @Override
    public int get(long k, MutableDirectBuffer dst, int dstOffset) {
        checkOpen();
        try (ExternalMapQueryContext<Long, byte[], ?> c = context(k)) {
            MapEntry<Long, byte[]> e = c.entry();
            if (e == null) {
                return -1;
            }
            Data<byte[]> v = e.value();
            int length = (int) v.size();
            RandomDataInput bytes = v.bytes();
            readView.wrap(bytes.addressForRead(v.offset()), length);
            dst.putBytes(dstOffset, readView, 0, length);
            return length;
        }
    }

    @Override
    public boolean containsKey(long k) {
        checkOpen();
        try (ExternalMapQueryContext<Long, byte[], ?> c = context(k)) {
            return c.entry() != null;
        }
    }

    @Override
    public boolean remove(long k) {
        checkOpen();
        boolean removed;
        try (ExternalMapQueryContext<Long, byte[], ?> c = context(k)) {
            c.updateLock().lock();
            MapEntry<Long, byte[]> e = c.entry();
            removed = e != null;
            if (removed) {
                e.doRemove();
            }
        }
        if (removed && listener != null) {
            listener.onChange(k, true);
        }
        return removed;
    }

    @Override
    public void forEach(EntryVisitor visitor) {
        checkOpen();
        UnsafeBuffer view = new UnsafeBuffer(0, 0);
        map.forEachEntry(e -> {
            Data<Long> k = e.key();
            long kv = k.bytes().readLong(k.offset());
            Data<byte[]> v = e.value();
            int length = (int) v.size();
            view.wrap(v.bytes().addressForRead(v.offset()), length);
            visitor.accept(kv, view, 0, length);
        });
    }

    @Override
    public void clear() {
        checkOpen();
        if (listener == null) {
            map.clear();
            return;
        }
        ChangeListener l = listener;
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<Long, byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    Data<Long> k = e.key();
                    long kv = k.bytes().readLong(k.offset());
                    e.doRemove();
                    l.onChange(kv, true);
                });
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxValueLength() {
        return maxValueLength;
    }

    @Override
    public long size() {
        checkOpen();
        return map.longSize();
    }

    @Override
    public long offHeapBytes() {
        return map.offHeapMemoryUsed();
    }

    @Override
    public void changeListener(ChangeListener l) {
        listener = l;
    }

    @Override
    public boolean persistent() {
        return file != null;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + name + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            map.close();
            key.releaseLast();
            value.releaseLast();
        }
    }

    @Override
    public String toString() {
        return "ChronicleStore " + name + ": " + map.longSize() + " keys" + (file != null ? ", persisted to " + file : "");
    }
}
