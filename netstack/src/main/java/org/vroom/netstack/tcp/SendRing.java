package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32;

/**
 * The send buffer of a connection: an off-heap ring holding the bytes from SND.UNA on (sent and not
 * acknowledged, then not yet sent). The application appends; acknowledgments drop from the front;
 * segments copy out of it at any offset. No allocation after construction.
 */
final class SendRing {
    private final UnsafeBuffer buffer;
    private final int capacity;
    private int head;
    private int size;

    SendRing(UnsafeBuffer buffer) {
        this.buffer = buffer;
        this.capacity = buffer.capacity();
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    int free() {
        return capacity - size;
    }

    /** Appends as much of {@code src[offset, offset + length)} as fits; returns how much. */
    int append(DirectBuffer src, int offset, int length) {
        int n = Math.min(length, capacity - size);
        if (n <= 0) {
            return 0;
        }
        int tail = index(size);
        int first = Math.min(n, capacity - tail);
        buffer.putBytes(tail, src, offset, first);
        if (n > first) {
            buffer.putBytes(0, src, offset + first, n - first);
        }
        size += n;
        return n;
    }

    /** Forgets {@code n} bytes from the front (acknowledged). */
    void drop(int n) {
        if (n < 0 || n > size) {
            throw new IllegalArgumentException("drop " + n + " of " + size);
        }
        head = index(n);
        size -= n;
        if (size == 0) {
            head = 0;
        }
    }

    /** Copies {@code length} bytes starting {@code from} bytes after the front into {@code dst}. */
    void copyOut(int from, MutableDirectBuffer dst, int dstOffset, int length) {
        int start = index(from);
        int first = Math.min(length, capacity - start);
        dst.putBytes(dstOffset, buffer, start, first);
        if (length > first) {
            dst.putBytes(dstOffset + first, buffer, 0, length - first);
        }
    }

    /** The stored bytes as at most two ranges, for checkpoints: {@code [start, len)} pairs via the consumer. */
    void forEachRange(RangeConsumer consumer) {
        int first = Math.min(size, capacity - head);
        consumer.accept(buffer, head, first);
        consumer.accept(buffer, 0, size - first);
    }

    /** Replaces the content (restore). */
    void reset() {
        head = 0;
        size = 0;
    }

    long crc() {
        CRC32 crc = new CRC32();
        forEachRange((b, o, l) -> {
            for (int i = 0; i < l; i++) {
                crc.update(b.getByte(o + i));
            }
        });
        return crc.getValue();
    }

    private int index(int from) {
        int i = head + from;
        return i >= capacity ? i - capacity : i;
    }

    @FunctionalInterface
    interface RangeConsumer {
        void accept(DirectBuffer buffer, int offset, int length);
    }
}
