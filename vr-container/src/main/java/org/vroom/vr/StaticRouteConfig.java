package org.vroom.vr;

import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.rib.RouteSource;

/**
 * A static route: {@code prefix/length} forwarded to gateway {@code via} (on a named interface, or
 * the interface whose subnet holds {@code via}), or dropped, or rejected.
 *
 * @param prefix        network, host order, host bits clear
 * @param length        0..32
 * @param via           the gateway, or 0 for DROP and REJECT
 * @param interfaceName the interface the gateway is on, or null to find it by subnet
 * @param action        FORWARD if and only if {@code via != 0}
 * @param distance      administrative distance 1..254 (above another source's to make it a floating static)
 * @param metric        tie-break among static routes of equal distance, ≥ 0
 */
public record StaticRouteConfig(int prefix, int length, int via, String interfaceName, Action action, int distance,
                                int metric) {
    /** What the route does. */
    public enum Action { FORWARD, DROP, REJECT }

    public StaticRouteConfig {
        String p = Ipv4Addresses.format(prefix) + "/" + length;
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("route " + p + ": prefix length is out of range 0..32");
        }
        if (length < 32 && (prefix & ~(length == 0 ? 0 : -1 << (32 - length))) != 0) {
            throw new IllegalArgumentException("route " + p + " has host bits set");
        }
        if (action == null) {
            throw new IllegalArgumentException("route " + p + ": action must not be null");
        }
        if ((action == Action.FORWARD) != (via != 0)) {
            throw new IllegalArgumentException("route " + p + ": a route forwards if and only if it has a gateway");
        }
        if (interfaceName != null && via == 0) {
            throw new IllegalArgumentException("route " + p + ": an interface is only allowed with a gateway");
        }
        if (distance < 1 || distance > RouteSource.MAX_DISTANCE) {
            throw new IllegalArgumentException("route " + p + ": distance " + distance + " is out of range 1..254");
        }
        if (metric < 0) {
            throw new IllegalArgumentException("route " + p + ": metric " + metric + " is negative");
        }
    }

    public static StaticRouteConfig forward(int prefix, int length, int via) {
        return new StaticRouteConfig(prefix, length, via, null, Action.FORWARD, RouteSource.STATIC.defaultDistance(), 0);
    }

    public static StaticRouteConfig forward(int prefix, int length, int via, String interfaceName) {
        return new StaticRouteConfig(prefix, length, via, interfaceName, Action.FORWARD,
                RouteSource.STATIC.defaultDistance(), 0);
    }

    public static StaticRouteConfig drop(int prefix, int length) {
        return new StaticRouteConfig(prefix, length, 0, null, Action.DROP, RouteSource.STATIC.defaultDistance(), 0);
    }

    public static StaticRouteConfig reject(int prefix, int length) {
        return new StaticRouteConfig(prefix, length, 0, null, Action.REJECT, RouteSource.STATIC.defaultDistance(), 0);
    }

    public StaticRouteConfig withDistance(int newDistance) {
        return new StaticRouteConfig(prefix, length, via, interfaceName, action, newDistance, metric);
    }

    /** The candidate key in the RIB: the gateway (0 for drop/reject, so a prefix has one discard route). */
    int origin() {
        return via;
    }

    @Override
    public String toString() {
        return Ipv4Addresses.format(prefix) + "/" + length
                + (via != 0 ? " via " + Ipv4Addresses.format(via) : " " + action.name().toLowerCase(java.util.Locale.ROOT))
                + (interfaceName != null ? " dev " + interfaceName : "") + (distance != 1 ? " distance " + distance : "")
                + (metric != 0 ? " metric " + metric : "");
    }
}
