package org.vroom.kernel.config;

import java.util.List;
import java.util.Optional;

/**
 * One virtual router's configuration.
 *
 * @param name         the VR's name, unique in the node
 * @param id           the VR's id, 1..2^31-1, unique in the node (and meant to stay with the VR when it migrates)
 * @param interfaces   its interfaces, in file order (immutable)
 * @param staticRoutes its static routes, in file order (immutable)
 */
public record VrConfig(String name, int id, List<InterfaceConfig> interfaces, List<StaticRouteConfig> staticRoutes) {
    /** VR ids are 24 bits: the id is part of every interface MAC (02:vv:vv:vv:ii:ii), which must be unique. */
    public static final int MAX_ID = 0xFF_FFFF;

    /** Checks the invariants of one VR and copies the lists; cross-checks are the loader's. */
    public VrConfig {
        Text.requireName(name, "VR name", Text.MAX_NAME);
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("VR " + name + ": id " + id + " is out of range 1.." + MAX_ID);
        }
        interfaces = List.copyOf(interfaces);
        staticRoutes = List.copyOf(staticRoutes);
    }

    /** The interface named {@code interfaceName}, if any. */
    public Optional<InterfaceConfig> findInterface(String interfaceName) {
        return interfaces.stream().filter(i -> i.name().equals(interfaceName)).findFirst();
    }
}
