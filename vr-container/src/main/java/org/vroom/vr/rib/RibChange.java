package org.vroom.vr.rib;

import org.vroom.packetio.codec.Ipv4Addresses;

/**
 * A change of the best route of one prefix, handed to {@link RibListener}s. It is a flyweight that the
 * RIB reuses: read it during the callback, copy what you keep. For {@link Kind#ADDED} the previous
 * fields are empty (null source and next hops); for {@link Kind#REMOVED} the current ones are.
 */
public final class RibChange {
    /** What happened to the best route. */
    public enum Kind { ADDED, CHANGED, REMOVED }

    Kind kind;
    int prefix;
    int length;
    RouteSource previousSource;
    int previousDistance;
    int previousMetric;
    NextHopSet previousNextHops;
    RouteSource source;
    int distance;
    int metric;
    NextHopSet nextHops;

    RibChange() {
    }

    public Kind kind() {
        return kind;
    }

    public int prefix() {
        return prefix;
    }

    public int length() {
        return length;
    }

    public RouteSource previousSource() {
        return previousSource;
    }

    public int previousDistance() {
        return previousDistance;
    }

    public int previousMetric() {
        return previousMetric;
    }

    /** The next hops before the change; null for ADDED. */
    public NextHopSet previousNextHops() {
        return previousNextHops;
    }

    public RouteSource source() {
        return source;
    }

    public int distance() {
        return distance;
    }

    public int metric() {
        return metric;
    }

    /** The next hops after the change; null for REMOVED. */
    public NextHopSet nextHops() {
        return nextHops;
    }

    /** Whether the forwarding result changed (not only distance, metric or source). */
    public boolean nextHopsChanged() {
        return previousNextHops == null || !previousNextHops.equals(nextHops);
    }

    @Override
    public String toString() {
        String p = Ipv4Addresses.format(prefix) + "/" + length;
        return switch (kind) {
            case ADDED -> "ADDED " + p + " " + source + " [" + distance + "/" + metric + "] " + nextHops;
            case REMOVED -> "REMOVED " + p + " " + previousSource + " [" + previousDistance + "/" + previousMetric + "] "
                    + previousNextHops;
            case CHANGED -> "CHANGED " + p + " " + previousSource + " [" + previousDistance + "/" + previousMetric + "] "
                    + previousNextHops + " -> " + source + " [" + distance + "/" + metric + "] " + nextHops;
        };
    }
}
