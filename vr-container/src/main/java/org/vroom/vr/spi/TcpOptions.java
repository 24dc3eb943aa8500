package org.vroom.vr.spi;

import java.util.Arrays;

/**
 * Per-connection (and per-listener) TCP settings. Immutable; build variants with the {@code with*}
 * methods from {@link #DEFAULT}. A listener's options become the options of the connections it accepts.
 *
 * @param mss               maximum segment size to announce and to send with, or 0: the outgoing
 *                          interface's MTU minus 40 (a peer's smaller MSS always wins)
 * @param windowScale       our window scale shift (RFC 7323) 0..14, {@link #WINDOW_SCALE_AUTO} (the
 *                          smallest shift that covers the receive buffer) or {@link #WINDOW_SCALE_OFF}
 *                          (no option: neither side scales)
 * @param receiveBufferSize bytes of received data held for the application (bounds the advertised
 *                          window and the out-of-order queue)
 * @param sendBufferSize    bytes of unacknowledged plus unsent data accepted from the application
 * @param md5Key            TCP-MD5 key (RFC 2385), 1..80 bytes, or null. On a listener: the key for
 *                          every peer without its own key ({@link TcpListener#setMd5Key})
 * @param ttl               IP TTL of what we send, 1..255 (GTSM, RFC 5082: 255)
 * @param minTtl            received segments with a lower IP TTL are dropped (GTSM: 255 - hops); 0: no check
 * @param tos               IP TOS byte of what we send (BGP uses 0xC0, internetwork control)
 * @param backlog           listeners: connections allowed in SYN-RECEIVED at once; further SYNs are dropped
 * @param maxRetransmits    retransmission timeouts in a row (no new data acknowledged) before the
 *                          connection is aborted with {@link TcpError#TIMED_OUT}
 * @param maxSynRetransmits the same for a SYN (or a SYN-ACK of a passive connection)
 * @param delayedAck        whether in-order data may be acknowledged after a short delay (every second
 *                          full segment is acknowledged at once either way)
 */
public record TcpOptions(int mss, int windowScale, int receiveBufferSize, int sendBufferSize, byte[] md5Key,
                         int ttl, int minTtl, int tos, int backlog, int maxRetransmits, int maxSynRetransmits,
                         boolean delayedAck) {
    public static final int WINDOW_SCALE_AUTO = -1;
    public static final int WINDOW_SCALE_OFF = -2;
    public static final int MAX_WINDOW_SCALE = 14;
    public static final int MIN_BUFFER = 1024;
    public static final int MAX_BUFFER = 1 << 30;
    public static final int MAX_MD5_KEY = 80;
    /** Smallest MSS we accept to configure (RFC 9293 requires at least 536 to be receivable; 88 is the IPv4 floor we allow). */
    public static final int MIN_MSS = 88;

    public static final TcpOptions DEFAULT = new TcpOptions(0, WINDOW_SCALE_AUTO, 128 * 1024, 128 * 1024, null, 64, 0,
            0, 16, 15, 6, true);

    public TcpOptions {
        if (mss != 0 && (mss < MIN_MSS || mss > 65495)) {
            throw new IllegalArgumentException("mss " + mss + " is not 0 (automatic) or " + MIN_MSS + "..65495");
        }
        if (windowScale < WINDOW_SCALE_OFF || windowScale > MAX_WINDOW_SCALE) {
            throw new IllegalArgumentException("window scale " + windowScale + " is not -2 (off), -1 (auto) or 0..14");
        }
        checkBuffer("receive", receiveBufferSize);
        checkBuffer("send", sendBufferSize);
        if (md5Key != null) {
            if (md5Key.length < 1 || md5Key.length > MAX_MD5_KEY) {
                throw new IllegalArgumentException("TCP-MD5 key length " + md5Key.length + " is not 1.." + MAX_MD5_KEY);
            }
            md5Key = md5Key.clone();
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("ttl " + ttl + " is not 1..255");
        }
        if (minTtl < 0 || minTtl > 255) {
            throw new IllegalArgumentException("min ttl " + minTtl + " is not 0..255");
        }
        if (tos < 0 || tos > 255) {
            throw new IllegalArgumentException("tos " + tos + " is not 0..255");
        }
        if (backlog < 1 || backlog > 65535) {
            throw new IllegalArgumentException("backlog " + backlog + " is not 1..65535");
        }
        if (maxRetransmits < 1 || maxRetransmits > 100) {
            throw new IllegalArgumentException("max retransmits " + maxRetransmits + " is not 1..100");
        }
        if (maxSynRetransmits < 1 || maxSynRetransmits > 100) {
            throw new IllegalArgumentException("max SYN retransmits " + maxSynRetransmits + " is not 1..100");
        }
    }

    private static void checkBuffer(String what, int size) {
        if (size < MIN_BUFFER || size > MAX_BUFFER) {
            throw new IllegalArgumentException(what + " buffer " + size + " is not " + MIN_BUFFER + ".." + MAX_BUFFER);
        }
    }

    /** A copy of the key (the record keeps its own). */
    @Override
    public byte[] md5Key() {
        return md5Key == null ? null : md5Key.clone();
    }

    public boolean hasMd5Key() {
        return md5Key != null;
    }

    /** The window scale shift to announce for this receive buffer, or -1 when scaling is off. */
    public int effectiveWindowScale() {
        if (windowScale == WINDOW_SCALE_OFF) {
            return -1;
        }
        if (windowScale >= 0) {
            return windowScale;
        }
        int shift = 0;
        while (shift < MAX_WINDOW_SCALE && (65535L << shift) < receiveBufferSize) {
            shift++;
        }
        return shift;
    }

    public TcpOptions withMss(int value) {
        return new TcpOptions(value, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withWindowScale(int value) {
        return new TcpOptions(mss, value, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withReceiveBufferSize(int value) {
        return new TcpOptions(mss, windowScale, value, sendBufferSize, md5Key, ttl, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withSendBufferSize(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, value, md5Key, ttl, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withMd5Key(byte[] value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, value, ttl, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withTtl(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, value, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withMinTtl(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, value, tos, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withTos(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, value, backlog,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withBacklog(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, tos, value,
                maxRetransmits, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withMaxRetransmits(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, tos, backlog,
                value, maxSynRetransmits, delayedAck);
    }

    public TcpOptions withMaxSynRetransmits(int value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, tos, backlog,
                maxRetransmits, value, delayedAck);
    }

    public TcpOptions withDelayedAck(boolean value) {
        return new TcpOptions(mss, windowScale, receiveBufferSize, sendBufferSize, md5Key, ttl, minTtl, tos, backlog,
                maxRetransmits, maxSynRetransmits, value);
    }

    /** GTSM (RFC 5082) for a peer {@code hops} away: send with TTL 255, accept only TTL 255 - hops + 1 and up. */
    public TcpOptions withGtsm(int hops) {
        if (hops < 1 || hops > 255) {
            throw new IllegalArgumentException("GTSM hops " + hops + " is not 1..255");
        }
        return withTtl(255).withMinTtl(256 - hops);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpOptions t && mss == t.mss && windowScale == t.windowScale
                && receiveBufferSize == t.receiveBufferSize && sendBufferSize == t.sendBufferSize
                && Arrays.equals(md5Key, t.md5Key) && ttl == t.ttl && minTtl == t.minTtl && tos == t.tos
                && backlog == t.backlog && maxRetransmits == t.maxRetransmits
                && maxSynRetransmits == t.maxSynRetransmits && delayedAck == t.delayedAck;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(md5Key);
        h = 31 * h + mss;
        h = 31 * h + windowScale;
        h = 31 * h + receiveBufferSize;
        h = 31 * h + sendBufferSize;
        h = 31 * h + ttl;
        h = 31 * h + minTtl;
        h = 31 * h + tos;
        h = 31 * h + backlog;
        h = 31 * h + maxRetransmits;
        h = 31 * h + maxSynRetransmits;
        return 31 * h + (delayedAck ? 1 : 0);
    }

    /** Never shows the key, only whether there is one. */
    @Override
    public String toString() {
        return "TcpOptions[mss=" + (mss == 0 ? "auto" : mss) + ", ws="
                + (windowScale == WINDOW_SCALE_AUTO ? "auto" : windowScale == WINDOW_SCALE_OFF ? "off" : windowScale)
                + ", rcvbuf=" + receiveBufferSize + ", sndbuf=" + sendBufferSize + ", md5=" + (md5Key != null)
                + ", ttl=" + ttl + ", minTtl=" + minTtl + ", tos=" + tos + ", backlog=" + backlog
                + ", retries=" + maxRetransmits + "/" + maxSynRetransmits + ", delack=" + delayedAck + "]";
    }
}
