package org.vroom.vr.spi;

import org.agrona.DirectBuffer;

/** Receives the datagrams of a {@link UdpSocket}; the buffer is valid only during the call. */
@FunctionalInterface
public interface UdpHandler {
    /**
     * @param ifIndex     the VR interface the datagram arrived on
     * @param source      the sender's address
     * @param sourcePort  the sender's port
     * @param destination the address it was sent to (one of the VR's, a multicast group or a broadcast)
     */
    void onDatagram(UdpSocket socket, int ifIndex, int source, int sourcePort, int destination, DirectBuffer buffer,
                    int offset, int length);
}
