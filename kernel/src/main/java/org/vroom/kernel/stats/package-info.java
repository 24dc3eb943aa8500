/**
 * Node counters that operators read live from outside the process, without talking to it (the model
 * is Aeron's CnC file and AeronStat).
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>{@link org.vroom.kernel.stats.NodeCounters}: the writer side. Creates
 *       {@code <dir>/<node-name>.counters} (default dir {@code /dev/shm/vroom}, see
 *       {@link org.vroom.kernel.stats.CountersLayout#defaultDirectory()}), allocates and frees counters.</li>
 *   <li>{@link org.vroom.kernel.stats.CounterSet}, {@link org.vroom.kernel.stats.CounterKind},
 *       {@link org.vroom.kernel.stats.PortCounter}, {@link org.vroom.kernel.stats.VrCounter}: the fixed
 *       list of counters of one port or VR, allocated together from an enum, freed together.</li>
 *   <li>{@link org.vroom.kernel.stats.CountersLayout} (file and header),
 *       {@link org.vroom.kernel.stats.CounterTypes} (type ids, key layouts): the documented format, the
 *       only contract between writer and readers.</li>
 *   <li>{@link org.vroom.kernel.stats.CountersFileReader}, {@link org.vroom.kernel.stats.CountersSnapshot},
 *       {@link org.vroom.kernel.stats.CounterRecord}: the read side, usable from any process.</li>
 *   <li>{@link org.vroom.kernel.stats.StatTool}: {@code vroom stat}, table or JSON lines, one shot or
 *       {@code --watch} with rates. Management code: no dependency from the data plane on it.</li>
 * </ul>
 *
 * <h2>File layout</h2>
 * A 1024-byte versioned header (magic, layout version, pid and its /proc start time, node start time,
 * buffer lengths, state, node name), then Agrona's {@code CountersManager} metadata buffer (512 bytes
 * per counter: state, type id, free-for-reuse deadline, 112-byte key, label), then its values buffer
 * (128 bytes per counter, so each value owns two cache lines and writers on different cores never
 * share a line). Details in {@link org.vroom.kernel.stats.CountersLayout} and
 * {@link org.vroom.kernel.stats.CounterTypes}. The file is sparse on tmpfs: only touched pages use
 * memory.
 *
 * <h2>Ownership of a node name</h2>
 * The writer holds an exclusive lock on {@code <node-name>.lock} for its whole life (released by the
 * kernel even on SIGKILL) and refuses to start when the existing file's header names a live pid (per
 * /proc, start time included, so a recycled pid does not count). A file left behind by a dead process
 * is stale: readers say so, and the next start replaces it by writing a new file and renaming it over
 * the old one. A clean {@code close()} deletes the file (configurable), so a stale file always means
 * a crash.
 *
 * <h2>Threads and the writer rules</h2>
 * <ul>
 *   <li><b>Allocation and freeing</b> (node start, port added, VR created/removed) run on control
 *       threads, never per packet; they are serialised by a lock. A counter id is reused only after the
 *       free-to-reuse timeout (default 1 s), and each allocation carries a fresh registration id, so a
 *       reader never confuses a freed counter with its successor. Free a VR's or port's counters only
 *       after its writer thread has dropped them.</li>
 *   <li><b>Writing, the rule</b>: per-packet code never executes an atomic read-modify-write
 *       ({@code increment()}, {@code getAndAdd()}, CAS: a locked instruction per packet), never
 *       allocates a counter and never looks one up by name; it holds the {@code CounterSet} or
 *       {@code AtomicCounter} it was given and tallies in plain fields. Tallies reach the shared counter
 *       in one of two ways:
 *       <ol>
 *         <li><b>single writer</b> (preferred): the counter has exactly one writer thread, which uses
 *             {@code incrementRelease()} / {@code getAndAddRelease(n)} / {@code setRelease(total)} (a
 *             plain load and a release store, no locked instruction), or {@code CounterSet.add} per
 *             packet and {@code CounterSet.publish()} once per batch;</li>
 *         <li><b>several writers</b>: when threads must add to the same counter (a worker and a VR's
 *             control loop both counting {@code forwarded}), every one of them uses atomic
 *             {@code getAndAdd(n)}, at most once per counter per batch. Mixing the two ways on one
 *             counter loses updates: a release store from one thread overwrites another's add.</li>
 *       </ol></li>
 *   <li><b>Who writes what</b> (single-writer layout): a forwarding worker owns the
 *       counters of the ports it polls and of the VRs it forwards for; when several workers serve the
 *       same port or VR, each gets its own shard ({@code ports(name, shard)}, {@code vr(id, name, shard)})
 *       and readers sum the shards. Counters bumped on a VR's control loop (host-stack ARP, ICMP echo)
 *       live in a shard owned by that loop.</li>
 *   <li><b>Reading</b>: any thread of any process maps the file read-only and reads values with volatile
 *       loads. A value read is always a whole 64-bit value; values of different counters are not a
 *       consistent cut.</li>
 * </ul>
 */
package org.vroom.kernel.stats;
