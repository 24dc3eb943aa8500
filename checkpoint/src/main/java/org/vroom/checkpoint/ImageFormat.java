package org.vroom.checkpoint;

/**
 * Constants of the checkpoint container format, version {@value #MAJOR}.{@value #MINOR}. The layout is
 * documented in {@code checkpoint/FORMAT.md}; this class and that file change together.
 *
 * <p>Compatibility: a reader reads every minor version of its major version (a minor version only adds
 * header fields before the header CRC, which the header length lets older readers skip) and refuses any
 * other major version.
 */
public final class ImageFormat {
    /** "VRCK", the first four bytes of every image. */
    public static final int MAGIC = 0x5652_434B;
    /** "VRCE", the first four bytes of the trailer. */
    public static final int END_MAGIC = 0x5652_4345;
    public static final int MAJOR = 1;
    public static final int MINOR = 0;

    // header, offsets from the image start
    static final int MAGIC_OFFSET = 0;
    static final int MAJOR_OFFSET = 4;
    static final int MINOR_OFFSET = 6;
    static final int HEADER_LENGTH_OFFSET = 8;
    static final int KIND_OFFSET = 10;
    static final int FLAGS_OFFSET = 11;
    static final int VR_ID_OFFSET = 12;
    static final int SERIES_OFFSET = 16;
    static final int ROUND_OFFSET = 24;
    static final int CREATED_OFFSET = 28;
    static final int SECTION_COUNT_OFFSET = 36;
    static final int NAME_LENGTH_OFFSET = 40;
    static final int NAME_OFFSET = 42;
    /** Header length without the VR name: fixed fields plus the header CRC. */
    static final int HEADER_FIXED_LENGTH = NAME_OFFSET + 4;
    static final int CRC_LENGTH = 4;

    /** Trailer: end magic, section count, image length. */
    static final int TRAILER_LENGTH = 12;
    /** The smallest possible image: a header with an empty name, no section, a trailer. */
    public static final int MIN_IMAGE_LENGTH = HEADER_FIXED_LENGTH + TRAILER_LENGTH;

    /** Longest VR name in bytes of UTF-8 (VrConfig allows 64 characters). */
    public static final int MAX_VR_NAME_BYTES = 256;
    /** Longest part name in bytes (ASCII letters, digits, '-', '_', '.', '/'). */
    public static final int MAX_PART_NAME_LENGTH = 64;
    /** Most sections an image may have. */
    public static final int MAX_SECTIONS = 4096;

    /** Section: name length byte, name, part version, payload length, payload, CRC-32C. */
    static final int SECTION_OVERHEAD = 1 + 4 + 4 + CRC_LENGTH;

    private ImageFormat() {
    }

    /** Why {@code name} cannot be a part name, or null. */
    public static String partNameProblem(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_PART_NAME_LENGTH) {
            return "a part name needs 1.." + MAX_PART_NAME_LENGTH + " characters: " + name;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isPartNameChar(name.charAt(i))) {
                return "part name '" + name + "' may only hold ASCII letters, digits and - _ . /";
            }
        }
        return null;
    }

    static boolean isPartNameChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
                || c == '/';
    }
}
