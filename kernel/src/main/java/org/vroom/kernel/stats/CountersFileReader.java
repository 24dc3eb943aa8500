package org.vroom.kernel.stats;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.vroom.kernel.stats.CountersFileException.Reason;

/**
 * Maps a node's counters file read-only and reads it without talking to the node, from any process.
 * Reading never writes to the file and never blocks the node.
 *
 * <p>A reader keeps the file it opened: when the node restarts, its new file replaces the old one by
 * rename and {@link #isReplaced()} turns true; open a new reader then. Not thread-safe (one reader per
 * thread; they are cheap).
 */
public final class CountersFileReader {
    private final Path file;
    private final Object fileKey;
    private final CountersHeader header;
    private final AtomicBuffer headerBuffer;
    private final CountersReader reader;

    private CountersFileReader(
        final Path file, final Object fileKey, final CountersHeader header, final MappedByteBuffer mapped) {
        this.file = file;
        this.fileKey = fileKey;
        this.header = header;
        this.headerBuffer = new UnsafeBuffer(mapped, 0, CountersLayout.HEADER_LENGTH);
        final UnsafeBuffer metadata = new UnsafeBuffer(mapped, CountersLayout.HEADER_LENGTH, header.metadataLength());
        final UnsafeBuffer values = new UnsafeBuffer(
            mapped, CountersLayout.HEADER_LENGTH + header.metadataLength(), header.valuesLength());
        this.reader = new CountersReader(metadata, values, StandardCharsets.US_ASCII);
    }

    /** Opens the counters file of {@code nodeName} in {@code directory}. */
    public static CountersFileReader open(final Path directory, final String nodeName) {
        return open(CountersLayout.counterFile(directory, nodeName));
    }

    /**
     * Maps {@code file} read-only and checks its header.
     *
     * @throws CountersFileException with a message naming the file and the problem: missing, too small,
     *                               not a counters file, other layout version, corrupt header, I/O
     */
    public static CountersFileReader open(final Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            final long size = channel.size();
            if (size < CountersLayout.HEADER_LENGTH) {
                throw new CountersFileException(Reason.TOO_SMALL, file, file + ": " + size
                    + " bytes, shorter than the " + CountersLayout.HEADER_LENGTH
                    + "-byte header of a vroom counters file");
            }
            if (size > Integer.MAX_VALUE) {
                throw new CountersFileException(Reason.CORRUPT, file, file + ": " + size
                    + " bytes, larger than any counters file");
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            final CountersHeader header = CountersHeader.decode(file, new UnsafeBuffer(mapped), size);
            return new CountersFileReader(file, fileKey, header, mapped);
        } catch (NoSuchFileException e) {
            throw new CountersFileException(Reason.MISSING, file, file + " does not exist (no vroom node named '"
                + nodeNameOf(file) + "' is running)", e);
        } catch (AccessDeniedException e) {
            throw new CountersFileException(Reason.IO, file, "permission denied reading " + file, e);
        } catch (IOException e) {
            throw new CountersFileException(Reason.IO, file, "cannot read " + file + ": " + e, e);
        }
    }

    private static String nodeNameOf(final Path file) {
        final String name = String.valueOf(file.getFileName());
        return name.endsWith(CountersLayout.FILE_SUFFIX)
            ? name.substring(0, name.length() - CountersLayout.FILE_SUFFIX.length()) : name;
    }

    public Path file() {
        return file;
    }

    /** The header as decoded at open time. */
    public CountersHeader header() {
        return header;
    }

    /** Agrona view of the counters (read only: never call anything that writes). */
    public CountersReader countersReader() {
        return reader;
    }

    /** Status now: the header's state and a /proc check of its pid. */
    public NodeStatus status() {
        if (headerBuffer.getIntVolatile(CountersLayout.STATE_OFFSET) == CountersLayout.STATE_CLOSED) {
            return NodeStatus.CLOSED;
        }
        return header.isOwnerAlive() ? NodeStatus.RUNNING : NodeStatus.STALE;
    }

    /**
     * True when the path no longer names the file this reader mapped: the node restarted (new file) or
     * stopped cleanly (file deleted).
     */
    public boolean isReplaced() {
        try {
            return !Objects.equals(Files.readAttributes(file, BasicFileAttributes.class).fileKey(), fileKey);
        } catch (IOException e) {
            return true;
        }
    }

    /** Value of counter {@code id} (volatile read). */
    public long value(final int id) {
        return reader.getCounterValue(id);
    }

    /** Reads every allocated counter. Never throws on a corrupt record: it is skipped and counted. */
    public CountersSnapshot snapshot() {
        final long epochMs = System.currentTimeMillis();
        final long nanoTime = System.nanoTime();
        final NodeStatus status = status();
        final AtomicBuffer metadata = reader.metaDataBuffer();
        final List<CounterRecord> records = new ArrayList<>();
        int corrupt = 0;
        for (int id = 0; id <= reader.maxCounterId(); id++) {
            final int offset = CountersReader.metaDataOffset(id);
            final int state = metadata.getIntVolatile(offset);
            if (state == CountersReader.RECORD_UNUSED) {
                break; // Agrona allocates ids from 0 upwards: nothing after the first unused record
            }
            if (state != CountersReader.RECORD_ALLOCATED) {
                continue;
            }
            final CounterRecord record = decode(id, offset, metadata);
            if (record == null) {
                corrupt++;
            } else {
                records.add(record);
            }
        }
        return new CountersSnapshot(file, header, status, epochMs, nanoTime, List.copyOf(records), corrupt);
    }

    private CounterRecord decode(final int id, final int offset, final AtomicBuffer metadata) {
        final int typeId = metadata.getInt(offset + CountersReader.TYPE_ID_OFFSET);
        final int labelLength = metadata.getInt(offset + CountersReader.LABEL_OFFSET);
        if (labelLength < 0 || labelLength > CountersReader.MAX_LABEL_LENGTH) {
            return null;
        }
        final byte[] labelBytes = new byte[labelLength];
        metadata.getBytes(offset + CountersReader.LABEL_OFFSET + Integer.BYTES, labelBytes);
        final String label = new String(labelBytes, StandardCharsets.US_ASCII);
        final long value = reader.getCounterValue(id);
        final long registrationId = reader.getCounterRegistrationId(id);
        final int keyOffset = offset + CountersReader.KEY_OFFSET;
        if (CounterTypes.isEntityType(typeId)) {
            final String entityName = CounterTypes.readEntityName(metadata, keyOffset);
            if (entityName == null) {
                return null;
            }
            final int space = label.indexOf(' ');
            final String metric = space > 0 ? label.substring(0, space) : label;
            return new CounterRecord(id, registrationId, typeId, label, value,
                CounterTypes.entityKindName(typeId),
                metadata.getInt(keyOffset + CounterTypes.ENTITY_ID_OFFSET), entityName,
                metadata.getInt(keyOffset + CounterTypes.SHARD_OFFSET),
                metadata.getInt(keyOffset + CounterTypes.METRIC_CODE_OFFSET), metric, new long[0]);
        }
        long[] keys = new long[0];
        if (CounterTypes.isLongKeysType(typeId)) {
            keys = CounterTypes.readLongKeys(metadata, keyOffset);
            if (keys == null) {
                return null;
            }
        }
        final String kind = typeId == CounterTypes.NODE ? "node" : "type" + typeId;
        return new CounterRecord(id, registrationId, typeId, label, value, kind, 0, null, 0, -1, label, keys);
    }

    @Override
    public String toString() {
        return "CountersFileReader{" + file + ", node " + header.nodeName() + ", pid " + header.pid() + '}';
    }
}
