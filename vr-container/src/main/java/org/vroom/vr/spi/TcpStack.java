package org.vroom.vr.spi;

import java.util.List;

/**
 * The VR's user-space TCP (RFC 9293 with RFC 6298 retransmission, RFC 5681/6582 congestion control,
 * RFC 7323 window scaling, RFC 5961 hardening and RFC 2385 TCP-MD5), reached through
 * {@link VrContext#tcp()}. One per VR; it is part of the VR's state and is checkpointed with it, so a
 * connection survives a migration with the same sequence numbers. After a restore, connections and
 * listeners come back with their ids and no handlers: the application finds them with
 * {@link #connections()} / {@link #listeners()} (or by id) and re-attaches with
 * {@link TcpConnection#setHandler} / {@link TcpListener#setAcceptHandler}.
 *
 * <p>Threads: the VR loop only; nothing blocks. Addresses are host-order IPv4 ints.
 */
public interface TcpStack {
    /**
     * Listens on {@code port} of {@code localAddress} (one of the VR's addresses), or of every address
     * with 0.
     *
     * @throws IllegalArgumentException for a port outside 1..65535 or an address the VR does not own
     * @throws IllegalStateException    if that address and port are already listened on
     */
    TcpListener listen(int localAddress, int port, TcpOptions options, TcpAcceptHandler acceptHandler);

    /**
     * Opens a connection to {@code remoteAddress:remotePort} from an ephemeral port of
     * {@code localAddress}, or, with 0, of the address of the interface the route to the peer leaves by.
     * Returns at once (SYN_SENT); the outcome arrives at {@code handler}: {@code onConnected} or
     * {@code onError} (with no route to choose a local address, on the next loop turn).
     *
     * @throws IllegalArgumentException for a bad remote address or port, or a local address the VR does not own
     * @throws IllegalStateException    if no ephemeral port is free for that peer
     */
    TcpConnection connect(int localAddress, int remoteAddress, int remotePort, TcpOptions options,
                          TcpConnectionHandler handler);

    /** Every connection the stack holds (TIME-WAIT and orphaned closing ones included), by id. */
    List<TcpConnection> connections();

    /** Every open listener, by id. */
    List<TcpListener> listeners();

    /** The connection with this id, or null. */
    TcpConnection connection(long id);

    /** The listener with this id, or null. */
    TcpListener listener(long id);
}
