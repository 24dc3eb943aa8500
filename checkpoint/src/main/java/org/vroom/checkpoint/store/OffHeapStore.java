package org.vroom.checkpoint.store;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A purpose-built off-heap {@link StateStore}: one open-addressing index and a slab arena, both in direct
 * memory, so a million entries cost the garbage collector nothing.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>Index: {@code capacity} slots of 16 bytes (key, value reference), linear probing, at most 70 %
 *       full, doubled when it gets there; removal by backward shift, so no tombstones build up under
 *       churn. A reference of 0 marks an empty slot, so every key (0 included) is allowed.</li>
 *   <li>Values: blocks of {@code [u32 length][bytes]} rounded up to 8 bytes, carved from chunks of direct
 *       memory. A freed block goes to the free list of its size class (one per multiple of 8 bytes) and
 *       is reused by the next value of that class; a value that changes length within its class is
 *       rewritten in place. A reference is {@code (chunk + 1) << 32 | offset}.</li>
 * </ul>
 * About 16 / 0.7 ≈ 23 bytes of index per entry (between 11 and 23 as the table fills) plus the value
 * rounded up to 8 bytes with its 4-byte length: for a 24-byte value, about 55 bytes per entry.
 *
 * <p>Not persisted: the checkpoint image is this store's durable form (use the Chronicle store for a table
 * that must survive a crash of the process by itself).
 *
 * <p>Threads: single-threaded (the VR loop), no locks.
 */
public final class OffHeapStore implements StateStore {
    private static final int SLOT = 16;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 26;
    private static final int MIN_CHUNK = 64 * 1024;
    private static final int MAX_CHUNK = 16 * 1024 * 1024;

    private final String name;
    private final int maxValueLength;
    private final int chunkSize;
    private final int initialCapacity;

    private ByteBuffer indexMemory;
    private final UnsafeBuffer index = new UnsafeBuffer(0, 0);
    private int capacity;
    private int mask;
    private int resizeAt;
    private long size;

    private ByteBuffer[] chunkMemory = new ByteBuffer[4];
    private UnsafeBuffer[] chunks = new UnsafeBuffer[4];
    private int chunkCount;
    private int bump;
    private final long[] freeHeads;
    private long liveBlockBytes;

    private ChangeListener listener;
    private boolean closed;

    /** A store sized for {@code config.expectedEntries()} values of about {@code config.averageValueLength()} bytes. */
    public OffHeapStore(StoreConfig config) {
        if (config.file() != null) {
            throw new IllegalArgumentException("store " + config.name() + ": the off-heap store is not persisted (use the"
                    + " Chronicle store for a file)");
        }
        this.name = config.name();
        this.maxValueLength = config.maxValueLength();
        int maxBlock = blockSize(maxValueLength);
        long wanted = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK,
                Long.highestOneBit(Math.max(1, config.expectedEntries() * blockSize(config.averageValueLength()) / 16))));
        this.chunkSize = (int) Math.max(wanted, Integer.highestOneBit(maxBlock - 1) << 1);
        this.freeHeads = new long[(maxBlock >>> 3) + 1];
        long cap = Long.highestOneBit(Math.max(MIN_CAPACITY, (long) (config.expectedEntries() / 0.7) + 1) * 2 - 1);
        this.initialCapacity = (int) Math.min(MAX_CAPACITY, cap);
        allocateIndex(initialCapacity);
    }

    private static int blockSize(int valueLength) {
        return (4 + valueLength + 7) & ~7;
    }

    private void allocateIndex(int newCapacity) {
        indexMemory = ByteBuffer.allocateDirect(newCapacity * SLOT);
        index.wrap(indexMemory);
        capacity = newCapacity;
        mask = newCapacity - 1;
        resizeAt = (int) (newCapacity * 0.7);
    }

    private static int hash(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The slot of {@code key}, or {@code -1 - slot} of the empty slot where it would go. */
    private int find(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            int at = i * SLOT;
            if (index.getLong(at + 8) == 0) {
                return -1 - i;
            }
            if (index.getLong(at) == key) {
                return i;
            }
        }
    }

    private UnsafeBuffer chunk(long ref) {
        return chunks[(int) (ref >>> 32) - 1];
    }

    private static int offset(long ref) {
        return (int) ref;
    }

    private long allocate(int block) {
        int c = block >>> 3;
        long ref = freeHeads[c];
        if (ref != 0) {
            freeHeads[c] = chunk(ref).getLong(offset(ref));
        } else {
            if (chunkCount == 0 || bump + block > chunkSize) {
                newChunk();
            }
            ref = (long) chunkCount << 32 | bump;
            bump += block;
        }
        liveBlockBytes += block;
        return ref;
    }

    private void free(long ref, int block) {
        int c = block >>> 3;
        chunk(ref).putLong(offset(ref), freeHeads[c]);
        freeHeads[c] = ref;
        liveBlockBytes -= block;
    }

    private void newChunk() {
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
            chunkMemory = Arrays.copyOf(chunkMemory, chunkCount * 2);
        }
        ByteBuffer m = ByteBuffer.allocateDirect(chunkSize);
        chunkMemory[chunkCount] = m;
        chunks[chunkCount] = new UnsafeBuffer(m);
        chunkCount++;
        bump = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + name + " is closed");
        }
    }

    @Override
    public boolean put(long key, DirectBuffer value, int offset, int length) {
        checkOpen();
        if (length < 0 || length > maxValueLength) {
            throw new IllegalArgumentException("store " + name + ": a value of " + length + " bytes (at most "
                    + maxValueLength + ")");
        }
        int block = blockSize(length);
        int s = find(key);
        if (s >= 0) {
            int at = s * SLOT + 8;
            long ref = index.getLong(at);
            UnsafeBuffer ch = chunk(ref);
            int oldBlock = blockSize(ch.getInt(offset(ref)));
            if (oldBlock != block) {
                long fresh = allocate(block);
                write(fresh, value, offset, length);
                index.putLong(at, fresh);
                free(ref, oldBlock);
            } else {
                write(ref, value, offset, length);
            }
            if (listener != null) {
                listener.onChange(key, false);
            }
            return false;
        }
        if (size >= resizeAt) {
            grow();
            s = find(key);
        }
        int slot = -1 - s;
        long ref = allocate(block);
        write(ref, value, offset, length);
        index.putLong(slot * SLOT, key);
        index.putLong(slot * SLOT + 8, ref);
        size++;
        if (listener != null) {
            listener.onChange(key, false);
        }
        return true;
    }

    private void write(long ref, DirectBuffer value, int offset, int length) {
        UnsafeBuffer ch = chunk(ref);
        int at = offset(ref);
        ch.putInt(at, length);
        ch.putBytes(at + 4, value, offset, length);
    }

    private void grow() {
        if (capacity >= MAX_CAPACITY) {
            throw new IllegalStateException("store " + name + " is full (" + size + " keys)");
        }
        ByteBuffer oldMemory = indexMemory;
        UnsafeBuffer old = new UnsafeBuffer(oldMemory);
        int oldCapacity = capacity;
        allocateIndex(capacity * 2);
        for (int i = 0; i < oldCapacity; i++) {
            long ref = old.getLong(i * SLOT + 8);
            if (ref != 0) {
                long key = old.getLong(i * SLOT);
                int slot = -1 - find(key);
                index.putLong(slot * SLOT, key);
                index.putLong(slot * SLOT + 8, ref);
            }
        }
        BufferUtil.free(oldMemory);
    }

    @Override
    public int get(long key, MutableDirectBuffer dst, int dstOffset) {
        checkOpen();
        int s = find(key);
        if (s < 0) {
            return -1;
        }
        long ref = index.getLong(s * SLOT + 8);
        UnsafeBuffer ch = chunk(ref);
        int at = offset(ref);
        int length = ch.getInt(at);
        dst.putBytes(dstOffset, ch, at + 4, length);
        return length;
    }

    @Override
    public boolean containsKey(long key) {
        checkOpen();
        return find(key) >= 0;
    }

    @Override
    public boolean remove(long key) {
        checkOpen();
        int s = find(key);
        if (s < 0) {
            return false;
        }
        long ref = index.getLong(s * SLOT + 8);
        free(ref, blockSize(chunk(ref).getInt(offset(ref))));
        deleteSlot(s);
        size--;
        if (listener != null) {
            listener.onChange(key, true);
        }
        return true;
    }

    /** Backward-shift deletion: later members of the probe run move into the hole when their home allows. */
    private void deleteSlot(int i) {
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long ref = index.getLong(j * SLOT + 8);
            if (ref == 0) {
                break;
            }
            long key = index.getLong(j * SLOT);
            int home = hash(key) & mask;
            boolean movable = j > i ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                index.putLong(i * SLOT, key);
                index.putLong(i * SLOT + 8, ref);
                i = j;
            }
        }
        index.putLong(i * SLOT, 0);
        index.putLong(i * SLOT + 8, 0);
    }

    @Override
    public void forEach(EntryVisitor visitor) {
        checkOpen();
        for (int i = 0; i < capacity; i++) {
            long ref = index.getLong(i * SLOT + 8);
            if (ref != 0) {
                UnsafeBuffer ch = chunk(ref);
                int at = offset(ref);
                visitor.accept(index.getLong(i * SLOT), ch, at + 4, ch.getInt(at));
            }
        }
    }

    @Override
    public void clear() {
        checkOpen();
        if (listener != null) {
            for (int i = 0; i < capacity; i++) {
                if (index.getLong(i * SLOT + 8) != 0) {
                    listener.onChange(index.getLong(i * SLOT), true);
                }
            }
        }
        freeMemory();
        allocateIndex(initialCapacity);
        size = 0;
    }

    private void freeMemory() {
        BufferUtil.free(indexMemory);
        indexMemory = null;
        index.wrap(0, 0);
        for (int c = 0; c < chunkCount; c++) {
            BufferUtil.free(chunkMemory[c]);
            chunkMemory[c] = null;
            chunks[c] = null;
        }
        chunkCount = 0;
        bump = 0;
        Arrays.fill(freeHeads, 0);
        liveBlockBytes = 0;
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
        return size;
    }

    @Override
    public long offHeapBytes() {
        return (long) capacity * SLOT + (long) chunkCount * chunkSize;
    }

    /** Bytes of the value blocks in use (lengths and values, rounded to 8). */
    public long liveValueBytes() {
        return liveBlockBytes;
    }

    /** Index slots (a power of two). */
    public int capacity() {
        return capacity;
    }

    @Override
    public void changeListener(ChangeListener l) {
        listener = l;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            freeMemory();
        }
    }

    @Override
    public String toString() {
        return "OffHeapStore " + name + ": " + size + " keys, " + offHeapBytes() + " bytes off-heap";
    }
}
