package org.vroom.kernel.config;

/**
 * A static route of a VR: {@code prefix/length} either forwarded to next hop {@code via} (optionally
 * pinned to an interface), or dropped or rejected.
 *
 * @param prefix        the destination network, host order, host bits clear
 * @param length        the prefix length, 0..32
 * @param via           the next hop, or 0 for none (then {@code action} is DROP or REJECT)
 * @param interfaceName the outgoing interface the next hop is pinned to, or null; only with a next hop
 * @param action        FORWARD if and only if {@code via != 0}
 */
public record StaticRouteConfig(int prefix, int length, int via, String interfaceName, RouteAction action) {
    /** Checks the invariants of one route; "via lies in a connected subnet" is the loader's check. */
    public StaticRouteConfig {
        final Ipv4.Prefix p = new Ipv4.Prefix(prefix, length);
        if (!p.isNetwork()) {
            throw new IllegalArgumentException("route " + p + " has host bits set");
        }
        if (action == null) {
            throw new IllegalArgumentException("route " + p + ": action must not be null");
        }
        if ((action == RouteAction.FORWARD) != (via != 0)) {
            throw new IllegalArgumentException("route " + p + ": a route forwards if and only if it has a next hop");
        }
        if (via != 0 && Ipv4.unicastProblem(via) != null) {
            throw new IllegalArgumentException("route " + p + ": next hop " + Ipv4.format(via) + " "
                + Ipv4.unicastProblem(via));
        }
        if (interfaceName != null) {
            if (via == 0) {
                throw new IllegalArgumentException("route " + p + ": an interface is only allowed with a next hop");
            }
            Text.requireName(interfaceName, "route " + p + " interface", Text.MAX_NAME);
        }
    }

    /** A route forwarded to {@code via}, on any interface whose subnet holds it. */
    public static StaticRouteConfig forward(Ipv4.Prefix prefix, int via) {
        return new StaticRouteConfig(prefix.address(), prefix.length(), via, null, RouteAction.FORWARD);
    }

    /** A route that drops or rejects. */
    public static StaticRouteConfig discard(Ipv4.Prefix prefix, RouteAction action) {
        return new StaticRouteConfig(prefix.address(), prefix.length(), 0, null, action);
    }

    /** The destination as a prefix. */
    public Ipv4.Prefix destination() {
        return new Ipv4.Prefix(prefix, length);
    }

    /** True if the route has a next hop. */
    public boolean hasVia() {
        return via != 0;
    }

    /** Readable form with dotted-quad addresses. */
    @Override
    public String toString() {
        return "StaticRouteConfig[" + Ipv4.format(prefix, length)
            + (via != 0 ? " via " + Ipv4.format(via) : " " + action.name().toLowerCase(java.util.Locale.ROOT))
            + (interfaceName != null ? " interface " + interfaceName : "") + "]";
    }
}
