package org.vroom.checkpoint;

/**
 * One stateful part of a virtual router (its config, RIB, neighbour cache, TCP control blocks, an OSPF
 * or BGP instance) as the checkpoint sees it. A checkpoint is a full snapshot at round 0 followed by
 * deltas at rounds 1, 2, ...; a delta holds what changed since the previous round, found by dirty
 * tracking (never by re-serialising everything and diffing).
 *
 * <p>Threads: every method runs on the VR's loop (including while the VR is frozen, as a control
 * command). A writer never blocks and never fails for a full buffer: {@link CheckpointWriter} grows.
 *
 * <p>Restore: a new, not yet started part is given {@link #restoreSnapshot} once and then
 * {@link #applyDelta} for every delta in round order. After the last delta it must equal the
 * original at the round of that delta, including timers (as remaining time) and sequence numbers.
 */
public interface Checkpointable {
    /** The part's name in the format: stable, short, unique within a VR ("rib", "tcp", "arp"). */
    String partName();

    /** The version of this part's own record layout, written with every section; readers check it. */
    int partVersion();

    /** Writes the whole state and starts dirty tracking afresh (the snapshot is round 0 of a series). */
    void writeSnapshot(CheckpointWriter out);

    /**
     * Writes what changed since the last {@link #writeSnapshot} or {@code writeDelta} and clears the dirty
     * set. An empty delta is legal (writes nothing or a marker the part understands).
     */
    void writeDelta(CheckpointWriter out);

    /** Replaces this part's state with the snapshot. {@code version}: the part version it was written with. */
    void restoreSnapshot(CheckpointReader in, int version);

    /** Applies one delta written after the snapshot (or the previous delta) restored so far. */
    void applyDelta(CheckpointReader in, int version);
}
