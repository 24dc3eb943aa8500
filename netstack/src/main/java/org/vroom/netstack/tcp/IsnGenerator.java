package org.vroom.netstack.tcp;

/**
 * Initial sequence numbers per RFC 6528: {@code ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey)}, with M a 4-microsecond clock and F a keyed hash (SipHash-2-4 here, which RFC 6528 allows:
 * any strong keyed hash). The key comes from the VR's randomness and is checkpointed, so a restored VR
 * keeps generating ISNs from the same sequence per connection.
 */
final class IsnGenerator {
    private long k0;
    private long k1;

    IsnGenerator(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    long k0() {
        return k0;
    }

    long k1() {
        return k1;
    }

    void setKey(long key0, long key1) {
        this.k0 = key0;
        this.k1 = key1;
    }

    int isn(int localAddress, int localPort, int remoteAddress, int remotePort, long nanoTime) {
        long m = nanoTime / 4_000;
        long f = sipHash(((long) localAddress << 32) | (remoteAddress & 0xFFFF_FFFFL),
                ((long) (localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF));
        return (int) (m + f);
    }

    /** SipHash-2-4 of two 64-bit words (16 bytes of message). */
    long sipHash(long m0, long m1) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        // m0
        v3 ^= m0;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m0;
        // m1
        v3 ^= m1;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m1;
        // final block: length 16 in the top byte, no remaining bytes
        long b = 16L << 56;
        v3 ^= b;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 4; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
