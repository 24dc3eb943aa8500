package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32;

/**
 * The receive buffer of a connection: an off-heap ring holding the in-order bytes the application has
 * not consumed, followed by the window. Out-of-order data is written straight into its place in the
 * window (the byte with sequence number {@code s} lives {@code s - RCV.NXT} bytes after the readable
 * ones), and a short sorted list of intervals remembers which parts of the window hold data; when the
 * hole before them fills, they become readable without a copy. The window never exceeds the free
 * space, so every accepted byte has its place. No allocation after construction.
 */
final class ReceiveRing {
    /** Most out-of-order intervals remembered; data that would need more is dropped (the peer resends it). */
    static final int MAX_INTERVALS = 32;

    private final UnsafeBuffer buffer;
    private final int capacity;
    private int head;
    private int readable;
    /** Out-of-order intervals [start, end) as sequence numbers, sorted, disjoint and not touching. */
    private final int[] starts = new int[MAX_INTERVALS];
    private final int[] ends = new int[MAX_INTERVALS];
    private int intervals;

    ReceiveRing(UnsafeBuffer buffer) {
        this.buffer = buffer;
        this.capacity = buffer.capacity();
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    int capacity() {
        return capacity;
    }

    int readable() {
        return readable;
    }

    /** Space not taken by readable bytes: the most the window can offer. */
    int free() {
        return capacity - readable;
    }

    int intervals() {
        return intervals;
    }

    int intervalStart(int i) {
        return starts[i];
    }

    int intervalEnd(int i) {
        return ends[i];
    }

    /**
     * Writes {@code src[offset, offset + length)} at {@code distance} bytes past the readable ones
     * (distance 0: in order). The caller has trimmed it to the window.
     */
    void write(int distance, DirectBuffer src, int offset, int length) {
        int at = index(readable + distance);
        int first = Math.min(length, capacity - at);
        buffer.putBytes(at, src, offset, first);
        if (length > first) {
            buffer.putBytes(0, src, offset + first, length - first);
        }
    }

    /** In-order bytes written at distance 0 become readable. */
    void commit(int n) {
        readable += n;
    }

    /** The application consumed {@code n} bytes from the front. */
    void consume(int n) {
        head = index(n);
        readable -= n;
        if (readable == 0 && intervals == 0) {
            head = 0;
        }
    }

    /**
     * Remembers that {@code [start, end)} of the window holds data. Returns false (and remembers
     * nothing) when that would need more than {@link #MAX_INTERVALS} intervals.
     */
    boolean addInterval(int start, int end) {
        int i = 0;
        while (i < intervals && Seq.lt(ends[i], start)) {
            i++;
        }
        // intervals i.. may touch or overlap [start, end)
        int j = i;
        int s = start;
        int e = end;
        while (j < intervals && Seq.le(starts[j], e)) {
            s = Seq.min(s, starts[j]);
            e = Seq.max(e, ends[j]);
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (intervals == MAX_INTERVALS) {
                return false;
            }
            System.arraycopy(starts, i, starts, i + 1, intervals - i);
            System.arraycopy(ends, i, ends, i + 1, intervals - i);
            intervals++;
        } else if (merged > 1) {
            System.arraycopy(starts, j, starts, i + 1, intervals - j);
            System.arraycopy(ends, j, ends, i + 1, intervals - j);
            intervals -= merged - 1;
        }
        starts[i] = s;
        ends[i] = e;
        return true;
    }

    /**
     * After RCV.NXT moved to {@code rcvNxt}: makes the out-of-order data now adjacent readable and
     * forgets intervals below it. Returns the new RCV.NXT.
     */
    int pullInOrder(int rcvNxt) {
        int next = rcvNxt;
        int drop = 0;
        while (drop < intervals && Seq.le(starts[drop], next)) {
            if (Seq.gt(ends[drop], next)) {
                readable += ends[drop] - next;
                next = ends[drop];
            }
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(starts, drop, starts, 0, intervals - drop);
            System.arraycopy(ends, drop, ends, 0, intervals - drop);
            intervals -= drop;
        }
        return next;
    }

    /** Whether the readable bytes wrap around the end of the ring. */
    boolean wraps() {
        return head + readable > capacity;
    }

    int head() {
        return head;
    }

    /** Copies the readable bytes, in order, to {@code dst}. */
    void copyReadable(MutableDirectBuffer dst, int dstOffset) {
        copy(0, readable, dst, dstOffset);
    }

    /** Copies {@code length} bytes at {@code distance} from the front (readable or window) to {@code dst}. */
    void copy(int distance, int length, MutableDirectBuffer dst, int dstOffset) {
        int start = index(distance);
        int first = Math.min(length, capacity - start);
        dst.putBytes(dstOffset, buffer, start, first);
        if (length > first) {
            dst.putBytes(dstOffset + first, buffer, 0, length - first);
        }
    }

    /** Forgets everything (restore). */
    void reset() {
        head = 0;
        readable = 0;
        intervals = 0;
    }

    /** CRC of the readable bytes and of the data in each interval (for state comparison in tests). */
    long crc(int rcvNxt) {
        CRC32 crc = new CRC32();
        byte[] one = new byte[1];
        UnsafeBuffer b = new UnsafeBuffer(one);
        for (int i = 0; i < readable; i++) {
            copy(i, 1, b, 0);
            crc.update(one[0]);
        }
        for (int k = 0; k < intervals; k++) {
            int from = readable + (starts[k] - rcvNxt);
            for (int i = 0; i < ends[k] - starts[k]; i++) {
                copy(from + i, 1, b, 0);
                crc.update(one[0]);
            }
        }
        return crc.getValue();
    }

    private int index(int from) {
        long i = (long) head + from;
        return (int) (i % capacity);
    }
}
