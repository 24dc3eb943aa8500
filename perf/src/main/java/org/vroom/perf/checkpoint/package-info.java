/**
 * Checkpoint figures: {@link org.vroom.perf.checkpoint.CheckpointFigures} (snapshot, restore and
 * iterative pre-copy of a VR with a full table; the final delta bounds freeze → thaw) and
 * {@link org.vroom.perf.checkpoint.StoreFigures} (state stores for a million RIB-like records). Mains that
 * print Markdown tables; single-threaded, run on an otherwise quiet machine.
 */
package org.vroom.perf.checkpoint;
