package org.vroom.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A {@link CheckpointReader} flyweight over one section of an image in any Agrona {@link DirectBuffer}
 * (off-heap or a byte array). Every read is bounds-checked against the end of the section; a read past
 * it, a var int longer than 10 bytes or out of range, a boolean other than 0 or 1, a string or byte range
 * longer than what is left or malformed UTF-8 throws {@link CheckpointFormatException} naming the part
 * and the position (counted from the start of the image), never an index exception.
 *
 * <p>Reading allocates only what the values themselves need (strings, byte arrays).
 *
 * <p>Threads: one thread at a time.
 */
public final class BufferCheckpointReader implements CheckpointReader {
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private int base;
    private int position;
    private int limit;
    private String partName = "?";
    private CharsetDecoder utf8;
    private byte[] scratch;

    /** Reads {@code buffer[start, limit)} as part {@code part}; positions are reported relative to {@code base}. */
    public BufferCheckpointReader wrap(DirectBuffer buffer, int base, int start, int limit, String part) {
        if (start < base || limit < start || limit > buffer.capacity()) {
            throw new IllegalArgumentException("bad range " + start + ".." + limit + " of " + buffer.capacity());
        }
        this.buffer = buffer;
        this.base = base;
        this.position = start;
        this.limit = limit;
        this.partName = part;
        return this;
    }

    /** Reads the whole of {@code buffer[offset, offset + length)} as part {@code part}. */
    public BufferCheckpointReader wrap(DirectBuffer buffer, int offset, int length, String part) {
        return wrap(buffer, offset, offset, offset + length, part);
    }

    /** Position of the next byte, relative to the start of the image. */
    public int position() {
        return position - base;
    }

    /** The part this reader reads. */
    public String partName() {
        return partName;
    }

    @Override
    public int remaining() {
        return limit - position;
    }

    @Override
    public CheckpointFormatException formatError(String message) {
        return new CheckpointFormatException("part '" + partName + "' at byte " + (position - base) + " of the image: "
                + message);
    }

    private void need(int n, String what) {
        if (n > limit - position) {
            throw formatError("truncated: " + what + " needs " + n + " bytes but " + (limit - position)
                    + " are left in the section");
        }
    }

    @Override
    public int getByte() {
        need(1, "a byte");
        return buffer.getByte(position++) & 0xFF;
    }

    @Override
    public boolean getBoolean() {
        need(1, "a boolean");
        int v = buffer.getByte(position) & 0xFF;
        if (v > 1) {
            throw formatError("boolean byte " + v + " is neither 0 nor 1");
        }
        position++;
        return v == 1;
    }

    /** A big-endian unsigned 16-bit value. */
    public int getShort() {
        need(2, "a short");
        int v = buffer.getShort(position, ORDER) & 0xFFFF;
        position += 2;
        return v;
    }

    @Override
    public int getInt() {
        need(4, "an int");
        int v = buffer.getInt(position, ORDER);
        position += 4;
        return v;
    }

    @Override
    public long getLong() {
        need(8, "a long");
        long v = buffer.getLong(position, ORDER);
        position += 8;
        return v;
    }

    @Override
    public long getVarLong() {
        long value = 0;
        int p = position;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= limit) {
                throw formatError("truncated: a var int runs past the end of the section");
            }
            int b = buffer.getByte(p++) & 0xFF;
            if (shift == 63 && b > 1) {
                throw formatError("var int overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                position = p;
                return value;
            }
        }
        throw formatError("var int longer than 10 bytes");
    }

    @Override
    public int getVarInt() {
        if (position < limit) {
            int b = buffer.getByte(position);
            if (b >= 0) {
                position++;
                return b;
            }
        }
        int start = position;
        long v = getVarLong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            position = start;
            throw formatError("var int " + Long.toUnsignedString(v) + " is out of range 0.." + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    @Override
    public String getString() {
        int start = position;
        int n = getVarInt();
        if (n == 0) {
            return null;
        }
        n--;
        if (n > remaining()) {
            position = start;
            throw formatError("truncated: a string of " + n + " bytes but " + (limit - position) + " are left");
        }
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (buffer.getByte(position + i) < 0) {
                ascii = false;
                break;
            }
        }
        String s;
        if (ascii) {
            s = buffer.getStringWithoutLengthAscii(position, n);
        } else {
            if (scratch == null || scratch.length < n) {
                scratch = new byte[Math.max(n, 64)];
            }
            buffer.getBytes(position, scratch, 0, n);
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(scratch, 0, n));
                s = chars.toString();
            } catch (CharacterCodingException e) {
                throw formatError("malformed UTF-8 in a string of " + n + " bytes");
            }
        }
        position += n;
        return s;
    }

    @Override
    public byte[] getBytes() {
        int start = position;
        int n = getVarInt();
        if (n > remaining()) {
            position = start;
            throw formatError("truncated: a byte range of " + n + " bytes but " + (limit - position) + " are left");
        }
        byte[] b = new byte[n];
        buffer.getBytes(position, b);
        position += n;
        return b;
    }

    @Override
    public int getBytes(MutableDirectBuffer dst, int offset) {
        int start = position;
        int n = getVarInt();
        if (n > remaining()) {
            position = start;
            throw formatError("truncated: a byte range of " + n + " bytes but " + (limit - position) + " are left");
        }
        if (offset < 0 || !dst.isExpandable() && (long) offset + n > dst.capacity()) {
            position = start;
            throw formatError("a byte range of " + n + " bytes does not fit the destination at " + offset
                    + " (capacity " + dst.capacity() + ")");
        }
        dst.putBytes(offset, buffer, position, n);
        position += n;
        return n;
    }

    /** Skips {@code n} bytes. */
    public void skip(int n) {
        need(n, "a skip");
        position += n;
    }
}
