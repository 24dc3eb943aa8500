package org.vroom.netstack.tcp;

/** A byte stream that is not periodic: byte {@code p} of stream {@code seed}; a slip, loss or duplicate shows. */
final class Pattern {
    private Pattern() {
    }

    static byte at(long seed, long position) {
        long z = position * 0x9E3779B97F4A7C15L + seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (byte) (z ^ (z >>> 31));
    }

    static byte[] bytes(long seed, long from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = at(seed, from + i);
        }
        return b;
    }
}
