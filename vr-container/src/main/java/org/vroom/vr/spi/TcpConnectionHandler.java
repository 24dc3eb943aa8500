package org.vroom.vr.spi;

import org.agrona.DirectBuffer;

/**
 * What a TCP connection tells its application, on the VR loop. Callbacks may call back into the
 * connection (write, pause, close, abort) and into the stack; after {@link TcpConnection#close()} or
 * {@link TcpConnection#abort()} the application hears nothing more from that connection.
 */
@FunctionalInterface
public interface TcpConnectionHandler {
    /**
     * Received bytes, in order: {@code buffer[offset, offset + length)} holds every byte received and
     * not yet consumed, contiguously, and is valid only during the call. Return how many bytes you
     * consumed from the front (0..length). If that was some but not all, the call is repeated with the
     * rest at once; once you return 0 (or consume everything), the rest stays in the receive buffer
     * (closing the window as it fills) and is offered again, with whatever arrives next, on the next
     * arrival or on {@link TcpConnection#resumeReading()}. A framed protocol (BGP) consumes whole
     * messages and returns 0 for a partial one; the receive buffer must hold its largest message.
     */
    int onData(TcpConnection connection, DirectBuffer buffer, int offset, int length);

    /** The handshake completed (active open), or the connection was accepted (after the accept handler). */
    default void onConnected(TcpConnection connection) {
    }

    /** A write was short (or refused) and room has returned in the send buffer. */
    default void onWritable(TcpConnection connection) {
    }

    /** The peer sent FIN after the bytes already offered to {@link #onData}: nothing more will arrive. */
    default void onPeerClosed(TcpConnection connection) {
    }

    /** The connection ended in order: both sides sent FIN and ours was acknowledged. */
    default void onClosed(TcpConnection connection) {
    }

    /** The connection ended abnormally (reset, refused, timed out); it is gone. */
    default void onError(TcpConnection connection, TcpError error) {
    }
}
