package org.vroom.packetio;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A preallocated batch of received frames: parallel arrays of native addresses and lengths filled by
 * {@link PacketPort#receive(RxBatch)}. A frame stays readable and writable in place until the port's
 * next {@code release()} or {@code receive()}. One batch belongs to one thread; reusing it allocates
 * nothing.
 */
public final class RxBatch {
    /**
     * The frame's layer-4 checksum is not filled in yet: the sender (typically a kernel stack on the
     * far end of a veth, through checksum offload) left only the pseudo-header sum in the field. A
     * forwarder must complete it before the frame reaches anything that verifies it.
     */
    public static final int FLAG_CHECKSUM_PARTIAL = 1;
    /** The kernel or the NIC already verified the frame's layer-4 checksum. */
    public static final int FLAG_CHECKSUM_VERIFIED = 1 << 1;
    /** The kernel had stripped the frame's 802.1Q tag; the port wrote it back in place. */
    public static final int FLAG_VLAN_RESTORED = 1 << 2;

    private final long[] addresses;
    private final int[] lengths;
    private final int[] flags;
    private int count;

    public RxBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        addresses = new long[capacity];
        lengths = new int[capacity];
        flags = new int[capacity];
    }

    public int capacity() {
        return addresses.length;
    }

    /** Frames in the batch after the last {@code receive}. */
    public int count() {
        return count;
    }

    public boolean isFull() {
        return count == addresses.length;
    }

    /** Native address of frame {@code i} (its first byte is the destination MAC). */
    public long address(int i) {
        return addresses[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** {@code FLAG_*} bits of frame {@code i}. */
    public int flags(int i) {
        return flags[i];
    }

    /**
     * Points {@code view} at frame {@code i} and returns it, for flyweight codecs.
     *
     * @return {@code view}
     */
    public UnsafeBuffer wrap(int i, UnsafeBuffer view) {
        view.wrap(addresses[i], lengths[i]);
        return view;
    }

    /** For {@link PacketPort} implementations: empties the batch. */
    public void clear() {
        count = 0;
    }

    /** For {@link PacketPort} implementations: appends a frame; the caller checks {@link #isFull()}. */
    public void add(long address, int length) {
        add(address, length, 0);
    }

    /** For {@link PacketPort} implementations: appends a frame with {@code FLAG_*} bits. */
    public void add(long address, int length, int frameFlags) {
        addresses[count] = address;
        lengths[count] = length;
        flags[count] = frameFlags;
        count++;
    }
}
