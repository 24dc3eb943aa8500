package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.vroom.checkpoint.CheckpointFormatException;
import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A tiny test-only checkpoint writer and reader over an Agrona buffer (the real format is the checkpoint module's). */
final class MemoryCheckpoint {
    private MemoryCheckpoint() {
    }

    static final class Writer implements CheckpointWriter {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        int position;

        @Override
        public CheckpointWriter putByte(int value) {
            buffer.putByte(position++, (byte) value);
            return this;
        }

        @Override
        public CheckpointWriter putBoolean(boolean value) {
            return putByte(value ? 1 : 0);
        }

        @Override
        public CheckpointWriter putInt(int value) {
            buffer.putInt(position, value, ByteOrder.BIG_ENDIAN);
            position += 4;
            return this;
        }

        @Override
        public CheckpointWriter putLong(long value) {
            buffer.putLong(position, value, ByteOrder.BIG_ENDIAN);
            position += 8;
            return this;
        }

        @Override
        public CheckpointWriter putVarLong(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                putByte((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            return putByte((int) v);
        }

        @Override
        public CheckpointWriter putVarInt(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("negative var int " + value);
            }
            return putVarLong(value);
        }

        @Override
        public CheckpointWriter putString(String value) {
            if (value == null) {
                return putVarInt(0).putBoolean(false);
            }
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            putVarInt(b.length + 1);
            return putBytesRaw(b, 0, b.length);
        }

        @Override
        public CheckpointWriter putBytes(byte[] src, int offset, int length) {
            putVarInt(length);
            return putBytesRaw(src, offset, length);
        }

        private CheckpointWriter putBytesRaw(byte[] src, int offset, int length) {
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

        @Override
        public long position() {
            return position;
        }

        byte[] toBytes() {
            byte[] b = new byte[position];
            buffer.getBytes(0, b);
            return b;
        }
    }

    static final class Reader implements CheckpointReader {
        private final org.agrona.concurrent.UnsafeBuffer buffer;
        private final int limit;
        private int position;

        Reader(byte[] bytes) {
            this.buffer = new org.agrona.concurrent.UnsafeBuffer(bytes);
            this.limit = bytes.length;
        }

        private void need(int n) {
            if (n < 0 || position + n > limit) {
                throw new CheckpointFormatException("read past the end at " + position + " (+" + n + " of " + limit + ")");
            }
        }

        @Override
        public int getByte() {
            need(1);
            return buffer.getByte(position++);
        }

        @Override
        public boolean getBoolean() {
            return getByte() != 0;
        }

        @Override
        public int getInt() {
            need(4);
            int v = buffer.getInt(position, ByteOrder.BIG_ENDIAN);
            position += 4;
            return v;
        }

        @Override
        public long getLong() {
            need(8);
            long v = buffer.getLong(position, ByteOrder.BIG_ENDIAN);
            position += 8;
            return v;
        }

        @Override
        public long getVarLong() {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = getByte() & 0xFF;
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new CheckpointFormatException("var long too long at " + position);
        }

        @Override
        public int getVarInt() {
            long v = getVarLong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new CheckpointFormatException("var int out of range: " + v);
            }
            return (int) v;
        }

        @Override
        public String getString() {
            int n = getVarInt();
            if (n == 0) {
                getBoolean();
                return null;
            }
            need(n - 1);
            byte[] b = new byte[n - 1];
            buffer.getBytes(position, b);
            position += n - 1;
            return new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] getBytes() {
            int n = getVarInt();
            need(n);
            byte[] b = new byte[n];
            buffer.getBytes(position, b);
            position += n;
            return b;
        }

        @Override
        public int getBytes(MutableDirectBuffer dst, int offset) {
            int n = getVarInt();
            need(n);
            dst.putBytes(offset, buffer, position, n);
            position += n;
            return n;
        }

        @Override
        public int remaining() {
            return limit - position;
        }
    }
}
