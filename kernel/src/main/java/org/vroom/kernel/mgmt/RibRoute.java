package org.vroom.kernel.mgmt;

import java.util.List;
import java.util.Objects;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.RouteAction;

/**
 * One route of a VR's RIB.
 *
 * @param prefix   the destination (host bits clear)
 * @param protocol where it comes from: "connected", "local", "static", "ospf", "bgp", ...
 * @param distance its administrative distance (connected 0, static 1, eBGP 20, OSPF 110, iBGP 200)
 * @param metric   its protocol metric (0 if none)
 * @param action   FORWARD to the next hops, or DROP / REJECT
 * @param nextHops where it forwards (empty for DROP and REJECT)
 * @param best     true if this is the selected route for its prefix (the one shadowd pushes to the FIB)
 */
public record RibRoute(Ipv4.Prefix prefix, String protocol, int distance, long metric, RouteAction action,
                       List<NextHop> nextHops, boolean best) {
    public RibRoute {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(action, "action");
        nextHops = List.copyOf(nextHops);
    }

    /**
     * A next hop of a route.
     *
     * @param address       the gateway, or 0 for a directly connected destination
     * @param interfaceName the outgoing interface, or null if not known yet
     */
    public record NextHop(int address, String interfaceName) {
    }
}
