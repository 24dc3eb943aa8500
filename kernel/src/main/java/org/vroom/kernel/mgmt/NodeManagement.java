package org.vroom.kernel.mgmt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.CounterRecord;

/**
 * What the management API needs from a node: the facade the node implements and the
 * {@link ManagementServer} calls. Keeping it narrow keeps the API decoupled from how the node is built
 * (data plane, VR containers, RIB) and lets the API be tested against an in-memory fake.
 *
 * <h2>Threads</h2>
 * Every method is called on a management executor thread, never on a Netty event loop and never on a
 * forwarding or VR thread; several methods may run at the same time (the executor has a few threads),
 * so an implementation must be thread-safe. A method may block briefly, for example to run a read on a
 * VR's control loop and wait for the answer (the FIB's exact-match read and the neighbour table are
 * VR-loop-only state); the server answers 504 when a call takes longer than its timeout. A method must
 * never run management work on a forwarding thread. The server runs its state-changing calls
 * ({@link #createVr}, {@link #reconfigureVr}, {@link #deleteVr}, {@link #freeze}, {@link #thaw}) one at a
 * time, each right after validating against {@link #config()}; reads run concurrently with them.
 *
 * <h2>Errors</h2>
 * A method fails with a {@link ManagementException} whose {@link ManagementException.Kind} becomes the
 * HTTP status (not found 404, conflict 409, invalid 400, unsupported 501, unavailable 503); any other
 * exception is reported as 500 and logged. The server validates request bodies against the
 * configuration rules before it calls {@link #createVr} or {@link #reconfigureVr} (see
 * {@link org.vroom.kernel.config.NodeConfigLoader#validate}), so an implementation may assume the
 * configuration it is given passes them against the {@link #config()} it returned just before.
 */
public interface NodeManagement {
    /**
     * The node's current configuration: the file it started from with every VR created, reconfigured or
     * deleted through this facade since (so that new requests are validated against the live node).
     */
    NodeConfig config();

    /** When the node started (wall clock). */
    Instant startedAt();

    /** How long the node has been running (monotonic clock). */
    Duration uptime();

    /** The status of every VR, in configuration order. */
    List<VrStatus> vrs();

    /**
     * The status of one VR.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR
     */
    VrStatus vr(String name) throws ManagementException;

    /**
     * A VR's interfaces with their runtime state, in configuration order.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR
     */
    List<InterfaceStatus> interfaces(String vr) throws ManagementException;

    /**
     * Every route of a VR's RIB (all protocols, best and not best), sorted by prefix then distance.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR
     */
    List<RibRoute> rib(String vr) throws ManagementException;

    /**
     * The FIB entry installed for exactly {@code prefix}, if any.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR
     */
    Optional<FibEntry> fibExact(String vr, Ipv4.Prefix prefix) throws ManagementException;

    /**
     * The FIB entry a packet to {@code address} uses (longest-prefix match), if any. The entry's prefix
     * may be null when the FIB can only tell the next hop.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR
     */
    Optional<FibEntry> fibLookup(String vr, int address) throws ManagementException;

    /**
     * A VR's ARP neighbour cache.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR
     */
    List<NeighbourEntry> neighbours(String vr) throws ManagementException;

    /**
     * Every counter of the node as read from its counters file (for example
     * {@code CountersFileReader.snapshot().counters()}): node, port and VR counters, all shards. The server
     * sums shards itself.
     */
    List<CounterRecord> counters();

    /**
     * Creates, binds and starts a VR.
     *
     * @param config a configuration that passed the node's rules together with {@link #config()}
     * @return the new VR's status
     * @throws ManagementException CONFLICT if a VR with that name or id appeared meanwhile, INVALID if the
     *                             node cannot build it (with the offending field), UNAVAILABLE if it cannot
     *                             now (resources)
     */
    VrStatus createVr(VrConfig config) throws ManagementException;

    /**
     * Stops a VR, unbinds its interfaces, frees its FIB and counters, and removes it from the
     * configuration.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR, CONFLICT if it cannot be deleted now
     *                             (for example while it migrates)
     */
    void deleteVr(String name) throws ManagementException;

    /**
     * Changes a VR's configuration to {@code config} (same name): applies what can be applied to the
     * running VR and records the rest, which takes effect when the VR restarts. {@link VrConfigDiff}
     * lists the changes and proposes which apply in place.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR, INVALID or CONFLICT if the change is
     *                             refused (nothing changed then)
     */
    ReconfigureResult reconfigureVr(String name, VrConfig config) throws ManagementException;

    /**
     * Freezes a VR's control plane: its loop stops running tasks and buffers inbound control packets
     * (bounded); its data plane keeps forwarding. Idempotent.
     *
     * @return true if the VR was running and is now frozen, false if it was already frozen
     * @throws ManagementException NOT_FOUND if there is no such VR, CONFLICT if it cannot be frozen now
     */
    boolean freeze(String name) throws ManagementException;

    /**
     * Thaws a frozen VR: replays the buffered control packets in order and resumes its loop. Idempotent.
     *
     * @return true if the VR was frozen and now runs, false if it was already running
     * @throws ManagementException NOT_FOUND if there is no such VR, CONFLICT if it cannot be thawed now
     */
    boolean thaw(String name) throws ManagementException;

    /** What a checkpoint or a restore did: the image's size, where it is kept, and how long it took. */
    record CheckpointInfo(String vr, long bytes, String file, double millis) {
    }

    /**
     * Checkpoints a frozen VR: every part of its state as one image, kept by the node for
     * {@link #restore} and written to {@code file} (format: checkpoint/FORMAT.md). The VR stays frozen.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR, CONFLICT if it is not frozen
     */
    default CheckpointInfo checkpoint(String name) throws ManagementException {
        throw new ManagementException(ManagementException.Kind.UNSUPPORTED, "checkpoints are not supported here");
    }

    /**
     * Destroys a frozen VR's control plane and restores it from its last {@link #checkpoint} on the same
     * data plane (which forwards throughout); the VR stays frozen until {@link #thaw}.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR, CONFLICT if it is not frozen or has no
     *                             checkpoint
     */
    default CheckpointInfo restore(String name) throws ManagementException {
        throw new ManagementException(ManagementException.Kind.UNSUPPORTED, "checkpoints are not supported here");
    }

    /** What a pre-copy replacement did: image sizes in order (snapshot first, final delta last), times. */
    record PrecopyInfo(String vr, java.util.List<Integer> imageBytes, double frozenMillis, double totalMillis) {
    }

    /**
     * Replaces a running VR's control plane by a restored copy with pre-copy (snapshot and delta rounds
     * while it runs, then a final delta frozen), as a migration will; the VR runs on afterwards.
     *
     * @throws ManagementException NOT_FOUND if there is no such VR, CONFLICT if it is not running
     */
    default PrecopyInfo precopy(String name) throws ManagementException {
        throw new ManagementException(ManagementException.Kind.UNSUPPORTED, "checkpoints are not supported here");
    }
}
