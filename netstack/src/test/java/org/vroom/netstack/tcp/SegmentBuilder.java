package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.codec.InternetChecksum;
import org.vroom.packetio.codec.Ipv4Flyweight;

import java.nio.ByteOrder;

/** Builds IPv4/TCP datagrams by hand for tests: any flags, options, payload; checksums right unless told. */
final class SegmentBuilder {
    int source;
    int destination;
    int sourcePort;
    int destinationPort;
    int seq;
    int ack;
    int flags;
    int window = 65535;
    int ttl = 64;
    byte[] options = new byte[0];
    byte[] payload = new byte[0];
    byte[] md5Key;

    SegmentBuilder(int source, int sourcePort, int destination, int destinationPort) {
        this.source = source;
        this.sourcePort = sourcePort;
        this.destination = destination;
        this.destinationPort = destinationPort;
    }

    SegmentBuilder flags(int f) {
        this.flags = f;
        return this;
    }

    SegmentBuilder seq(int s) {
        this.seq = s;
        return this;
    }

    SegmentBuilder ack(int a) {
        this.ack = a;
        return this;
    }

    SegmentBuilder window(int w) {
        this.window = w;
        return this;
    }

    SegmentBuilder options(byte... o) {
        this.options = o;
        return this;
    }

    SegmentBuilder payload(byte[] p) {
        this.payload = p;
        return this;
    }

    SegmentBuilder ttl(int t) {
        this.ttl = t;
        return this;
    }

    SegmentBuilder md5(byte[] key) {
        this.md5Key = key;
        return this;
    }

    byte[] build() {
        byte[] opts = options;
        int md5At = -1;
        if (md5Key != null) {
            byte[] o = new byte[opts.length + 20];
            System.arraycopy(opts, 0, o, 0, opts.length);
            o[opts.length] = 1;
            o[opts.length + 1] = 1;
            o[opts.length + 2] = 19;
            o[opts.length + 3] = 18;
            md5At = 20 + 20 + opts.length + 4;
            opts = o;
        }
        int headerLength = 20 + ((opts.length + 3) & ~3);
        int tcpLength = headerLength + payload.length;
        byte[] d = new byte[20 + tcpLength];
        UnsafeBuffer b = new UnsafeBuffer(d);
        int t = 20;
        b.putShort(t, (short) sourcePort, ByteOrder.BIG_ENDIAN);
        b.putShort(t + 2, (short) destinationPort, ByteOrder.BIG_ENDIAN);
        b.putInt(t + 4, seq, ByteOrder.BIG_ENDIAN);
        b.putInt(t + 8, ack, ByteOrder.BIG_ENDIAN);
        b.putByte(t + 12, (byte) ((headerLength / 4) << 4));
        b.putByte(t + 13, (byte) flags);
        b.putShort(t + 14, (short) window, ByteOrder.BIG_ENDIAN);
        b.putBytes(t + 20, opts);
        b.putBytes(t + headerLength, payload);
        if (md5At >= 0) {
            byte[] sig = new Md5Signer().sign(source, destination, b, t, headerLength, tcpLength, md5Key);
            b.putBytes(md5At, sig, 0, 16);
        }
        int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum(source, destination, 6, tcpLength),
                InternetChecksum.sum(b, t, tcpLength));
        b.putShort(t + 16, (short) InternetChecksum.complement(sum), ByteOrder.BIG_ENDIAN);
        Ipv4Flyweight.writeHeader(b, 0, 0, d.length, 1, Ipv4Flyweight.FLAG_DF, ttl, 6, source, destination);
        return d;
    }

    /** The flags byte of a datagram built here or sent by the stack (20-byte IP header). */
    static int flagsOf(byte[] datagram) {
        return datagram[33] & 0xFF;
    }

    static int sourceOf(byte[] datagram) {
        return new UnsafeBuffer(datagram).getInt(12, ByteOrder.BIG_ENDIAN);
    }

    static int seqOf(byte[] datagram) {
        return new UnsafeBuffer(datagram).getInt(24, ByteOrder.BIG_ENDIAN);
    }

    static int ackOf(byte[] datagram) {
        return new UnsafeBuffer(datagram).getInt(28, ByteOrder.BIG_ENDIAN);
    }

    static int payloadLengthOf(byte[] datagram) {
        int ihl = (datagram[0] & 0x0F) * 4;
        int doff = ((datagram[ihl + 12] & 0xF0) >>> 4) * 4;
        return datagram.length - ihl - doff;
    }

    static int windowOf(byte[] datagram) {
        return new UnsafeBuffer(datagram).getShort(34, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    static boolean hasMd5(byte[] datagram) {
        int doff = ((datagram[32] & 0xF0) >>> 4) * 4;
        for (int i = 40; i < 20 + doff; ) {
            int kind = datagram[i] & 0xFF;
            if (kind == 0) {
                return false;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (kind == 19) {
                return true;
            }
            i += datagram[i + 1] & 0xFF;
        }
        return false;
    }

    /** Recomputes the TCP checksum of a datagram (20-byte IP header) after the test changed it. */
    static void fixChecksum(byte[] d) {
        UnsafeBuffer b = new UnsafeBuffer(d);
        int totalLength = b.getShort(2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int tcpLength = Math.min(d.length, totalLength) - 20;
        if (tcpLength < 18) {
            return;
        }
        b.putShort(36, (short) 0);
        int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum(b.getInt(12, ByteOrder.BIG_ENDIAN),
                b.getInt(16, ByteOrder.BIG_ENDIAN), 6, tcpLength), InternetChecksum.sum(b, 20, tcpLength));
        b.putShort(36, (short) InternetChecksum.complement(sum), ByteOrder.BIG_ENDIAN);
    }
}
