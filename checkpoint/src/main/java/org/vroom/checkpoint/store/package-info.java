/**
 * State stores for the large tables of a virtual router: a {@code long} key mapped to a variable-length
 * byte value, off the Java heap, with a change listener for dirty tracking.
 *
 * <ul>
 *   <li>{@link org.vroom.checkpoint.store.StateStore}: the interface; values move as byte ranges of Agrona
 *       buffers, nothing is allocated per operation.</li>
 *   <li>{@link org.vroom.checkpoint.store.OffHeapStore}: purpose-built (open-addressing index, slab arena
 *       with size-class free lists), single-threaded, in memory.</li>
 *   <li>{@code ChronicleStore} (through {@link org.vroom.checkpoint.store.StateStores#chronicle}): Chronicle
 *       Map, thread-safe, optionally persisted to a file and recovered after a crash. Analytics are
 *       disabled before any Chronicle class loads.</li>
 *   <li>{@link org.vroom.checkpoint.store.DirtyKeys} and {@link org.vroom.checkpoint.store.StoreCheckpoint}:
 *       a store as a checkpoint part (snapshot of every entry, deltas of the dirty keys).</li>
 * </ul>
 *
 * <p>Threads: a store belongs to its VR's loop; the Chronicle store also tolerates other threads.
 */
package org.vroom.checkpoint.store;
