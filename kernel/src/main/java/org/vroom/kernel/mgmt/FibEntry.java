package org.vroom.kernel.mgmt;

import java.util.Objects;
import org.vroom.kernel.config.Ipv4;

/**
 * What a VR's FIB holds for a prefix, resolved through its adjacency table.
 *
 * @param prefix        the installed prefix, or null when the FIB could only tell the next hop of an
 *                      address lookup
 * @param kind          the adjacency kind: "forward", "glean" (connected subnet), "local", "drop",
 *                      "reject", ...
 * @param adjacency     the adjacency (next-hop) index in the VR's table
 * @param nextHop       the gateway address, or 0 when none (connected, local, drop)
 * @param interfaceName the outgoing interface, or null when none
 * @param mac           the resolved destination MAC, or 0 while unresolved or when none
 */
public record FibEntry(Ipv4.Prefix prefix, String kind, int adjacency, int nextHop, String interfaceName,
                       long mac) {
    public FibEntry {
        Objects.requireNonNull(kind, "kind");
    }
}
