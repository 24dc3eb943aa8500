package org.vroom.kernel.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration of one vroom node (one process on one box), as read by {@link NodeConfigLoader}.
 * Immutable. The compact constructors of the records check each record's own invariants (and throw
 * {@link IllegalArgumentException}); cross-record rules (unique names, references, bindings, subnets,
 * next hops) are checked by {@link NodeConfigLoader#validate(NodeConfig)}, which the loader runs.
 *
 * @param name       the node's name (default: the host name)
 * @param workers    the number of forwarding worker threads, 1..64
 * @param management the management API settings
 * @param ports      the substrate ports, in file order (immutable)
 * @param vrs        the virtual routers, in file order (immutable)
 */
public record NodeConfig(String name, int workers, ManagementConfig management, List<PortConfig> ports,
                         List<VrConfig> vrs) {
    /** Most forwarding workers a node may run. */
    public static final int MAX_WORKERS = 64;

    /** Checks the invariants of the node section and copies the lists. */
    public NodeConfig {
        Text.requireName(name, "node name", Text.MAX_NODE_NAME);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers " + workers + " is out of range 1..64");
        }
        Objects.requireNonNull(management, "management");
        ports = List.copyOf(ports);
        vrs = List.copyOf(vrs);
    }

    /** The port named {@code portName}, if any. */
    public Optional<PortConfig> findPort(String portName) {
        return ports.stream().filter(p -> p.name().equals(portName)).findFirst();
    }

    /** The VR named {@code vrName}, if any. */
    public Optional<VrConfig> findVr(String vrName) {
        return vrs.stream().filter(v -> v.name().equals(vrName)).findFirst();
    }
}
