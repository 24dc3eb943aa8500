package org.vroom.vr.spi;

/** Decides about connections a {@link TcpListener} completed the handshake for, on the VR loop. */
@FunctionalInterface
public interface TcpAcceptHandler {
    /**
     * A connection to the listener is established. Return its handler (it then receives
     * {@link TcpConnectionHandler#onConnected}), or null to refuse it: the stack resets it. The
     * application may inspect the connection's addresses here (BGP accepts configured peers only).
     */
    TcpConnectionHandler onAccept(TcpConnection connection);
}
