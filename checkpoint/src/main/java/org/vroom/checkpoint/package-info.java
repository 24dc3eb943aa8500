/**
 * Checkpoint: the snapshot/delta SPI every stateful part of a virtual router implements, the versioned
 * binary image format ({@code checkpoint/FORMAT.md}) and the drivers on both sides of a migration.
 *
 * <ul>
 *   <li>SPI: {@link org.vroom.checkpoint.Checkpointable} (a part: snapshot, delta from dirty tracking,
 *       restore), {@link org.vroom.checkpoint.CheckpointWriter}, {@link org.vroom.checkpoint.CheckpointReader},
 *       {@link org.vroom.checkpoint.CheckpointFormatException}.</li>
 *   <li>Codec: {@link org.vroom.checkpoint.BufferCheckpointWriter} (appends to a growing off-heap Agrona
 *       buffer, nothing allocated per value) and {@link org.vroom.checkpoint.BufferCheckpointReader} (a
 *       bounds-checked flyweight over any Agrona buffer).</li>
 *   <li>Container: {@link org.vroom.checkpoint.ImageFormat} (constants), {@link org.vroom.checkpoint.ImageReader}
 *       (checks the frame: magic, versions, CRC-32C of header and sections, truncation, trailer),
 *       {@link org.vroom.checkpoint.ImageHeader}, {@link org.vroom.checkpoint.ImageKind}.</li>
 *   <li>Drivers: {@link org.vroom.checkpoint.Checkpointer} (source: snapshot, then delta round after
 *       round) and {@link org.vroom.checkpoint.Restorer} (target: applies each image as it arrives,
 *       refusing anything out of order, unknown, missing or corrupt).</li>
 *   <li>{@link org.vroom.checkpoint.store}: off-heap state stores for large tables.</li>
 * </ul>
 *
 * <p>Threads: everything runs on the loop of the VR being checkpointed or restored; nothing here locks.
 */
package org.vroom.checkpoint;
