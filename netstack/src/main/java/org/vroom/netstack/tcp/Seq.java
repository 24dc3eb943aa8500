package org.vroom.netstack.tcp;

/** 32-bit sequence number arithmetic (RFC 9293 section 3.4): comparisons modulo 2^32. */
final class Seq {
    private Seq() {
    }

    static boolean lt(int a, int b) {
        return a - b < 0;
    }

    static boolean le(int a, int b) {
        return a - b <= 0;
    }

    static boolean gt(int a, int b) {
        return a - b > 0;
    }

    static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    static int max(int a, int b) {
        return a - b >= 0 ? a : b;
    }

    static int min(int a, int b) {
        return a - b <= 0 ? a : b;
    }

    /** {@code start <= x < start + length} in sequence space ({@code length} >= 0). */
    static boolean inWindow(int x, int start, long length) {
        return Integer.toUnsignedLong(x - start) < length;
    }
}
