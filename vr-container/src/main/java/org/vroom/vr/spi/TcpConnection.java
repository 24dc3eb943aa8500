package org.vroom.vr.spi;

import org.agrona.DirectBuffer;

/**
 * One TCP connection of a VR's host stack. Non-blocking and event driven: every method is called on
 * the VR loop, and events arrive at the {@link TcpConnectionHandler}. Addresses are host-order IPv4
 * ints; sequence numbers are the raw 32-bit values.
 */
public interface TcpConnection {
    /** Stable within the VR, also across checkpoint and restore (re-attach handlers by id). */
    long id();

    TcpState state();

    int localAddress();

    int localPort();

    int remoteAddress();

    int remotePort();

    /** Whether the connection was accepted by a listener (passive open). */
    boolean isPassive();

    /** The options it runs with (a listener's, for an accepted connection). */
    TcpOptions options();

    /** Replaces the handler (after a restore, or to hand the connection to another component). */
    void setHandler(TcpConnectionHandler handler);

    /** The current handler, or null (restored and not yet re-attached: data waits in the buffer). */
    TcpConnectionHandler handler();

    /**
     * Queues up to {@code length} bytes to send and returns how many were accepted (the rest did not fit
     * in the send buffer: {@link TcpConnectionHandler#onWritable} follows when room returns). Data is
     * sent at once as far as the windows allow (no Nagle delay). Returns -1 if the connection can no
     * longer send (closed, reset, or output shut down). Data written before the handshake completes is
     * sent after it.
     */
    int write(DirectBuffer buffer, int offset, int length);

    /** Free bytes in the send buffer now (0 when it cannot send). */
    int writableBytes();

    /** Sends FIN after the queued data; reading continues (half close). Idempotent. */
    void shutdownOutput();

    /**
     * Closes in order: FIN after the queued data, and no more callbacks. If received data is still
     * unread, or data arrives after this, the connection is reset instead (as Linux does), since nobody
     * will read it. Idempotent.
     */
    void close();

    /** Resets the connection (RST if synchronized) and forgets it at once. No more callbacks. Idempotent. */
    void abort();

    /** Stops delivering data: it stays in the receive buffer and the advertised window closes as it fills. */
    void pauseReading();

    /** Delivers what waited and reopens the window (a window update is sent if it opened enough). */
    void resumeReading();

    boolean isReadingPaused();

    /** Bytes received in order and not yet consumed by the application. */
    int readableBytes();

    /** SND.UNA: oldest unacknowledged sequence number. */
    int sndUna();

    /** SND.NXT: next sequence number to send. */
    int sndNxt();

    /** RCV.NXT: next sequence number expected. */
    int rcvNxt();

    TcpConnectionStats stats();
}
