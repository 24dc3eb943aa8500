package org.vroom.checkpoint;

/**
 * Where a {@link Checkpointable} writes its state: big-endian primitives, variable-length integers,
 * strings and byte ranges, appended to a growing off-heap buffer. Never fails for lack of room.
 */
public interface CheckpointWriter {
    CheckpointWriter putByte(int value);

    CheckpointWriter putBoolean(boolean value);

    CheckpointWriter putInt(int value);

    CheckpointWriter putLong(long value);

    /** Unsigned LEB128 of {@code value} treated as unsigned (1 byte below 128). */
    CheckpointWriter putVarLong(long value);

    /** {@link #putVarLong} of a non-negative int. */
    CheckpointWriter putVarInt(int value);

    /** Length (var int) then UTF-8 bytes; null is written as length -1 encoded as a var int of 0 plus a flag. */
    CheckpointWriter putString(String value);

    /** Length (var int) then the bytes. */
    CheckpointWriter putBytes(byte[] src, int offset, int length);

    CheckpointWriter putBytes(org.agrona.DirectBuffer src, int offset, int length);

    /** Bytes written so far into this writer (all sections). */
    long position();
}
