package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.vr.spi.TcpAcceptHandler;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpConnectionHandler;
import org.vroom.vr.spi.TcpError;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A test application on one end of a connection: records events, checks received bytes against a
 * {@link Pattern} stream (or keeps them), and sends a pattern stream of a given length as fast as the
 * send buffer takes it.
 */
final class Endpoint implements TcpConnectionHandler, TcpAcceptHandler {
    final String name;
    final List<String> events = new ArrayList<>();
    final List<TcpConnection> accepted = new ArrayList<>();
    TcpConnection connection;
    boolean connected;
    boolean peerClosed;
    boolean closed;
    TcpError error;

    // receiving
    long receiveSeed;
    boolean checkPattern;
    long received;
    long mismatches;
    long firstMismatch = -1;
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean keep;
    int consumeAtMost = Integer.MAX_VALUE;
    long dataCalls;

    // sending
    long sendSeed;
    long toSend;
    long sent;
    boolean shutdownWhenSent;
    boolean closeWhenSent;
    private final byte[] chunk = new byte[16 * 1024];
    private final UnsafeBuffer chunkBuffer = new UnsafeBuffer(chunk);

    Endpoint(String name) {
        this.name = name;
    }

    /** Expects the pattern stream {@code seed} to arrive. */
    Endpoint expect(long seed) {
        this.receiveSeed = seed;
        this.checkPattern = true;
        return this;
    }

    /** Sends {@code bytes} of pattern stream {@code seed} once connected. */
    Endpoint send(long seed, long bytes) {
        this.sendSeed = seed;
        this.toSend = bytes;
        return this;
    }

    Endpoint keepData() {
        this.keep = true;
        return this;
    }

    @Override
    public TcpConnectionHandler onAccept(TcpConnection c) {
        accepted.add(c);
        events.add("accept");
        this.connection = c;
        return this;
    }

    @Override
    public void onConnected(TcpConnection c) {
        this.connection = c;
        connected = true;
        events.add("connected");
        pump();
    }

    @Override
    public int onData(TcpConnection c, DirectBuffer buffer, int offset, int length) {
        dataCalls++;
        int n = Math.min(length, consumeAtMost);
        for (int i = 0; i < n; i++) {
            byte b = buffer.getByte(offset + i);
            if (checkPattern && b != Pattern.at(receiveSeed, received + i)) {
                if (firstMismatch < 0) {
                    firstMismatch = received + i;
                }
                mismatches++;
            }
            if (keep) {
                kept.write(b);
            }
        }
        received += n;
        return n;
    }

    @Override
    public void onWritable(TcpConnection c) {
        events.add("writable");
        pump();
    }

    @Override
    public void onPeerClosed(TcpConnection c) {
        peerClosed = true;
        events.add("peer-closed");
    }

    @Override
    public void onClosed(TcpConnection c) {
        closed = true;
        events.add("closed");
    }

    @Override
    public void onError(TcpConnection c, TcpError e) {
        error = e;
        events.add("error " + e);
    }

    /** Writes as much of the pending stream as the send buffer takes. */
    void pump() {
        if (connection == null) {
            return;
        }
        while (sent < toSend) {
            int n = (int) Math.min(chunk.length, toSend - sent);
            for (int i = 0; i < n; i++) {
                chunk[i] = Pattern.at(sendSeed, sent + i);
            }
            int w = connection.write(chunkBuffer, 0, n);
            if (w <= 0) {
                return;
            }
            sent += w;
            if (w < n) {
                return;
            }
        }
        if (sent == toSend && toSend > 0) {
            if (closeWhenSent) {
                closeWhenSent = false;
                connection.close();
            } else if (shutdownWhenSent) {
                shutdownWhenSent = false;
                connection.shutdownOutput();
            }
        }
    }

    byte[] data() {
        return kept.toByteArray();
    }

    @Override
    public String toString() {
        return name + events;
    }
}
