package org.vroom.checkpoint;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/** A test part: long → string with dirty tracking, the shape of a real part in a few lines. */
class MapPart implements Checkpointable {
    final String name;
    final int version;
    final TreeMap<Long, String> map = new TreeMap<>();
    final Set<Long> dirty = new HashSet<>();

    MapPart(String name) {
        this(name, 1);
    }

    MapPart(String name, int version) {
        this.name = name;
        this.version = version;
    }

    void put(long key, String value) {
        map.put(key, value);
        dirty.add(key);
    }

    void remove(long key) {
        map.remove(key);
        dirty.add(key);
    }

    @Override
    public String partName() {
        return name;
    }

    @Override
    public int partVersion() {
        return version;
    }

    @Override
    public void writeSnapshot(CheckpointWriter out) {
        out.putVarInt(map.size());
        map.forEach((k, v) -> out.putLong(k).putString(v));
        dirty.clear();
    }

    @Override
    public void writeDelta(CheckpointWriter out) {
        out.putVarInt(dirty.size());
        for (long k : dirty) {
            out.putLong(k).putString(map.get(k));
        }
        dirty.clear();
    }

    @Override
    public void restoreSnapshot(CheckpointReader in, int version) {
        map.clear();
        int n = in.getVarInt();
        for (int i = 0; i < n; i++) {
            long k = in.getLong();
            String v = in.getString();
            if (v == null) {
                throw in.formatError("a snapshot entry without a value");
            }
            map.put(k, v);
        }
    }

    @Override
    public void applyDelta(CheckpointReader in, int version) {
        int n = in.getVarInt();
        for (int i = 0; i < n; i++) {
            long k = in.getLong();
            String v = in.getString();
            if (v == null) {
                map.remove(k);
            } else {
                map.put(k, v);
            }
        }
    }
}
