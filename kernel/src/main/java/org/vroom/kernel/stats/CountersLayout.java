package org.vroom.kernel.stats;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Layout of a node counters file ({@code <node-name>.counters}), shared by the writer
 * ({@link NodeCounters}) and every reader ({@link CountersFileReader}, {@link StatTool}).
 *
 * <pre>
 *  offset                      length            content
 *  0                           HEADER_LENGTH     header (below)
 *  HEADER_LENGTH               metadataLength    Agrona CountersManager metadata buffer
 *                                                (METADATA_LENGTH = 512 bytes per counter)
 *  HEADER_LENGTH+metadataLen.  valuesLength      Agrona values buffer (COUNTER_LENGTH = 128 bytes per
 *                                                counter: one 8-byte value padded to two cache lines)
 *
 *  Header, little-endian (the machine order of every box vroom runs on):
 *  0    int   MAGIC ("VRMC"), written last with release semantics
 *  4    int   LAYOUT_VERSION
 *  8    long  pid of the owning process
 *  16   long  start time of that pid in clock ticks since boot (/proc/[pid]/stat field 22), 0 if unknown;
 *             guards against a recycled pid making a dead node look alive
 *  24   long  node start time, epoch milliseconds
 *  32   long  free-to-reuse timeout of counter ids, milliseconds
 *  40   int   metadataLength (bytes)
 *  44   int   valuesLength (bytes); metadataLength == 4 * valuesLength
 *  48   int   state: STATE_RUNNING or STATE_CLOSED
 *  52   int   node name length N (1..MAX_NODE_NAME_LENGTH)
 *  56   N     node name, US-ASCII
 *  ...        zero up to HEADER_LENGTH (room for later fields; readers ignore what they do not know)
 * </pre>
 *
 * <p>{@code HEADER_LENGTH} is a multiple of 128, so every value starts on its own pair of cache lines.
 */
public final class CountersLayout {
    /** "VRMC" read as a little-endian int. */
    public static final int MAGIC = 0x434D5256;
    public static final int LAYOUT_VERSION = 1;
    public static final int HEADER_LENGTH = 1024;
    public static final int MAX_NODE_NAME_LENGTH = 64;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int PID_OFFSET = 8;
    public static final int PID_START_TICKS_OFFSET = 16;
    public static final int START_TIME_OFFSET = 24;
    public static final int FREE_TO_REUSE_TIMEOUT_OFFSET = 32;
    public static final int METADATA_LENGTH_OFFSET = 40;
    public static final int VALUES_LENGTH_OFFSET = 44;
    public static final int STATE_OFFSET = 48;
    public static final int NODE_NAME_LENGTH_OFFSET = 52;
    public static final int NODE_NAME_OFFSET = 56;

    public static final int STATE_RUNNING = 1;
    public static final int STATE_CLOSED = 2;

    /** File name suffix of a counters file. */
    public static final String FILE_SUFFIX = ".counters";
    /** File name suffix of the lock file that serialises owners of one node name (never deleted). */
    public static final String LOCK_SUFFIX = ".lock";
    /** System property that overrides the default directory for writers and readers. */
    public static final String DIR_PROPERTY = "vroom.counters.dir";

    private CountersLayout() {
    }

    /** Bytes of the values buffer for {@code maxCounters} counters. */
    public static int valuesLength(final int maxCounters) {
        return maxCounters * CountersReader.COUNTER_LENGTH;
    }

    /** Bytes of the metadata buffer for {@code maxCounters} counters. */
    public static int metadataLength(final int maxCounters) {
        return maxCounters * CountersReader.METADATA_LENGTH;
    }

    /** Total file length for {@code maxCounters} counters. */
    public static long fileLength(final int maxCounters) {
        return (long) HEADER_LENGTH + metadataLength(maxCounters) + valuesLength(maxCounters);
    }

    /** The counters file of {@code nodeName} in {@code directory}. */
    public static Path counterFile(final Path directory, final String nodeName) {
        return directory.resolve(nodeName + FILE_SUFFIX);
    }

    /** The lock file of {@code nodeName} in {@code directory}. */
    public static Path lockFile(final Path directory, final String nodeName) {
        return directory.resolve(nodeName + LOCK_SUFFIX);
    }

    /**
     * Default directory: the {@value #DIR_PROPERTY} system property if set; else {@code /dev/shm/vroom}
     * when {@code /dev/shm} exists and is writable (memory-backed: counters never touch a disk); else
     * {@code java.io.tmpdir/vroom}.
     */
    public static Path defaultDirectory() {
        final String override = System.getProperty(DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        final Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            final Path shared = shm.resolve("vroom");
            // another user (root) may own the shared directory: then use one of our own beside it
            if (!Files.exists(shared) || Files.isWritable(shared)) {
                return shared;
            }
            return shm.resolve("vroom-" + System.getProperty("user.name", "user"));
        }
        return Path.of(System.getProperty("java.io.tmpdir", File.separator + "tmp")).resolve("vroom");
    }

    /**
     * Checks a node name: 1 to {@value #MAX_NODE_NAME_LENGTH} characters of {@code [A-Za-z0-9._-]},
     * not starting with '.', so it is a safe file name.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static String validateNodeName(final String nodeName) {
        if (nodeName == null || nodeName.isEmpty() || nodeName.length() > MAX_NODE_NAME_LENGTH
            || nodeName.charAt(0) == '.') {
            throw new IllegalArgumentException("node name must be 1.." + MAX_NODE_NAME_LENGTH
                + " characters of [A-Za-z0-9._-] not starting with '.': " + nodeName);
        }
        for (int i = 0; i < nodeName.length(); i++) {
            final char c = nodeName.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("node name has an invalid character '" + c + "': " + nodeName);
            }
        }
        return nodeName;
    }

    /**
     * Writes a complete header; the magic is written last with release semantics, so a reader that sees
     * the magic sees every other field.
     */
    public static void writeHeader(
        final AtomicBuffer buffer,
        final long pid,
        final long pidStartTicks,
        final long startTimeMs,
        final long freeToReuseTimeoutMs,
        final int maxCounters,
        final String nodeName) {
        final byte[] name = nodeName.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > MAX_NODE_NAME_LENGTH) {
            throw new IllegalArgumentException("bad node name length " + name.length);
        }
        buffer.putInt(VERSION_OFFSET, LAYOUT_VERSION);
        buffer.putLong(PID_OFFSET, pid);
        buffer.putLong(PID_START_TICKS_OFFSET, pidStartTicks);
        buffer.putLong(START_TIME_OFFSET, startTimeMs);
        buffer.putLong(FREE_TO_REUSE_TIMEOUT_OFFSET, freeToReuseTimeoutMs);
        buffer.putInt(METADATA_LENGTH_OFFSET, metadataLength(maxCounters));
        buffer.putInt(VALUES_LENGTH_OFFSET, valuesLength(maxCounters));
        buffer.putInt(STATE_OFFSET, STATE_RUNNING);
        buffer.putInt(NODE_NAME_LENGTH_OFFSET, name.length);
        buffer.putBytes(NODE_NAME_OFFSET, name);
        buffer.putIntRelease(MAGIC_OFFSET, MAGIC);
    }

    /** Marks a header as cleanly closed (used when the file is kept after close). */
    public static void markClosed(final AtomicBuffer buffer) {
        buffer.putIntRelease(STATE_OFFSET, STATE_CLOSED);
    }

    /**
     * Reads the node name of a header, or {@code null} when its length field is out of range (a corrupt
     * header). Never throws for a buffer of at least {@link #HEADER_LENGTH} bytes.
     */
    public static String nodeName(final DirectBuffer buffer) {
        final int length = buffer.getInt(NODE_NAME_LENGTH_OFFSET);
        if (length <= 0 || length > MAX_NODE_NAME_LENGTH) {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(NODE_NAME_OFFSET, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
