package org.vroom.vr.spi;

/** The states of a TCP connection (RFC 9293 section 3.3.2). */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** Whether the handshake is complete (both sides know each other's initial sequence numbers). */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** Whether the application may still queue data to send (before its FIN). */
    public boolean canSend() {
        return this == SYN_SENT || this == SYN_RECEIVED || this == ESTABLISHED || this == CLOSE_WAIT;
    }

    /** Whether data from the peer can still arrive (its FIN has not been received). */
    public boolean canReceive() {
        return this == SYN_SENT || this == SYN_RECEIVED || this == ESTABLISHED || this == FIN_WAIT_1
                || this == FIN_WAIT_2;
    }
}
