package org.vroom.kernel.stats;

import static org.vroom.kernel.stats.CountersLayout.FREE_TO_REUSE_TIMEOUT_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.HEADER_LENGTH;
import static org.vroom.kernel.stats.CountersLayout.LAYOUT_VERSION;
import static org.vroom.kernel.stats.CountersLayout.MAGIC;
import static org.vroom.kernel.stats.CountersLayout.MAGIC_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.METADATA_LENGTH_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.PID_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.PID_START_TICKS_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.START_TIME_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.STATE_CLOSED;
import static org.vroom.kernel.stats.CountersLayout.STATE_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.STATE_RUNNING;
import static org.vroom.kernel.stats.CountersLayout.VALUES_LENGTH_OFFSET;
import static org.vroom.kernel.stats.CountersLayout.VERSION_OFFSET;

import java.nio.file.Path;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.vroom.kernel.stats.CountersFileException.Reason;

/**
 * The decoded header of a counters file (see {@link CountersLayout}), as it was when decoded. The
 * state field can change afterwards (running to closed); {@link CountersFileReader#status()} reads it
 * live.
 */
public record CountersHeader(
    int layoutVersion,
    String nodeName,
    long pid,
    long pidStartTicks,
    long startTimeMs,
    long freeToReuseTimeoutMs,
    int metadataLength,
    int valuesLength,
    int state) {

    /** Number of counters the file can hold. */
    public int maxCounters() {
        return valuesLength / CountersReader.COUNTER_LENGTH;
    }

    /** True when the writer closed the node cleanly and kept the file. */
    public boolean isClosed() {
        return state == STATE_CLOSED;
    }

    /** Checks /proc now: is the pid recorded in the header a live process started at the recorded time? */
    public boolean isOwnerAlive() {
        return ProcessLiveness.isAlive(pid, pidStartTicks);
    }

    /**
     * Decodes and checks a header. Never throws anything but {@link CountersFileException}.
     *
     * @param path       file name for messages
     * @param buffer     the first {@code min(fileLength, HEADER_LENGTH)} bytes or more of the file
     * @param fileLength length of the whole file
     */
    public static CountersHeader decode(final Path path, final AtomicBuffer buffer, final long fileLength) {
        if (fileLength < HEADER_LENGTH || buffer.capacity() < HEADER_LENGTH) {
            throw new CountersFileException(Reason.TOO_SMALL, path, path + ": " + fileLength
                + " bytes, shorter than the " + HEADER_LENGTH + "-byte header of a vroom counters file");
        }
        final int magic = buffer.getIntVolatile(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CountersFileException(Reason.BAD_MAGIC, path, path + ": not a vroom counters file"
                + (magic == 0 ? " (header never written)" : " (magic 0x" + Integer.toHexString(magic) + ")"));
        }
        final int version = buffer.getInt(VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            throw new CountersFileException(Reason.UNSUPPORTED_VERSION, path, path
                + ": counters layout version " + version + ", this vroom reads version " + LAYOUT_VERSION);
        }
        final int metadataLength = buffer.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = buffer.getInt(VALUES_LENGTH_OFFSET);
        if (valuesLength <= 0 || valuesLength % CountersReader.COUNTER_LENGTH != 0
            || (long) metadataLength != (long) valuesLength
            * (CountersReader.METADATA_LENGTH / CountersReader.COUNTER_LENGTH)) {
            throw new CountersFileException(Reason.CORRUPT, path, path + ": corrupt header (metadata length "
                + metadataLength + ", values length " + valuesLength + ")");
        }
        final long needed = (long) HEADER_LENGTH + metadataLength + valuesLength;
        if (needed > fileLength) {
            throw new CountersFileException(Reason.TOO_SMALL, path, path + ": " + fileLength
                + " bytes but its header announces " + needed + " (truncated file)");
        }
        final String nodeName = CountersLayout.nodeName(buffer);
        if (nodeName == null) {
            throw new CountersFileException(Reason.CORRUPT, path, path + ": corrupt header (node name length "
                + buffer.getInt(CountersLayout.NODE_NAME_LENGTH_OFFSET) + ")");
        }
        final int state = buffer.getIntVolatile(STATE_OFFSET);
        if (state != STATE_RUNNING && state != STATE_CLOSED) {
            throw new CountersFileException(Reason.CORRUPT, path, path + ": corrupt header (state " + state + ")");
        }
        return new CountersHeader(
            version,
            nodeName,
            buffer.getLong(PID_OFFSET),
            buffer.getLong(PID_START_TICKS_OFFSET),
            buffer.getLong(START_TIME_OFFSET),
            buffer.getLong(FREE_TO_REUSE_TIMEOUT_OFFSET),
            metadataLength,
            valuesLength,
            state);
    }
}
