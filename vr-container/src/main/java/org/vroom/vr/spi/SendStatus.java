package org.vroom.vr.spi;

/** What became of a datagram handed to {@link VrContext#sendIp}. Never thrown: returned and counted. */
public enum SendStatus {
    /** Handed to the data plane for transmission. */
    SENT,
    /** Accepted, waiting for ARP to resolve the next hop (bounded queue in the host stack). */
    QUEUED,
    /** No route to the destination (or the route drops, rejects or is local). */
    NO_ROUTE,
    /** No such interface. */
    NO_INTERFACE,
    /** The interface is disabled or its link is down. */
    INTERFACE_DOWN,
    /** Longer than the interface MTU (the VR does not fragment what it originates). */
    TOO_BIG,
    /** Not an IPv4 datagram (shorter than a header, wrong version). */
    MALFORMED,
    /** The transmit queue is full; try again later. */
    TX_FULL,
    /** The VR is not running (frozen or stopped). */
    NOT_RUNNING
}
