package org.vroom.vr.spi;

import org.agrona.DirectBuffer;

/** A bound UDP port of a VR. VR loop only. */
public interface UdpSocket {
    int localAddress();

    int localPort();

    /**
     * Sends {@code buffer[offset, offset + length)} to {@code remoteAddress:remotePort}, routed by the
     * VR's RIB, from the socket's address or, when it is bound to all, from the outgoing interface's.
     * The data is copied before the call returns.
     */
    SendStatus send(int remoteAddress, int remotePort, DirectBuffer buffer, int offset, int length);

    /**
     * Sends out of interface {@code ifIndex} to {@code remoteAddress} (a multicast group, a broadcast
     * address or a neighbour on that link), from that interface's address, with IP TTL {@code ttl}.
     */
    SendStatus sendOn(int ifIndex, int remoteAddress, int remotePort, int ttl, DirectBuffer buffer, int offset,
                      int length);

    /** Unbinds the port; no more datagrams are delivered. Idempotent. */
    void close();

    boolean isClosed();
}
