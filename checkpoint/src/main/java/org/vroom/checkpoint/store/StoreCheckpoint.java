package org.vroom.checkpoint.store;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;
import org.vroom.checkpoint.Checkpointable;

/**
 * A {@link StateStore} as a checkpoint part: the snapshot writes every entry, a delta every key changed
 * since the previous round (its current value, or its removal), from a {@link DirtyKeys} set attached as
 * the store's change listener. Protocols with a large table (BGP Adj-RIB-In) use it as their table's part
 * or write through it from their own part.
 *
 * <p>Payload (version 1): snapshot {@code varint n, n × (u64 key, bytes value)}; delta
 * {@code varint n, n × (u64 key, u8 present, [bytes value])}.
 *
 * <p>Threads: the VR loop.
 */
public final class StoreCheckpoint implements Checkpointable {
    public static final int VERSION = 1;

    private final String partName;
    private final StateStore store;
    private final DirtyKeys dirty = new DirtyKeys();
    private final ExpandableDirectByteBuffer scratch;
    private CheckpointWriter out;
    private long written;

    /** Attaches to {@code store} as its change listener. */
    public StoreCheckpoint(String partName, StateStore store) {
        this.partName = partName;
        this.store = store;
        this.scratch = new ExpandableDirectByteBuffer(Math.max(64, store.maxValueLength()));
        store.changeListener(dirty);
    }

    public StateStore store() {
        return store;
    }

    /** Keys changed since the last image. */
    public int dirtyCount() {
        return dirty.size();
    }

    @Override
    public String partName() {
        return partName;
    }

    @Override
    public int partVersion() {
        return VERSION;
    }

    @Override
    public void writeSnapshot(CheckpointWriter w) {
        long n = store.size();
        w.putVarLong(n);
        out = w;
        written = 0;
        store.forEach(this::writeEntry);
        out = null;
        if (written != n) {
            throw new IllegalStateException("store " + store.name() + " changed while writing its snapshot (" + written
                    + " entries, " + n + " expected)");
        }
        dirty.clear();
    }

    private void writeEntry(long key, DirectBuffer value, int offset, int length) {
        out.putLong(key).putBytes(value, offset, length);
        written++;
    }

    @Override
    public void writeDelta(CheckpointWriter w) {
        w.putVarInt(dirty.size());
        out = w;
        dirty.forEach(this::writeDirty);
        out = null;
        dirty.clear();
    }

    private void writeDirty(long key) {
        int length = store.get(key, scratch, 0);
        out.putLong(key);
        if (length < 0) {
            out.putBoolean(false);
        } else {
            out.putBoolean(true).putBytes(scratch, 0, length);
        }
    }

    @Override
    public void restoreSnapshot(CheckpointReader in, int version) {
        store.clear();
        long n = in.getVarLong();
        if (n < 0 || n > in.remaining() / 9) {
            throw in.formatError("snapshot of " + Long.toUnsignedString(n) + " entries in " + in.remaining() + " bytes");
        }
        for (long i = 0; i < n; i++) {
            long key = in.getLong();
            putFrom(in, key);
        }
        dirty.clear();
    }

    @Override
    public void applyDelta(CheckpointReader in, int version) {
        int n = in.getVarInt();
        for (int i = 0; i < n; i++) {
            long key = in.getLong();
            if (in.getBoolean()) {
                putFrom(in, key);
            } else {
                store.remove(key);
            }
        }
        dirty.clear();
    }

    private void putFrom(CheckpointReader in, long key) {
        int length = in.getBytes(scratch, 0);
        if (length > store.maxValueLength()) {
            throw in.formatError("a value of " + length + " bytes for store " + store.name() + " (at most "
                    + store.maxValueLength() + ")");
        }
        store.put(key, scratch, 0, length);
    }
}
