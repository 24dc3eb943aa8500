package org.vroom.vr.spi;

/** Why a TCP connection ended abnormally ({@link TcpConnectionHandler#onError}). */
public enum TcpError {
    /** The peer answered our SYN with a RST: nothing listens on that port (or it refused us). */
    CONNECTION_REFUSED,
    /** The peer reset an established connection (an in-window RST with the exact next sequence number). */
    CONNECTION_RESET,
    /** Retransmissions (of the SYN or of data) went unanswered up to the configured limit. */
    TIMED_OUT,
    /** No route to the peer when the connection had to choose its local address. */
    NO_ROUTE
}
