package org.vroom.vr.spi;

/** A passive open on (local address or any, port). Every method is called on the VR loop. */
public interface TcpListener {
    /** Stable within the VR, also across checkpoint and restore. */
    long id();

    /** The local address listened on, or 0 for every address of the VR. */
    int localAddress();

    int localPort();

    TcpOptions options();

    /** Re-attaches (after a restore) or replaces the accept handler. While there is none, SYNs are dropped. */
    void setAcceptHandler(TcpAcceptHandler handler);

    TcpAcceptHandler acceptHandler();

    /**
     * The TCP-MD5 key for connections from {@code remoteAddress} (BGP: one key per peer), overriding the
     * options' key; null removes it. Segments from a peer with a key must carry a valid signature;
     * segments from a peer without one must carry none.
     */
    void setMd5Key(int remoteAddress, byte[] key);

    /** Connections in SYN-RECEIVED on this listener (counted against the backlog). */
    int pendingConnections();

    /** Stops listening; connections in SYN-RECEIVED are reset, accepted ones are not touched. Idempotent. */
    void close();

    boolean isClosed();
}
