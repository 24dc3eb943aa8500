package org.vroom.kernel.mgmt;

import java.util.Objects;

/**
 * One entry of a VR's ARP neighbour cache.
 *
 * @param address       the neighbour's IPv4 address
 * @param mac           its MAC, or 0 while unresolved
 * @param state         "incomplete", "reachable", "probe", "failed", ...
 * @param interfaceName the interface it was learned or resolved on
 */
public record NeighbourEntry(int address, long mac, String state, String interfaceName) {
    public NeighbourEntry {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(interfaceName, "interfaceName");
    }
}
