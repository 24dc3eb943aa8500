package org.vroom.checkpoint;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a virtual router's parts from checkpoint images as they arrive: first a snapshot, then each
 * delta of its series in round order, each applied at once. A migration target therefore builds the VR
 * while the pre-copy rounds come in, and the freeze on the source covers only the transfer and
 * application of the final delta.
 *
 * <h2>What is refused</h2>
 * Everything is a {@link CheckpointFormatException} with a message an operator can act on:
 * <ul>
 *   <li>the frame ({@link ImageReader}): bad magic, a newer or older major format version, a header or
 *       section CRC mismatch (naming the part), truncation, trailing bytes;</li>
 *   <li>the order: a delta before any snapshot, a delta of another series or another VR, a round that
 *       was already applied, a gap in the rounds;</li>
 *   <li>the parts: a section for a part this VR does not have, a part with no section, a part version
 *       newer than the part here reads;</li>
 *   <li>a part's own decoding: whatever the part refuses, plus bytes a part left unread; any other
 *       runtime exception thrown by a part is wrapped, so nothing else escapes {@link #apply}.</li>
 * </ul>
 * Frame, order and part-list problems are found before any part is touched: the state is unchanged and
 * the restorer accepts the right image next. A failure inside a part leaves the parts half-applied:
 * the restorer then accepts only a new snapshot ({@link #failed()}).
 *
 * <p>A snapshot may arrive at any time and starts over (a source that restarted its pre-copy).
 *
 * <p>Threads: the loop of the VR being restored (every part method runs on it).
 */
public final class Restorer {
    private final Checkpointable[] parts;
    private final Map<String, Integer> byName = new HashMap<>();
    private final int[] sectionOf;
    private final ImageReader frame = new ImageReader();
    private final BufferCheckpointReader reader = new BufferCheckpointReader();

    private boolean hasSnapshot;
    private boolean failed;
    private long seriesId;
    private int round = -1;
    private int vrId;
    private String vrName;
    private int imagesApplied;

    /** Restores into {@code parts} (new, not started), applied in this order (put config first). */
    public Restorer(List<? extends Checkpointable> parts) {
        this.parts = parts.toArray(new Checkpointable[0]);
        for (int i = 0; i < this.parts.length; i++) {
            if (byName.put(this.parts[i].partName(), i) != null) {
                throw new IllegalArgumentException("two parts are named '" + this.parts[i].partName() + "'");
            }
        }
        this.sectionOf = new int[this.parts.length];
    }

    /** Applies a whole image held in {@code image[0, capacity)}. */
    public ImageHeader apply(DirectBuffer image) {
        return apply(image, 0, image.capacity());
    }

    /** Checks and applies the image {@code buffer[offset, offset + length)}; returns its header. */
    public ImageHeader apply(DirectBuffer buffer, int offset, int length) {
        ImageHeader h = frame.read(buffer, offset, length);
        checkOrder(h);
        matchParts(h);
        boolean snapshot = h.kind() == ImageKind.SNAPSHOT;
        if (snapshot) {
            hasSnapshot = false;
        }
        for (int i = 0; i < parts.length; i++) {
            applyPart(i, snapshot);
        }
        hasSnapshot = true;
        failed = false;
        seriesId = h.seriesId();
        round = h.round();
        vrId = h.vrId();
        vrName = h.vrName();
        imagesApplied++;
        return h;
    }

    private void checkOrder(ImageHeader h) {
        if (h.kind() == ImageKind.SNAPSHOT) {
            return;
        }
        String what = "delta round " + h.round() + " of series " + Long.toHexString(h.seriesId());
        if (failed) {
            throw new CheckpointFormatException(what + " refused: an earlier image failed to apply, restore from a new"
                    + " snapshot");
        }
        if (!hasSnapshot) {
            throw new CheckpointFormatException(what + " arrived before any snapshot");
        }
        if (h.vrId() != vrId) {
            throw new CheckpointFormatException(what + " is for VR " + h.vrId() + " (" + h.vrName() + "), the snapshot"
                    + " restored here is of VR " + vrId + " (" + vrName + ")");
        }
        if (h.seriesId() != seriesId) {
            throw new CheckpointFormatException(what + " belongs to another series than the snapshot restored here ("
                    + Long.toHexString(seriesId) + "): wrong series");
        }
        if (h.round() <= round) {
            throw new CheckpointFormatException(what + " was already applied (last round " + round
                    + "): duplicate or out of order");
        }
        if (h.round() != round + 1) {
            throw new CheckpointFormatException(what + " after round " + round + ": round gap, round"
                    + (h.round() == round + 2 ? " " + (round + 1) : "s " + (round + 1) + ".." + (h.round() - 1))
                    + " missing");
        }
    }

    private void matchParts(ImageHeader h) {
        for (int i = 0; i < sectionOf.length; i++) {
            sectionOf[i] = -1;
        }
        List<String> unknown = null;
        for (int s = 0; s < frame.sectionCount(); s++) {
            Integer p = byName.get(frame.sectionName(s));
            if (p == null) {
                if (unknown == null) {
                    unknown = new ArrayList<>();
                }
                unknown.add(frame.sectionName(s));
                continue;
            }
            sectionOf[p] = s;
        }
        List<String> missing = null;
        for (int i = 0; i < parts.length; i++) {
            if (sectionOf[i] < 0) {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(parts[i].partName());
            }
        }
        if (unknown != null || missing != null) {
            throw new CheckpointFormatException(h.kind().name().toLowerCase(java.util.Locale.ROOT) + " round " + h.round()
                    + " of VR " + h.vrName() + " does not match the parts here:"
                    + (unknown != null ? " unknown part" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown) : "")
                    + (unknown != null && missing != null ? ";" : "")
                    + (missing != null ? " missing part" + (missing.size() > 1 ? "s " : " ") + quoted(missing) : "")
                    + " (the image has " + quoted(sectionNames()) + ", this VR restores " + quoted(partNames()) + ")");
        }
        for (int i = 0; i < parts.length; i++) {
            int version = frame.sectionVersion(sectionOf[i]);
            int mine = parts[i].partVersion();
            if (version > mine) {
                throw new CheckpointFormatException("part '" + parts[i].partName() + "' is version " + version
                        + ", this node reads up to version " + mine + ": upgrade the node");
            }
            if (version < 0) {
                throw new CheckpointFormatException("part '" + parts[i].partName() + "' has version " + version);
            }
        }
    }

    private void applyPart(int i, boolean snapshot) {
        Checkpointable part = parts[i];
        int s = sectionOf[i];
        BufferCheckpointReader in = frame.section(s, reader);
        int version = frame.sectionVersion(s);
        try {
            if (snapshot) {
                part.restoreSnapshot(in, version);
            } else {
                part.applyDelta(in, version);
            }
            if (in.remaining() != 0) {
                throw in.formatError((snapshot ? "restoreSnapshot" : "applyDelta") + " left " + in.remaining()
                        + " bytes of the section unread (written by another part version?)");
            }
        } catch (CheckpointFormatException e) {
            failed = true;
            String m = e.getMessage();
            if (m != null && m.contains("part '" + part.partName() + "'")) {
                throw e;
            }
            throw new CheckpointFormatException(in.formatError(String.valueOf(m)).getMessage(), e);
        } catch (RuntimeException e) {
            failed = true;
            throw new CheckpointFormatException(in.formatError("failed to " + (snapshot ? "restore: " : "apply a delta: ")
                    + e).getMessage(), e);
        }
    }

    private List<String> sectionNames() {
        List<String> l = new ArrayList<>();
        for (int s = 0; s < frame.sectionCount(); s++) {
            l.add(frame.sectionName(s));
        }
        return l;
    }

    private List<String> partNames() {
        List<String> l = new ArrayList<>();
        for (Checkpointable p : parts) {
            l.add(p.partName());
        }
        return l;
    }

    private static String quoted(List<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append('\'').append(n).append('\'');
        }
        return b.toString();
    }

    /** Whether a snapshot has been applied (and nothing failed since). */
    public boolean hasSnapshot() {
        return hasSnapshot && !failed;
    }

    /** Whether a part failed to apply an image: only a new snapshot is accepted now. */
    public boolean failed() {
        return failed;
    }

    /** The series being restored (meaningless before the first snapshot). */
    public long seriesId() {
        return seriesId;
    }

    /** The last round applied: 0 after the snapshot, -1 before. */
    public int round() {
        return round;
    }

    /** The VR id of the images applied. */
    public int vrId() {
        return vrId;
    }

    public String vrName() {
        return vrName;
    }

    /** Images applied successfully since this restorer was made. */
    public int imagesApplied() {
        return imagesApplied;
    }
}
