/**
 * The checkpoint parts of a virtual router that live in vr-container, and the list of parts a VR
 * checkpoints.
 *
 * <ul>
 *   <li>{@link org.vroom.vr.checkpoint.ConfigCheckpoint}: part {@code config}, the {@link org.vroom.vr.VrConfig}
 *       (protocol instances by name only for now).</li>
 *   <li>The RIB's part is {@link org.vroom.vr.rib.RibCheckpoint} (in the RIB's package: it reads the RIB's
 *       interned next-hop table and replaces candidate lists in one selection).</li>
 *   <li>{@link org.vroom.vr.checkpoint.VrParts}: the parts of a VR in restore order (config first), for a
 *       {@link org.vroom.checkpoint.Checkpointer} on the source and a {@link org.vroom.checkpoint.Restorer}
 *       on the target.</li>
 * </ul>
 *
 * <p>Threads: every method runs on the VR's loop (while frozen too, as a control command).
 */
package org.vroom.vr.checkpoint;
