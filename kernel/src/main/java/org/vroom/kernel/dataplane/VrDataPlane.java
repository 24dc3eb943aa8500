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
 * punt ring. Workers police what they punt per VR ({@link #puntPolicer(int, int)}), so a flood of one VR
 * cannot monopolise the control thread all VRs share.
 */
public final class VrDataPlane implements AutoCloseable {
    /** Default punt ring capacity in bytes (a power of two): about 120 full-size frames. */
    public static final int DEFAULT_PUNT_CAPACITY = 256 * 1024;
    /**
     * Default punt policer rate: frames per second each forwarding worker may punt to this VR's control
     * plane (ARP, ICMP echo, routing protocols, packets waiting for ARP). Far more than a VR's own control
     * traffic needs, far less than a flood: a flood of one VR's addresses then costs the shared control
     * thread a bounded share of its time, and the excess is dropped and counted as
     * {@link org.vroom.kernel.stats.VrCounter#PUNT_POLICED} in that VR's counters.
     */
    public static final int DEFAULT_PUNT_RATE = 10_000;
    /** Default punt policer burst: frames that may be punted at once after a quiet period. */
    public static final int DEFAULT_PUNT_BURST = 1_000;

    public final int id;
    public final String name;
    /** Index of this VR in the node's tables (worker tallies, rate limiters). */
    public final int slot;
    public final Ipv4Fib fib;
    public final AdjacencyTable adjacencies;
    public final ManyToOneRingBuffer punt;
    public final Stats stats;
    private volatile Vif[] vifs;
    /** The punt policer: rate in the high 32 bits, burst in the low 32 (one volatile read per punt). */
    private volatile long puntPolicer;

    /** A VR with the default punt policer ({@link #DEFAULT_PUNT_RATE}, {@link #DEFAULT_PUNT_BURST}). */
    public VrDataPlane(int id, String name, int slot, Ipv4Fib fib, Vif[] vifs, int puntCapacity, Stats stats) {
        this(id, name, slot, fib, vifs, puntCapacity, stats, DEFAULT_PUNT_RATE, DEFAULT_PUNT_BURST);
    }

    /**
     * @param puntRate  frames per second each worker may punt to this VR (see {@link #puntPolicer(int, int)})
     * @param puntBurst frames that may be punted at once
     */
    public VrDataPlane(int id, String name, int slot, Ipv4Fib fib, Vif[] vifs, int puntCapacity, Stats stats,
                       int puntRate, int puntBurst) {
        puntPolicer(puntRate, puntBurst);
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

    /**
     * Sets the punt policer: at most {@code ratePerSecond} frames per second, {@code burst} at once, punted
     * to this VR by each forwarding worker (with several workers serving the VR the limits add up). Any
     * thread; workers apply it from their next punt for this VR.
     *
     * @throws IllegalArgumentException unless both are positive
     */
    public void puntPolicer(int ratePerSecond, int burst) {
        if (ratePerSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("punt policer rate and burst must be positive: " + ratePerSecond
                    + "/s, burst " + burst);
        }
        puntPolicer = (long) ratePerSecond << 32 | burst;
    }

    /** The punt policer as {@code rate << 32 | burst}: workers compare it with what they built their bucket from. */
    public long puntPolicer() {
        return puntPolicer;
    }

    /** Punt policer rate: frames per second per worker. */
    public int puntRate() {
        return (int) (puntPolicer >>> 32);
    }

    /** Punt policer burst. */
    public int puntBurst() {
        return (int) puntPolicer;
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
