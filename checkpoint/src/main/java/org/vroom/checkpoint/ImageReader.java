package org.vroom.checkpoint;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.vroom.checkpoint.ImageFormat.*;

/**
 * Reads and checks the frame of a checkpoint image without interpreting the parts' payloads: magic,
 * format version, header CRC, every section's bounds and CRC-32C, duplicate part names, and the trailer
 * (section count and image length). After {@link #read} succeeds, {@link #section} gives a reader over
 * any section's payload; the bytes are not copied.
 *
 * <p>Every problem is a {@link CheckpointFormatException} saying what is wrong and where (byte offsets
 * from the start of the image, the part's name once known); no other exception escapes {@link #read}.
 *
 * <p>Threads: one thread at a time; an instance is reused image after image.
 */
public final class ImageReader {
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    private final Crc32cOf crc = new Crc32cOf();
    private DirectBuffer buffer;
    private int base;
    private int count;
    private String[] names = new String[8];
    private int[] versions = new int[8];
    private int[] payloadOffsets = new int[8];
    private int[] payloadLengths = new int[8];
    private ImageHeader header;
    private int headerLength;

    /**
     * Checks the image {@code buffer[offset, offset + length)} and returns its header. The image must be
     * exactly that long (bytes after the trailer are refused).
     */
    public ImageHeader read(DirectBuffer buffer, int offset, int length) {
        try {
            return read0(buffer, offset, length);
        } catch (CheckpointFormatException e) {
            header = null;
            throw e;
        } catch (RuntimeException e) {
            header = null;
            throw new CheckpointFormatException("unreadable image: " + e, e);
        }
    }

    /** Reads only the header of an image (checked, including its CRC), for routing and diagnostics. */
    public static ImageHeader peekHeader(DirectBuffer buffer, int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            throw new CheckpointFormatException("image range " + offset + "+" + length + " lies outside a buffer of "
                    + buffer.capacity() + " bytes");
        }
        ImageReader r = new ImageReader();
        r.buffer = buffer;
        r.base = offset;
        try {
            return r.readHeader(length);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointFormatException("unreadable image header: " + e, e);
        }
    }

    private ImageHeader read0(DirectBuffer buffer, int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            throw new CheckpointFormatException("image range " + offset + "+" + length + " lies outside a buffer of "
                    + buffer.capacity() + " bytes");
        }
        this.buffer = buffer;
        this.base = offset;
        this.header = null;
        ImageHeader h = readHeader(length);
        int p = offset + headerLength;
        int end = offset + length;
        count = 0;
        for (int i = 0; i < h.sectionCount(); i++) {
            p = readSection(i, p, end);
        }
        if (end - p < TRAILER_LENGTH) {
            throw new CheckpointFormatException("truncated image: " + (end - p) + " bytes at byte " + (p - base)
                    + " after " + count + " sections, where the " + TRAILER_LENGTH + "-byte trailer belongs");
        }
        int endMagic = buffer.getInt(p, ORDER);
        if (endMagic != END_MAGIC) {
            throw new CheckpointFormatException("no trailer at byte " + (p - base) + " after " + count
                    + " sections (found 0x" + Integer.toHexString(endMagic) + "): truncated or corrupt image");
        }
        int trailerCount = buffer.getInt(p + 4, ORDER);
        long trailerLength = buffer.getInt(p + 8, ORDER) & 0xFFFF_FFFFL;
        if (trailerCount != h.sectionCount()) {
            throw new CheckpointFormatException("trailer counts " + trailerCount + " sections, the header "
                    + h.sectionCount() + ": corrupt image");
        }
        p += TRAILER_LENGTH;
        if (trailerLength != p - base) {
            throw new CheckpointFormatException("trailer gives the image length as " + trailerLength + " bytes, it ends at "
                    + (p - base) + ": corrupt image");
        }
        if (p != end) {
            throw new CheckpointFormatException((end - p) + " bytes after the trailer at byte " + (p - base)
                    + ": not one whole image");
        }
        header = h;
        return h;
    }

    /** Checks the header of an image of {@code length} bytes; leaves its own length in {@link #headerLength}. */
    private ImageHeader readHeader(int length) {
        if (length < 8) {
            throw new CheckpointFormatException("truncated image: " + length + " bytes, not even a format version");
        }
        int magic = buffer.getInt(base + MAGIC_OFFSET, ORDER);
        if (magic != MAGIC) {
            throw new CheckpointFormatException("not a vroom checkpoint image: magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC) + " ('VRCK')");
        }
        int major = buffer.getShort(base + MAJOR_OFFSET, ORDER) & 0xFFFF;
        int minor = buffer.getShort(base + MINOR_OFFSET, ORDER) & 0xFFFF;
        if (major > MAJOR) {
            throw new CheckpointFormatException("checkpoint format " + major + "." + minor + " is newer than this node reads ("
                    + MAJOR + ".x): upgrade the node");
        }
        if (major < MAJOR) {
            throw new CheckpointFormatException("checkpoint format " + major + "." + minor + " is older than this node reads ("
                    + MAJOR + ".x)");
        }
        if (length < MIN_IMAGE_LENGTH) {
            throw new CheckpointFormatException("truncated image: " + length + " bytes, the smallest image has "
                    + MIN_IMAGE_LENGTH);
        }
        headerLength = buffer.getShort(base + HEADER_LENGTH_OFFSET, ORDER) & 0xFFFF;
        int nameLength = buffer.getShort(base + NAME_LENGTH_OFFSET, ORDER) & 0xFFFF;
        if (nameLength > MAX_VR_NAME_BYTES) {
            throw new CheckpointFormatException("VR name of " + nameLength + " bytes in the header (at most "
                    + MAX_VR_NAME_BYTES + "): corrupt image");
        }
        if (headerLength < HEADER_FIXED_LENGTH + nameLength) {
            throw new CheckpointFormatException("header length " + headerLength + " is too short for a " + nameLength
                    + "-byte VR name: corrupt image");
        }
        if (headerLength > length - TRAILER_LENGTH) {
            throw new CheckpointFormatException("truncated image: the header needs " + headerLength + " bytes and a "
                    + TRAILER_LENGTH + "-byte trailer, the image has " + length);
        }
        int stored = buffer.getInt(base + headerLength - CRC_LENGTH, ORDER);
        int computed = crc.compute(buffer, base, headerLength - CRC_LENGTH);
        if (stored != computed) {
            throw new CheckpointFormatException("header CRC-32C mismatch (stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString(computed) + "): corrupt image");
        }
        int kindCode = buffer.getByte(base + KIND_OFFSET) & 0xFF;
        ImageKind kind = ImageKind.fromCode(kindCode);
        if (kind == null) {
            throw new CheckpointFormatException("unknown image kind " + kindCode + " in a format " + major + "." + minor
                    + " header");
        }
        int sections = buffer.getInt(base + SECTION_COUNT_OFFSET, ORDER);
        if (sections < 0 || sections > MAX_SECTIONS) {
            throw new CheckpointFormatException("header counts " + Integer.toUnsignedString(sections)
                    + " sections (at most " + MAX_SECTIONS + ")");
        }
        int round = buffer.getInt(base + ROUND_OFFSET, ORDER);
        if (round < 0 || (kind == ImageKind.SNAPSHOT) != (round == 0)) {
            throw new CheckpointFormatException(kind + " image with round " + Integer.toUnsignedString(round)
                    + " (a snapshot is round 0, its deltas 1, 2, ...)");
        }
        byte[] name = new byte[nameLength];
        buffer.getBytes(base + NAME_OFFSET, name);
        return new ImageHeader(major, minor, kind, buffer.getInt(base + VR_ID_OFFSET, ORDER),
                new String(name, StandardCharsets.UTF_8), buffer.getLong(base + SERIES_OFFSET, ORDER), round,
                buffer.getLong(base + CREATED_OFFSET, ORDER), sections, length);
    }

    private int readSection(int i, int p, int end) {
        int start = p;
        if (end - p < 1) {
            throw truncatedSection(i, null, p, 1, end);
        }
        int nameLength = buffer.getByte(p) & 0xFF;
        if (nameLength == 0 || nameLength > MAX_PART_NAME_LENGTH) {
            throw new CheckpointFormatException("section " + i + " at byte " + (p - base) + ": part name of " + nameLength
                    + " bytes (1.." + MAX_PART_NAME_LENGTH + "): corrupt image");
        }
        if (end - p < 1 + nameLength + 8) {
            throw truncatedSection(i, null, p, 1 + nameLength + 8, end);
        }
        for (int k = 0; k < nameLength; k++) {
            if (!isPartNameChar(buffer.getByte(p + 1 + k))) {
                throw new CheckpointFormatException("section " + i + " at byte " + (p - base)
                        + ": part name holds a byte that no part name has: corrupt image");
            }
        }
        String name = buffer.getStringWithoutLengthAscii(p + 1, nameLength);
        p += 1 + nameLength;
        int version = buffer.getInt(p, ORDER);
        long payload = buffer.getInt(p + 4, ORDER) & 0xFFFF_FFFFL;
        p += 8;
        if (payload + CRC_LENGTH > end - p) {
            throw truncatedSection(i, name, start, (long) (p - start) + payload + CRC_LENGTH, end);
        }
        int payloadOffset = p;
        p += (int) payload;
        int stored = buffer.getInt(p, ORDER);
        int computed = crc.compute(buffer, start, p - start);
        if (stored != computed) {
            throw new CheckpointFormatException("part '" + name + "' (section " + i + " at byte " + (start - base)
                    + "): CRC-32C mismatch (stored 0x" + Integer.toHexString(stored) + ", computed 0x"
                    + Integer.toHexString(computed) + "): corrupt image");
        }
        for (int k = 0; k < count; k++) {
            if (names[k].equals(name)) {
                throw new CheckpointFormatException("part '" + name + "' appears twice (sections " + k + " and " + i + ")");
            }
        }
        if (count == names.length) {
            int n = count * 2;
            names = Arrays.copyOf(names, n);
            versions = Arrays.copyOf(versions, n);
            payloadOffsets = Arrays.copyOf(payloadOffsets, n);
            payloadLengths = Arrays.copyOf(payloadLengths, n);
        }
        names[count] = name;
        versions[count] = version;
        payloadOffsets[count] = payloadOffset;
        payloadLengths[count] = (int) payload;
        count++;
        return p + CRC_LENGTH;
    }

    private CheckpointFormatException truncatedSection(int i, String name, int p, long needed, int end) {
        return new CheckpointFormatException("truncated image: section " + i + (name == null ? "" : " (part '" + name + "')")
                + " at byte " + (p - base) + " needs " + needed + " bytes, " + (end - p) + " are left");
    }

    /** The header of the last image read successfully, or null. */
    public ImageHeader header() {
        return header;
    }

    /** Sections of the last image read. */
    public int sectionCount() {
        return header == null ? 0 : count;
    }

    public String sectionName(int i) {
        return names[checkIndex(i)];
    }

    public int sectionVersion(int i) {
        return versions[checkIndex(i)];
    }

    /** Payload bytes of section {@code i}. */
    public int sectionLength(int i) {
        return payloadLengths[checkIndex(i)];
    }

    /** The index of the section of part {@code name}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < sectionCount(); i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Points {@code reader} at the payload of section {@code i} and returns it. */
    public BufferCheckpointReader section(int i, BufferCheckpointReader reader) {
        checkIndex(i);
        return reader.wrap(buffer, base, payloadOffsets[i], payloadOffsets[i] + payloadLengths[i], names[i]);
    }

    private int checkIndex(int i) {
        if (header == null || i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("section " + i + " of " + sectionCount());
        }
        return i;
    }
}
