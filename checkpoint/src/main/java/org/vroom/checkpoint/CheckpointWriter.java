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

    /**
     * A string: var int of (UTF-8 length + 1) then the UTF-8 bytes; null is the single var int 0, the
     * empty string the var int 1. Unpaired surrogates are written as {@code '?'}.
     */
    CheckpointWriter putString(String value);

    /** Length (var int) then the bytes. */
    CheckpointWriter putBytes(byte[] src, int offset, int length);

    /** As {@link #putBytes(byte[], int, int)}, from a buffer (no copy to the heap). */

    CheckpointWriter putBytes(org.agrona.DirectBuffer src, int offset, int length);

    /** Bytes written so far into this writer (all sections). */
    long position();
}
