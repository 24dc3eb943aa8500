package org.vroom.vr.rib;

import org.vroom.packetio.codec.Ipv4Addresses;

/**
 * A route as a value, for management, checkpoints and tests (the RIB itself stores no such objects).
 *
 * @param prefix   the network, host order, host bits clear
 * @param length   0..32
 * @param source   where it comes from
 * @param origin   which candidate of that source (protocol-chosen key); for a best route, the origin of
 *                 the candidate that won the tie-breaks (an ECMP best may combine several candidates)
 * @param distance administrative distance
 * @param metric   the source's metric
 * @param nextHops where it forwards to
 */
public record Route(int prefix, int length, RouteSource source, int origin, int distance, int metric, NextHopSet nextHops) {
    @Override
    public String toString() {
        return Ipv4Addresses.format(prefix) + "/" + length + " " + source + "#" + origin + " [" + distance + "/" + metric
                + "] " + nextHops;
    }
}
