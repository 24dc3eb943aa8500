package org.vroom.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import static org.vroom.checkpoint.ImageFormat.*;

/**
 * Writes the checkpoint images of one virtual router: {@link #snapshot()} starts a series (round 0, the
 * whole state of every part), then each {@link #delta()} is the next round (what changed since the
 * previous image, from the parts' dirty tracking). This is the source side of iterative pre-copy: take a
 * snapshot while the VR runs, send deltas while they shrink, freeze, send the last delta.
 *
 * <p>Every image holds one section per part, in the order the parts were given, even when a part has
 * nothing to say (a zero-length or marker section): the {@link Restorer} can then tell a missing part from
 * a quiet one.
 *
 * <p>Memory: one growing off-heap buffer, reused image after image; writing allocates nothing once the
 * buffer has reached the size of the largest image (the parts themselves may allocate). The returned
 * image is a view of that buffer, valid until the next call: send or copy it first.
 *
 * <p>Failure: if a part throws while writing, the exception propagates and the series is void (some parts
 * may have cleared their dirty sets already); the next call must be {@link #snapshot()}.
 *
 * <p>Threads: the VR loop (every method of every part runs on it).
 */
public final class Checkpointer {
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    private static final SecureRandom SERIES = new SecureRandom();

    private final int vrId;
    private final String vrName;
    private final byte[] vrNameUtf8;
    private final Checkpointable[] parts;
    private final UnsafeBuffer[] partNames;
    private final int[] sectionLengths;
    private final LongSupplier clockMillis;
    private final LongSupplier seriesIds;
    private final BufferCheckpointWriter out;
    private final Crc32cOf crc = new Crc32cOf();
    private final UnsafeBuffer image = new UnsafeBuffer(0, 0);

    private long seriesId;
    private int round = -1;
    private boolean inSeries;
    private int imageLength;

    /** A checkpointer with the wall clock and random series ids. */
    public Checkpointer(int vrId, String vrName, List<? extends Checkpointable> parts) {
        this(vrId, vrName, parts, System::currentTimeMillis, SERIES::nextLong, 64 * 1024);
    }

    /**
     * @param clockMillis     creation time written in each header (milliseconds since the epoch)
     * @param seriesIds       a new series id for each snapshot (random in production; fixed in tests)
     * @param initialCapacity bytes of the image buffer to start with (it grows)
     */
    public Checkpointer(int vrId, String vrName, List<? extends Checkpointable> parts, LongSupplier clockMillis,
                        LongSupplier seriesIds, int initialCapacity) {
        this.vrId = vrId;
        this.vrName = vrName;
        this.vrNameUtf8 = vrName.getBytes(StandardCharsets.UTF_8);
        if (vrNameUtf8.length > MAX_VR_NAME_BYTES) {
            throw new IllegalArgumentException("VR name of " + vrNameUtf8.length + " bytes (at most " + MAX_VR_NAME_BYTES + ")");
        }
        if (parts.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException(parts.size() + " parts (at most " + MAX_SECTIONS + ")");
        }
        this.parts = parts.toArray(new Checkpointable[0]);
        this.partNames = new UnsafeBuffer[this.parts.length];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < this.parts.length; i++) {
            String name = this.parts[i].partName();
            String problem = partNameProblem(name);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("two parts are named '" + name + "'");
            }
            partNames[i] = new UnsafeBuffer(name.getBytes(StandardCharsets.US_ASCII));
        }
        this.sectionLengths = new int[this.parts.length];
        this.clockMillis = clockMillis;
        this.seriesIds = seriesIds;
        this.out = new BufferCheckpointWriter(initialCapacity);
    }

    /**
     * Starts a new series: writes round 0 with every part's whole state (each part restarts its dirty
     * tracking). Returns the image, valid until the next call.
     */
    public DirectBuffer snapshot() {
        inSeries = false;
        long series = seriesIds.getAsLong();
        write(ImageKind.SNAPSHOT, series, 0);
        seriesId = series;
        round = 0;
        inSeries = true;
        return image;
    }

    /** Writes the next round: what changed since the previous image. Returns the image, valid until the next call. */
    public DirectBuffer delta() {
        if (!inSeries) {
            throw new IllegalStateException("VR " + vrName + ": no checkpoint series (take a snapshot first, or again after"
                    + " a part failed to write)");
        }
        inSeries = false;
        write(ImageKind.DELTA, seriesId, round + 1);
        round++;
        inSeries = true;
        return image;
    }

    private void write(ImageKind kind, long series, int imageRound) {
        BufferCheckpointWriter w = out.reset();
        int headerLength = HEADER_FIXED_LENGTH + vrNameUtf8.length;
        w.putInt(MAGIC);
        w.putShort(MAJOR);
        w.putShort(MINOR);
        w.putShort(headerLength);
        w.putByte(kind.code());
        w.putByte(0);
        w.putInt(vrId);
        w.putLong(series);
        w.putInt(imageRound);
        w.putLong(clockMillis.getAsLong());
        w.putInt(parts.length);
        w.putShort(vrNameUtf8.length);
        for (byte b : vrNameUtf8) {
            w.putByte(b);
        }
        w.putInt(crc.compute(w.buffer(), 0, w.length()));

        for (int i = 0; i < parts.length; i++) {
            Checkpointable part = parts[i];
            int start = w.length();
            w.putByte(partNames[i].capacity());
            w.putRaw(partNames[i], 0, partNames[i].capacity());
            w.putInt(part.partVersion());
            int lengthAt = w.length();
            w.putInt(0);
            int payloadStart = w.length();
            if (kind == ImageKind.SNAPSHOT) {
                part.writeSnapshot(w);
            } else {
                part.writeDelta(w);
            }
            if (w.length() < payloadStart) {
                throw new IllegalStateException("part '" + part.partName() + "' moved the writer backwards");
            }
            int payload = w.length() - payloadStart;
            w.buffer().putInt(lengthAt, payload, ORDER);
            w.putInt(crc.compute(w.buffer(), start, w.length() - start));
            sectionLengths[i] = payload;
        }
        w.putInt(END_MAGIC);
        w.putInt(parts.length);
        w.putInt(w.length() + 4);
        imageLength = w.length();
        image.wrap(w.buffer(), 0, imageLength);
    }

    /** The last image written (a view of the internal buffer, valid until the next call). */
    public DirectBuffer image() {
        return image;
    }

    /** Bytes of the last image. */
    public int imageLength() {
        return imageLength;
    }

    /** The series of the current snapshot (meaningless before the first). */
    public long seriesId() {
        return seriesId;
    }

    /** The round of the last image: 0 for a snapshot, -1 before any. */
    public int round() {
        return round;
    }

    /** Whether {@link #delta()} may be called (a snapshot was written and no part failed since). */
    public boolean inSeries() {
        return inSeries;
    }

    public int partCount() {
        return parts.length;
    }

    public Checkpointable part(int index) {
        return parts[index];
    }

    /** Payload bytes that part {@code index} wrote into the last image. */
    public int sectionLength(int index) {
        return sectionLengths[index];
    }

    public int vrId() {
        return vrId;
    }

    public String vrName() {
        return vrName;
    }
}
