package org.vroom.checkpoint;

/** What a checkpoint image holds: the whole state (round 0 of a series) or what changed in one round. */
public enum ImageKind {
    /** The whole state of every part: round 0 of a new series. */
    SNAPSHOT(1),
    /** What changed since the previous round of the same series. */
    DELTA(2);

    private final int code;

    ImageKind(int code) {
        this.code = code;
    }

    /** The byte written in the header. */
    public int code() {
        return code;
    }

    /** The kind of header byte {@code code}, or null if unknown. */
    public static ImageKind fromCode(int code) {
        return code == 1 ? SNAPSHOT : code == 2 ? DELTA : null;
    }
}
