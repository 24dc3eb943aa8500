package org.vroom.vr.loop;

import org.agrona.DirectBuffer;

/**
 * Where a {@link VrLoop} delivers inbound control packets (IPv4 datagrams received on interface
 * {@code ifIndex}) while it runs, and replays the ones it buffered while frozen. The buffer is only
 * valid during the call.
 */
@FunctionalInterface
public interface InboundHandler {
    void onPacket(int ifIndex, DirectBuffer buffer, int offset, int length);
}
