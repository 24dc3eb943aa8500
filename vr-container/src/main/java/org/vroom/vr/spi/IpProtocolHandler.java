package org.vroom.vr.spi;

import org.agrona.DirectBuffer;

/**
 * Receives the IPv4 datagrams of one IP protocol addressed to the VR: to one of its addresses, or to
 * a link-local multicast group such as 224.0.0.5/224.0.0.6 (OSPF). The buffer holds the whole datagram
 * from the IP header on (the data plane has checked the header and its checksum) and is only valid
 * during the call: copy what you keep.
 */
@FunctionalInterface
public interface IpProtocolHandler {
    void onIpPacket(int ifIndex, DirectBuffer buffer, int offset, int length);
}
