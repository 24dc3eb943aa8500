package org.vroom.vr.spi;

/**
 * The VR's UDP, as protocols use it through {@link VrContext#udp()}: non-blocking, on the VR loop. A
 * socket is bound to a local port (and optionally one of the VR's addresses); datagrams for it are
 * handed to its {@link UdpHandler} as they arrive. Sockets are not checkpointed: a protocol binds its
 * sockets again when it is restored (they hold no state beyond the binding).
 */
public interface UdpStack {
    /**
     * Binds {@code port} (1..65535) on {@code localAddress} (one of the VR's addresses, or 0 for all of
     * them, multicast and broadcast included).
     *
     * @throws IllegalArgumentException for a bad port or an address the VR does not own
     * @throws IllegalStateException    if the port is bound already (on that address or on all)
     */
    UdpSocket bind(int localAddress, int port, UdpHandler handler);
}
