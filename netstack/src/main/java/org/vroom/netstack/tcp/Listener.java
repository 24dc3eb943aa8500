package org.vroom.netstack.tcp;

import org.agrona.collections.Int2ObjectHashMap;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.spi.TcpAcceptHandler;
import org.vroom.vr.spi.TcpListener;
import org.vroom.vr.spi.TcpOptions;

/** A passive open: address (or any) and port, options, per-peer MD5 keys, the accept handler. */
final class Listener implements TcpListener {
    private final TcpHost host;
    private final long id;
    private final int localAddress;
    private final int localPort;
    private final TcpOptions options;
    /** The options' key, kept once (the record hands out copies). */
    private final byte[] defaultKey;
    final Int2ObjectHashMap<byte[]> peerKeys = new Int2ObjectHashMap<>();
    private TcpAcceptHandler acceptHandler;
    int pending;
    boolean closed;

    Listener(TcpHost host, long id, int localAddress, int localPort, TcpOptions options) {
        this.host = host;
        this.id = id;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.options = options;
        this.defaultKey = options.md5Key();
    }

    /** Whether {@code key} is the options' own key (not a per-peer one). */
    boolean isDefaultKey(byte[] key) {
        return key == defaultKey;
    }

    /** The MD5 key that applies to segments from {@code remoteAddress}, or null. */
    byte[] keyFor(int remoteAddress) {
        byte[] k = peerKeys.get(remoteAddress);
        return k != null ? k : defaultKey;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int localAddress() {
        return localAddress;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public TcpOptions options() {
        return options;
    }

    @Override
    public void setAcceptHandler(TcpAcceptHandler handler) {
        this.acceptHandler = handler;
    }

    @Override
    public TcpAcceptHandler acceptHandler() {
        return acceptHandler;
    }

    @Override
    public void setMd5Key(int remoteAddress, byte[] key) {
        if (key == null) {
            peerKeys.remove(remoteAddress);
        } else {
            if (key.length < 1 || key.length > TcpOptions.MAX_MD5_KEY) {
                throw new IllegalArgumentException("TCP-MD5 key length " + key.length + " is not 1.."
                        + TcpOptions.MAX_MD5_KEY);
            }
            peerKeys.put(remoteAddress, key.clone());
        }
        host.listenersChanged();
    }

    @Override
    public int pendingConnections() {
        return pending;
    }

    @Override
    public void close() {
        if (!closed) {
            host.closeListener(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    String describe() {
        StringBuilder b = new StringBuilder("listener ").append(id).append(' ')
                .append(Ipv4Addresses.format(localAddress)).append(':').append(localPort).append(' ').append(options)
                .append(" key=").append(Tcb.keyDigest(defaultKey)).append(" peers=");
        peerKeys.keySet().stream().sorted().forEach(
                a -> b.append(Ipv4Addresses.format(a)).append('=').append(Tcb.keyDigest(peerKeys.get(a))).append(' '));
        return b.append("pending=").append(pending).toString();
    }

    @Override
    public String toString() {
        return "TcpListener[" + id + " " + Ipv4Addresses.format(localAddress) + ":" + localPort + "]";
    }
}
