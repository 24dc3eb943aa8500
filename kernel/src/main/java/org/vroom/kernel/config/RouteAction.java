package org.vroom.kernel.config;

/** What a static route does with matching packets. */
public enum RouteAction {
    /** Forward to the route's next hop ({@code via}). */
    FORWARD,
    /** Discard silently (blackhole); YAML {@code action: drop}. */
    DROP,
    /** Discard and answer with ICMP destination unreachable; YAML {@code action: reject}. */
    REJECT
}
