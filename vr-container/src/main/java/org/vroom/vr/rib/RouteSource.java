package org.vroom.vr.rib;

/**
 * Where a RIB candidate comes from, with its default administrative distance (Cisco/FRR values).
 *
 * <p>The declaration order is the last tie-break of route selection: between candidates of equal
 * distance and metric, the source declared first wins. {@link #code()} is the stable number written
 * in checkpoints and batches; it never changes once assigned (do not use {@link #ordinal()} on the wire).
 */
public enum RouteSource {
    /** The VR's own addresses (/32, local delivery). */
    LOCAL(0, 1),
    /** Subnets of the VR's interfaces. */
    CONNECTED(0, 2),
    /** Configured static routes. */
    STATIC(1, 3),
    /** Routes learned from an external BGP peer. */
    EBGP(20, 4),
    /** OSPF intra-area, inter-area and external routes (OSPF orders them itself). */
    OSPF(110, 5),
    /** IS-IS (no implementation yet; kept so distances match common practice). */
    ISIS(115, 6),
    /** RIP (no implementation yet). */
    RIP(120, 7),
    /** Routes learned from an internal BGP peer, and BGP-originated aggregates. */
    IBGP(200, 8);

    /** The largest distance a candidate may have; a distance of 255 means "never use" and is refused. */
    public static final int MAX_DISTANCE = 254;

    private static final RouteSource[] BY_CODE = new RouteSource[16];
    private static final RouteSource[] VALUES = values();

    static {
        for (RouteSource s : VALUES) {
            BY_CODE[s.code] = s;
        }
    }

    private final int defaultDistance;
    private final int code;

    RouteSource(int defaultDistance, int code) {
        this.defaultDistance = defaultDistance;
        this.code = code;
    }

    /** The administrative distance a candidate of this source gets unless the caller gives another. */
    public int defaultDistance() {
        return defaultDistance;
    }

    /** Stable wire/checkpoint code, 1..15. */
    public int code() {
        return code;
    }

    /** The source with wire code {@code code}, or null for an unknown code (decoders report it, never throw). */
    public static RouteSource fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    static RouteSource fromOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
