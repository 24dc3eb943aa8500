package org.vroom.checkpoint;

/**
 * Reads what a {@link CheckpointWriter} wrote, in the same order. Reading past the end of a section or a
 * malformed value throws {@link CheckpointFormatException} with the part and position, never a raw
 * index error.
 */
public interface CheckpointReader {
    int getByte();

    boolean getBoolean();

    int getInt();

    long getLong();

    long getVarLong();

    int getVarInt();

    String getString();

    byte[] getBytes();

    /** Reads a byte range into {@code dst} at {@code offset}; returns its length. */
    int getBytes(org.agrona.MutableDirectBuffer dst, int offset);

    /** Bytes left in the current section. */
    int remaining();
}
