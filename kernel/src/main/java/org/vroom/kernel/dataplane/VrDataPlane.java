package org.vroom.kernel.dataplane;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.vroom.fib.Ipv4Fib;

/**
 * What the substrate keeps of one virtual router: its FIB, its adjacencies, its interfaces, the punt
 * ring its control plane reads, and its counters. Nothing in here is shared with another VR.
 *
 * <p>Threads: workers read the FIB, the adjacencies and the interfaces and write the punt ring; the
 * VR's control plane is the single writer of the FIB and the adjacencies and the single reader of the
 * punt ring.
 */
public final class VrDataPlane implements AutoCloseable {
    /** Default punt ring capacity in bytes (a power of two): about 120 full-size frames. */
    public static final int DEFAULT_PUNT_CAPACITY = 256 * 1024;

    public final int id;
    public final String name;
    /** Index of this VR in the node's tables (worker tallies, rate limiters). */
    public final int slot;
    public final Ipv4Fib fib;
    public final AdjacencyTable adjacencies;
    public final ManyToOneRingBuffer punt;
    public final Stats stats;
    private volatile Vif[] vifs;

    public VrDataPlane(int id, String name, int slot, Ipv4Fib fib, Vif[] vifs, int puntCapacity, Stats stats) {
        this.id = id;
        this.name = name;
        this.slot = slot;
        this.fib = fib;
        this.vifs = vifs.clone();
        this.adjacencies = new AdjacencyTable(Math.max(16, vifs.length * 4));
        this.punt = new ManyToOneRingBuffer(new UnsafeBuffer(
                BufferUtil.allocateDirectAligned(puntCapacity + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.stats = stats;
    }

    public Vif vif(int index) {
        return vifs[index];
    }

    public Vif[] vifs() {
        return vifs;
    }

    /** Replaces one interface (for example after a rebind); workers see the new one from their next batch. */
    public void replaceVif(Vif vif) {
        Vif[] next = vifs.clone();
        next[vif.index] = vif;
        vifs = next;
    }

    /** The interface whose subnet holds {@code ip}, or null. */
    public Vif connectedVif(int ip) {
        Vif best = null;
        for (Vif v : vifs) {
            if (v.inSubnet(ip) && (best == null || v.prefixLength > best.prefixLength)) {
                best = v;
            }
        }
        return best;
    }

    /** Whether {@code ip} is one of this VR's own addresses. */
    public boolean isOwnAddress(int ip) {
        for (Vif v : vifs) {
            if (v.address == ip) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        fib.close();
        stats.close();
    }

    @Override
    public String toString() {
        return "VR " + name + " (id " + id + ")";
    }
}
