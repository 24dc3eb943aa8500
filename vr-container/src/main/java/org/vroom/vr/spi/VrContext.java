package org.vroom.vr.spi;

import org.agrona.DirectBuffer;
import org.vroom.vr.loop.TimerHandle;
import org.vroom.vr.rib.Rib;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What a protocol instance sees of its virtual router: identity, interfaces, raw IP send and receive,
 * timers on the VR loop, the clock, randomness, the RIB, counters and logging. No sockets, threads or
 * substrate types: the same protocol code runs in a deterministic in-memory test and on a node.
 *
 * <p>Each protocol instance gets its own context, bound to its own {@link ResourceScope}: timers,
 * handlers, listeners and counters made through it are released when the instance stops, even if the
 * instance forgets to.
 *
 * <p>Threads: call it only on the VR loop (from {@link Protocol#start}, a handler, a timer or a task).
 */
public interface VrContext {
    /** {@link #sendIp} interface value: route the datagram by its destination through the RIB. */
    int ROUTE_BY_DESTINATION = -1;

    // identity ---------------------------------------------------------------------------------

    int vrId();

    String vrName();

    // interfaces -------------------------------------------------------------------------------

    /** The current interfaces, ordered by index (an immutable snapshot). */
    List<VrInterface> interfaces();

    /** The interface with index {@code ifIndex}, or null. */
    VrInterface interfaceByIndex(int ifIndex);

    /** The interface named {@code name}, or null. */
    VrInterface interfaceByName(String name);

    /** The interface that owns address {@code address}, or null. */
    default VrInterface interfaceByAddress(int address) {
        for (VrInterface i : interfaces()) {
            if (i.address() == address) {
                return i;
            }
        }
        return null;
    }

    /** The interface the VR's route to {@code destination} leaves by, or null (see {@link Rib#outgoingHops}). */
    default VrInterface routeInterface(int destination) {
        org.vroom.vr.rib.NextHopSet hops = rib().outgoingHops(destination);
        return hops == null ? null : interfaceByIndex(hops.ifIndex(0));
    }

    /** Tells {@code listener} of interface changes from now on (not of the current interfaces). */
    Registration addInterfaceListener(InterfaceListener listener);

    // packets ----------------------------------------------------------------------------------

    /**
     * Sends the complete IPv4 datagram {@code buffer[offset, offset + length)} (header written and
     * checksummed by the caller) out of interface {@code ifIndex} to the link-layer next hop
     * {@code nextHop}: a neighbour's address, a multicast group (224.0.0.5), or 0 for "the
     * destination is on the link". With {@code ifIndex == ROUTE_BY_DESTINATION}, the VR chooses the
     * interface and next hop from its RIB (multi-hop BGP, replies). The data is copied before the call
     * returns. Never throws for network conditions: the status says what happened.
     */
    SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length);

    /**
     * Receives IP protocol {@code ipProtocol} (89 for OSPF) from now on. One handler per protocol
     * number per VR: a second registration throws.
     */
    Registration registerProtocol(int ipProtocol, IpProtocolHandler handler);

    /** The VR's TCP stack (shared by its protocol instances). Throws UnsupportedOperationException if the host has none. */
    TcpStack tcp();

    /** The VR's UDP. Throws UnsupportedOperationException if the VR's host provides none. */
    UdpStack udp();

    // time and tasks ---------------------------------------------------------------------------

    /** Runs {@code task} once after {@code delayNanos} on the VR loop. */
    TimerHandle schedule(long delayNanos, Runnable task);

    /** Runs {@code task} on the VR loop on its next turn. */
    void execute(Runnable task);

    /** The VR's clock (stands still while the VR is frozen). */
    long nanoTime();

    /** The VR's randomness (seeded per VR in deterministic mode): jitter, DD sequence numbers, ISNs. */
    RandomGenerator random();

    // routes, counters, logs -------------------------------------------------------------------

    /** The VR's RIB; install routes under your own {@link org.vroom.vr.rib.RouteSource}. */
    Rib rib();

    /** A counter named {@code <component>.<name>} of this VR, freed with the instance. */
    Counter counter(String name);

    /** A logger for this instance. Not for per-packet paths. */
    System.Logger logger();

    /** The instance's resource scope, for anything else it allocates (off-heap tables, queues). */
    ResourceScope scope();
}
