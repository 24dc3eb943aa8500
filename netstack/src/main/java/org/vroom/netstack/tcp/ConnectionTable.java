package org.vroom.netstack.tcp;

/**
 * Demultiplexing of segments to connections by their 4-tuple: an open-addressing hash table with linear
 * probing and backward-shift deletion, keyed by (local address, remote address, local port, remote port)
 * without boxing. Lookups allocate nothing.
 */
final class ConnectionTable {
    private long[] addresses;
    private int[] ports;
    private Tcb[] values;
    private int mask;
    private int size;

    ConnectionTable() {
        allocate(64);
    }

    private void allocate(int capacity) {
        addresses = new long[capacity];
        ports = new int[capacity];
        values = new Tcb[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    static long addresses(int localAddress, int remoteAddress) {
        return ((long) localAddress << 32) | (remoteAddress & 0xFFFF_FFFFL);
    }

    static int ports(int localPort, int remotePort) {
        return (localPort << 16) | (remotePort & 0xFFFF);
    }

    private static int hash(long a, int p) {
        long h = a * 0x9E3779B97F4A7C15L ^ (p * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    Tcb get(int localAddress, int localPort, int remoteAddress, int remotePort) {
        long a = addresses(localAddress, remoteAddress);
        int p = ports(localPort, remotePort);
        for (int i = hash(a, p) & mask; ; i = (i + 1) & mask) {
            Tcb t = values[i];
            if (t == null) {
                return null;
            }
            if (addresses[i] == a && ports[i] == p) {
                return t;
            }
        }
    }

    /** Adds {@code t} under its 4-tuple; the tuple must be free. */
    void put(Tcb t) {
        if ((size + 1) * 2 > values.length) {
            grow();
        }
        insert(t);
        size++;
    }

    private void insert(Tcb t) {
        long a = addresses(t.localAddress, t.remoteAddress);
        int p = ports(t.localPort, t.remotePort);
        int i = hash(a, p) & mask;
        while (values[i] != null) {
            if (addresses[i] == a && ports[i] == p) {
                throw new IllegalStateException("4-tuple in use: " + t);
            }
            i = (i + 1) & mask;
        }
        addresses[i] = a;
        ports[i] = p;
        values[i] = t;
    }

    private void grow() {
        Tcb[] old = values;
        allocate(old.length * 2);
        for (Tcb t : old) {
            if (t != null) {
                insert(t);
            }
        }
    }

    /** Removes {@code t} if present under its tuple. */
    boolean remove(Tcb t) {
        long a = addresses(t.localAddress, t.remoteAddress);
        int p = ports(t.localPort, t.remotePort);
        int i = hash(a, p) & mask;
        while (values[i] != null) {
            if (values[i] == t) {
                deleteAt(i);
                size--;
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private void deleteAt(int hole) {
        values[hole] = null;
        int i = (hole + 1) & mask;
        while (values[i] != null) {
            int home = hash(addresses[i], ports[i]) & mask;
            // move entry i into the hole if its home is not in (hole, i]
            boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!between) {
                addresses[hole] = addresses[i];
                ports[hole] = ports[i];
                values[hole] = values[i];
                values[i] = null;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    void clear() {
        allocate(64);
        size = 0;
    }
}
