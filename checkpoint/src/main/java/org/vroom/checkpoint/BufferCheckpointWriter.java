package org.vroom.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A {@link CheckpointWriter} appending to an Agrona {@link ExpandableDirectByteBuffer} (off-heap, grows
 * by itself): big-endian fixed-width values, unsigned LEB128 var ints, strings encoded to UTF-8 in place.
 * Nothing is allocated per value; the buffer grows geometrically, so after the first image of a given
 * size writing the next ones allocates nothing at all.
 *
 * <p>{@link Checkpointer} owns one and frames the sections around what the parts write; tests and tools
 * can use one alone (and read it back with {@link BufferCheckpointReader}).
 *
 * <p>Threads: one thread at a time (the VR loop).
 */
public final class BufferCheckpointWriter implements CheckpointWriter {
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    private final ExpandableDirectByteBuffer buffer;
    private int position;

    /** A writer over a new buffer of {@code initialCapacity} bytes. */
    public BufferCheckpointWriter(int initialCapacity) {
        this(new ExpandableDirectByteBuffer(Math.max(64, initialCapacity)));
    }

    /** A writer appending to {@code buffer} from offset 0. */
    public BufferCheckpointWriter(ExpandableDirectByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** The buffer written so far: bytes {@code [0, position())}. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Forgets everything written (keeps the memory). */
    public BufferCheckpointWriter reset() {
        position = 0;
        return this;
    }

    /** Moves the write position (to reserve room and come back, or to drop what followed). */
    public void position(int newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("position " + newPosition);
        }
        position = newPosition;
    }

    /** Bytes written, as an int (a single image stays below 2 GiB). */
    public int length() {
        return position;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public CheckpointWriter putByte(int value) {
        buffer.putByte(position, (byte) value);
        position++;
        return this;
    }

    @Override
    public CheckpointWriter putBoolean(boolean value) {
        return putByte(value ? 1 : 0);
    }

    /** A big-endian 16-bit value (for the container's own fields). */
    public CheckpointWriter putShort(int value) {
        buffer.putShort(position, (short) value, ORDER);
        position += 2;
        return this;
    }

    @Override
    public CheckpointWriter putInt(int value) {
        buffer.putInt(position, value, ORDER);
        position += 4;
        return this;
    }

    @Override
    public CheckpointWriter putLong(long value) {
        buffer.putLong(position, value, ORDER);
        position += 8;
        return this;
    }

    @Override
    public CheckpointWriter putVarLong(long value) {
        buffer.checkLimit(position + 10);
        int p = position;
        while ((value & ~0x7FL) != 0) {
            buffer.putByte(p++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buffer.putByte(p++, (byte) value);
        position = p;
        return this;
    }

    @Override
    public CheckpointWriter putVarInt(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("var int " + value + " is negative (use putInt or putVarLong)");
        }
        if (value < 0x80) {
            buffer.putByte(position++, (byte) value);
            return this;
        }
        return putVarLong(value);
    }

    @Override
    public CheckpointWriter putString(String value) {
        if (value == null) {
            return putByte(0);
        }
        int n = value.length();
        int utf8 = utf8Length(value, n);
        putVarInt(utf8 + 1);
        buffer.checkLimit(position + utf8);
        int p = position;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                buffer.putByte(p++, (byte) c);
            } else if (c < 0x800) {
                buffer.putByte(p++, (byte) (0xC0 | c >> 6));
                buffer.putByte(p++, (byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                buffer.putByte(p++, (byte) (0xF0 | cp >> 18));
                buffer.putByte(p++, (byte) (0x80 | cp >> 12 & 0x3F));
                buffer.putByte(p++, (byte) (0x80 | cp >> 6 & 0x3F));
                buffer.putByte(p++, (byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                buffer.putByte(p++, (byte) '?');
            } else {
                buffer.putByte(p++, (byte) (0xE0 | c >> 12));
                buffer.putByte(p++, (byte) (0x80 | c >> 6 & 0x3F));
                buffer.putByte(p++, (byte) (0x80 | c & 0x3F));
            }
        }
        position = p;
        return this;
    }

    /** Bytes of {@code s[0..n)} in UTF-8 as {@link #putString} writes it. */
    static int utf8Length(String s, int n) {
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public CheckpointWriter putBytes(byte[] src, int offset, int length) {
        putVarInt(length);
        buffer.putBytes(position, src, offset, length);
        position += length;
        return this;
    }

    @Override
    public CheckpointWriter putBytes(DirectBuffer src, int offset, int length) {
        putVarInt(length);
        buffer.putBytes(position, src, offset, length);
        position += length;
        return this;
    }

    /** Raw bytes without a length prefix (the container's own fields). */
    public void putRaw(DirectBuffer src, int offset, int length) {
        buffer.putBytes(position, src, offset, length);
        position += length;
    }
}
