package org.vroom.checkpoint;

/**
 * Reads what a {@link CheckpointWriter} wrote, in the same order. Reading past the end of a section or a
 * malformed value throws {@link CheckpointFormatException} with the part and position, never a raw
 * index error.
 */
public interface CheckpointReader {
    /** One byte, 0..255. */
    int getByte();

    /** A byte that must be 0 or 1. */
    boolean getBoolean();

    int getInt();

    long getLong();

    /** An unsigned LEB128 of at most 10 bytes. */
    long getVarLong();

    /** A var long that must lie in 0..{@link Integer#MAX_VALUE}. */
    int getVarInt();

    /** A string as {@link CheckpointWriter#putString} wrote it (null included); malformed UTF-8 is refused. */
    String getString();

    /** A byte range as {@link CheckpointWriter#putBytes} wrote it, copied to a new array. */
    byte[] getBytes();

    /** Reads a byte range into {@code dst} at {@code offset}; returns its length. */
    int getBytes(org.agrona.MutableDirectBuffer dst, int offset);

    /** Bytes left in the current section. */
    int remaining();

    /**
     * An exception for a value that decoded but makes no sense to the part (an unknown state, an
     * out-of-range count), naming the part and the current position like the reader's own errors. Use
     * it as {@code throw in.formatError("unknown state " + s)}.
     */
    default CheckpointFormatException formatError(String message) {
        return new CheckpointFormatException(message);
    }
}
