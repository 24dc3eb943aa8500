package org.vroom.vr;

import org.agrona.DirectBuffer;
import org.vroom.vr.loop.InboundHandler;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.IpProtocolHandler;
import org.vroom.vr.spi.Registration;

/**
 * Delivers a VR's inbound datagrams to the handler registered for their IP protocol. Per control
 * packet: no allocation, no lock; malformed datagrams, unknown interfaces and protocols nobody serves
 * are counted and dropped.
 */
final class IpDispatcher implements InboundHandler {
    private final VirtualRouter vr;
    private final IpProtocolHandler[] handlers = new IpProtocolHandler[256];
    private final Counter delivered;
    private final Counter noHandler;
    private final Counter malformed;

    IpDispatcher(VirtualRouter vr, Counter delivered, Counter noHandler, Counter malformed) {
        this.vr = vr;
        this.delivered = delivered;
        this.noHandler = noHandler;
        this.malformed = malformed;
    }

    @Override
    public void onPacket(int ifIndex, DirectBuffer buffer, int offset, int length) {
        if (length < 20 || (buffer.getByte(offset) & 0xF0) != 0x40 || vr.interfaceByIndex(ifIndex) == null) {
            malformed.increment();
            return;
        }
        IpProtocolHandler h = handlers[buffer.getByte(offset + 9) & 0xFF];
        if (h == null) {
            noHandler.increment();
            return;
        }
        delivered.increment();
        h.onIpPacket(ifIndex, buffer, offset, length);
    }

    Registration register(int ipProtocol, IpProtocolHandler handler) {
        if (ipProtocol < 0 || ipProtocol > 255) {
            throw new IllegalArgumentException("IP protocol " + ipProtocol + " is out of range 0..255");
        }
        if (handlers[ipProtocol] != null) {
            throw new IllegalStateException("VR " + vr.name() + ": IP protocol " + ipProtocol + " already has a handler");
        }
        handlers[ipProtocol] = handler;
        return () -> {
            if (handlers[ipProtocol] == handler) {
                handlers[ipProtocol] = null;
            }
        };
    }

    boolean hasHandler(int ipProtocol) {
        return handlers[ipProtocol] != null;
    }
}
