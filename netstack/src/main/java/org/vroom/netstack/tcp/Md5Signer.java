package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * TCP-MD5 signatures (RFC 2385 section 2.0): MD5 over the IPv4 pseudo-header, the TCP header without
 * options and with a zero checksum, the segment data, and the key. One instance per stack; the digest
 * and the work array are reused, so signing allocates nothing.
 */
final class Md5Signer {
    static final int DIGEST_LENGTH = 16;

    private final MessageDigest md5;
    private final byte[] work = new byte[12 + TcpWire.MIN_HEADER + 65536];
    private final byte[] digest = new byte[DIGEST_LENGTH];

    Md5Signer() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }

    /**
     * Computes the signature of the segment at {@code tcpOffset} ({@code tcpLength} bytes, header of
     * {@code headerLength}) into the internal digest; returns it (valid until the next call).
     */
    byte[] sign(int source, int destination, DirectBuffer segment, int tcpOffset, int headerLength, int tcpLength,
                byte[] key) {
        int n = 0;
        n = putInt(n, source);
        n = putInt(n, destination);
        work[n++] = 0;
        work[n++] = (byte) TcpWire.PROTOCOL_TCP;
        work[n++] = (byte) (tcpLength >>> 8);
        work[n++] = (byte) tcpLength;
        segment.getBytes(tcpOffset, work, n, TcpWire.MIN_HEADER);
        work[n + TcpWire.CHECKSUM_OFFSET] = 0;
        work[n + TcpWire.CHECKSUM_OFFSET + 1] = 0;
        n += TcpWire.MIN_HEADER;
        int data = tcpLength - headerLength;
        segment.getBytes(tcpOffset + headerLength, work, n, data);
        n += data;
        md5.update(work, 0, n);
        md5.update(key);
        try {
            md5.digest(digest, 0, DIGEST_LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return digest;
    }

    /** Whether the 16 bytes at {@code signatureOffset} are the segment's correct signature (constant time). */
    boolean verify(int source, int destination, DirectBuffer segment, int tcpOffset, int headerLength, int tcpLength,
                   byte[] key, int signatureOffset) {
        byte[] expected = sign(source, destination, segment, tcpOffset, headerLength, tcpLength, key);
        int diff = 0;
        for (int i = 0; i < DIGEST_LENGTH; i++) {
            diff |= expected[i] ^ segment.getByte(signatureOffset + i);
        }
        return diff == 0;
    }

    private int putInt(int at, int value) {
        work[at] = (byte) (value >>> 24);
        work[at + 1] = (byte) (value >>> 16);
        work[at + 2] = (byte) (value >>> 8);
        work[at + 3] = (byte) value;
        return at + 4;
    }

    static int readInt(DirectBuffer b, int at) {
        return b.getInt(at, ByteOrder.BIG_ENDIAN);
    }
}
