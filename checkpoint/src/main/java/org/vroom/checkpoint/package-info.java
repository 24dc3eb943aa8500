/**
 * Checkpoint: the snapshot/delta SPI every stateful part of a virtual router implements (full
 * snapshot, delta since round k from dirty tracking, restore from snapshot plus deltas), the
 * versioned binary format, and the state stores for large tables (Chronicle Map or a purpose-built
 * off-heap store). Not implemented yet: see the issue on the host stack and checkpoint/restore.
 */
package org.vroom.checkpoint;
