package org.vroom.kernel.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The next hops a VR's FIB entries point to: FIB next-hop index = adjacency index.
 *
 * <p>An adjacency has a kind ({@link #FORWARD}, {@link #LOCAL}, {@link #DROP}, {@link #REJECT},
 * {@link #GLEAN}), an outgoing virtual interface and a next-hop address, all fixed when it is created,
 * and a destination MAC that ARP resolution writes in place (0 = unresolved). So a route never waits
 * for ARP: it is installed at once, and packets towards an unresolved adjacency are punted to the VR's
 * control plane, which resolves and queues them.
 *
 * <p>Threads: the VR's control plane is the only writer; forwarding workers read. The arrays are
 * replaced (copied larger) only when full; a worker still holding the old arrays may read a stale MAC
 * for one batch, which at worst punts a packet that the control plane then sends itself.
 */
public final class AdjacencyTable {
    public static final int FORWARD = 1;
    public static final int LOCAL = 2;
    public static final int DROP = 3;
    public static final int REJECT = 4;
    /** A connected subnet: the destination itself is the next hop and must be resolved first. */
    public static final int GLEAN = 5;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** Published together so a reader sees consistent arrays. */
    public static final class Arrays3 {
        final long[] mac;
        final int[] meta;
        final int[] nextHop;

        Arrays3(int capacity) {
            mac = new long[capacity];
            meta = new int[capacity];
            nextHop = new int[capacity];
        }

        public int kind(int i) {
            return meta[i] >>> 24;
        }

        public int vif(int i) {
            return meta[i] & 0xFFFF;
        }

        public int nextHop(int i) {
            return nextHop[i];
        }

        public long mac(int i) {
            return (long) LONGS.getOpaque(mac, i);
        }
    }

    private volatile Arrays3 arrays;
    private int size;

    public AdjacencyTable(int initialCapacity) {
        arrays = new Arrays3(Math.max(4, initialCapacity));
    }

    /** For readers: the current arrays (read once per batch). */
    public Arrays3 arrays() {
        return arrays;
    }

    /** Creates an adjacency; returns its index (the FIB next hop). Writer only. */
    public int add(int kind, int vif, int nextHop) {
        Arrays3 a = arrays;
        if (size == a.meta.length) {
            Arrays3 b = new Arrays3(size * 2);
            System.arraycopy(a.mac, 0, b.mac, 0, size);
            System.arraycopy(a.meta, 0, b.meta, 0, size);
            System.arraycopy(a.nextHop, 0, b.nextHop, 0, size);
            a = b;
        }
        a.meta[size] = kind << 24 | (vif & 0xFFFF);
        a.nextHop[size] = nextHop;
        a.mac[size] = 0;
        arrays = a; // volatile publish (also of a freshly grown copy)
        return size++;
    }

    /**
     * Rewrites adjacency {@code i} (an index returned by {@link #add} earlier) as a new one, unresolved;
     * returns {@code i}. Writer only, and only for an index that no reader can still hold: no FIB entry
     * points at it and a grace period of the FIB's reclamation domain has passed since the last one
     * was removed. Publishes like {@link #add}.
     */
    public int reuse(int i, int kind, int vif, int nextHop) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("adjacency " + i + " of " + size);
        }
        Arrays3 a = arrays;
        a.meta[i] = kind << 24 | (vif & 0xFFFF);
        a.nextHop[i] = nextHop;
        LONGS.setRelease(a.mac, i, 0L);
        arrays = a; // volatile publish, as in add()
        return i;
    }

    /** Sets the resolved MAC of adjacency {@code i} (0 = unresolved again). Writer only. */
    public void resolve(int i, long mac) {
        LONGS.setRelease(arrays.mac, i, mac);
    }

    public int size() {
        return size;
    }

    public int kind(int i) {
        return arrays.kind(i);
    }

    public int vif(int i) {
        return arrays.vif(i);
    }

    public int nextHop(int i) {
        return arrays.nextHop(i);
    }

    public long mac(int i) {
        return arrays.mac(i);
    }

    public static String kindName(int kind) {
        return switch (kind) {
            case FORWARD -> "forward";
            case LOCAL -> "local";
            case DROP -> "drop";
            case REJECT -> "reject";
            case GLEAN -> "glean";
            default -> "unknown(" + kind + ")";
        };
    }

    @Override
    public String toString() {
        return "AdjacencyTable" + Arrays.toString(java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> kindName(kind(i)) + "/" + vif(i)).toArray());
    }
}
