package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    /** Byte-at-a-time RFC 1071 reference, deliberately naive. */
    static int referenceSum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            final int hi = data[offset + i] & 0xFF;
            final int lo = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2
        final UnsafeBuffer buffer = new UnsafeBuffer(Vectors.hex("0001f203f4f5f6f7"));
        assertEquals(0xDDF2, InternetChecksum.sum(buffer, 0, 8));
        assertEquals(0x220D, InternetChecksum.checksum(buffer, 0, 8));
        // the same bytes summed in two even-length pieces
        assertEquals(0xDDF2, InternetChecksum.add(InternetChecksum.sum(buffer, 0, 2), InternetChecksum.sum(buffer, 2, 6)));
    }

    @Test
    void rfc1624Example() {
        // RFC 1624 section 4: m 0x5555 -> 0x3285, other octets sum to 0xCD7A, HC 0xDD2F; eqn 3 gives 0x0000
        // (eqn 2 of RFC 1141 would give 0xFFFF), which is what recomputation gives.
        assertEquals(0xDD2F, InternetChecksum.complement(InternetChecksum.add(0xCD7A, 0x5555)));
        assertEquals(0x0000, InternetChecksum.update16(0xDD2F, 0x5555, 0x3285));
        assertEquals(0x0000, InternetChecksum.complement(InternetChecksum.add(0xCD7A, 0x3285)));
    }

    @Test
    void capturedIpv4HeaderVerifies() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        assertTrue(InternetChecksum.verify(frame, 14, 20));
        assertEquals(0, InternetChecksum.checksum(frame, 14, 20));
        frame.putShort(14 + 10, (short) 0);
        assertEquals(0x60CC, InternetChecksum.checksum(frame, 14, 20));
    }

    @Test
    void oddAndEvenLengthsAtEveryAlignmentMatchTheReference() {
        final SplittableRandom random = new SplittableRandom(1071);
        final byte[] data = new byte[300];
        for (int round = 0; round < 200; round++) {
            random.nextBytes(data);
            if (round % 10 == 0) {
                java.util.Arrays.fill(data, (byte) 0xFF); // worst case for carries
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(data);
            for (int offset = 0; offset < 9; offset++) {
                for (int length = 0; length <= 67; length++) {
                    assertEquals(referenceSum(data, offset, length), InternetChecksum.sum(buffer, offset, length),
                        "offset " + offset + " length " + length);
                }
                final int length = 200 + random.nextInt(90);
                assertEquals(referenceSum(data, offset, length), InternetChecksum.sum(buffer, offset, length));
            }
        }
    }

    @Test
    void allZeroAndAllOnes() {
        final UnsafeBuffer zeros = new UnsafeBuffer(new byte[64]);
        assertEquals(0, InternetChecksum.sum(zeros, 0, 64));
        assertEquals(0xFFFF, InternetChecksum.checksum(zeros, 0, 64));
        final byte[] ones = new byte[4096];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        assertEquals(0xFFFF, InternetChecksum.sum(new UnsafeBuffer(ones), 0, 4096));
        assertEquals(0xFF00, InternetChecksum.sum(new UnsafeBuffer(ones), 0, 1));
    }

    @Test
    void largeBufferMatchesReference() {
        final byte[] data = new byte[65535];
        new SplittableRandom(65535).nextBytes(data);
        assertEquals(referenceSum(data, 0, data.length), InternetChecksum.sum(new UnsafeBuffer(data), 0, data.length));
    }

    @Test
    void pseudoHeaderSumEqualsSumOfItsBytes() {
        final SplittableRandom random = new SplittableRandom(768);
        final UnsafeBuffer pseudo = new UnsafeBuffer(new byte[12]);
        for (int i = 0; i < 10_000; i++) {
            final int src = random.nextInt();
            final int dst = random.nextInt();
            final int protocol = random.nextInt(256);
            final int length = random.nextInt(65536);
            pseudo.putInt(0, src, ByteOrder.BIG_ENDIAN);
            pseudo.putInt(4, dst, ByteOrder.BIG_ENDIAN);
            pseudo.putByte(8, (byte) 0);
            pseudo.putByte(9, (byte) protocol);
            pseudo.putShort(10, (short) length, ByteOrder.BIG_ENDIAN);
            assertEquals(referenceSum(pseudo.byteArray(), 0, 12),
                InternetChecksum.pseudoHeaderSum(src, dst, protocol, length));
        }
    }

    /**
     * Property: for random IPv4 headers (IHL 5..15) with random TTLs, decrementing the TTL with the
     * incremental update gives exactly the checksum a full recomputation gives; likewise a 16-bit
     * and a 32-bit (address) rewrite. The seed is fixed and printed so a failure can be replayed.
     */
    @Test
    void incrementalUpdatesEqualFullRecomputation() {
        final long seed = 0x1624_1624L;
        System.out.println("InternetChecksumTest.incrementalUpdatesEqualFullRecomputation seed=" + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer header = new UnsafeBuffer(new byte[60]);
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        for (int i = 0; i < 100_000; i++) {
            final int ihl = 5 + random.nextInt(11);
            final int length = ihl * 4;
            for (int b = 0; b < length; b += 4) {
                header.putInt(b, random.nextInt());
            }
            header.putByte(0, (byte) (0x40 | ihl));
            final int ttl = 1 + random.nextInt(255);
            header.putByte(8, (byte) ttl);
            ip.wrap(header, 0, length);
            ip.updateChecksum();
            final int before = ip.checksum();
            assertEquals(0xFFFF, InternetChecksum.sum(header, 0, length), "case " + i);

            assertEquals(ttl - 1, ip.decrementTtl());
            final int incremental = ip.checksum();
            assertEquals(fullChecksum(header, length), incremental,
                "case " + i + " ttl " + ttl + " checksum before " + Integer.toHexString(before));

            // 32-bit rewrite of the destination, then of the source
            final int newDestination = random.nextInt();
            ip.rewriteDestination(newDestination);
            assertEquals(fullChecksum(header, length), ip.checksum(), "case " + i + " destination rewrite");
            final int newSource = (i & 1) == 0 ? random.nextInt() : ip.source();
            ip.rewriteSource(newSource);
            assertEquals(fullChecksum(header, length), ip.checksum(), "case " + i + " source rewrite");

            // any 16-bit word of the options or the identification
            final int word = 4 + 2 * random.nextInt((length - 4) / 2);
            if (word != 10) {
                final int oldWord = header.getShort(word, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                final int newWord = random.nextInt(65536);
                header.putShort(word, (short) newWord, ByteOrder.BIG_ENDIAN);
                ip.checksum(InternetChecksum.update16(ip.checksum(), oldWord, newWord));
                assertEquals(fullChecksum(header, length), ip.checksum(), "case " + i + " word " + word);
            }
        }
    }

    @Test
    void incrementalUpdateProducesZeroWhereRecomputationDoes() {
        // Build headers whose checksum after the TTL decrement must be 0x0000 (the other words sum to
        // 0xFFFF): RFC 1141's update would give 0xFFFF there; RFC 1624 eqn 3 must give 0x0000.
        final SplittableRandom random = new SplittableRandom(42);
        final UnsafeBuffer header = new UnsafeBuffer(new byte[20]);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(header, 0, 20);
        for (int i = 0; i < 1000; i++) {
            for (int b = 0; b < 20; b += 4) {
                header.putInt(b, random.nextInt());
            }
            header.putByte(0, (byte) 0x45);
            final int ttl = 2 + random.nextInt(254);
            // choose the identification so that, with TTL - 1 and a zero checksum field, the sum is 0xFFFF
            header.putByte(8, (byte) (ttl - 1));
            header.putShort(4, (short) 0);
            header.putShort(10, (short) 0);
            final int partial = referenceSum(header.byteArray(), 0, 20);
            header.putShort(4, (short) (~partial & 0xFFFF), ByteOrder.BIG_ENDIAN);
            assertEquals(0, fullChecksum(header, 20));
            header.putByte(8, (byte) ttl);
            ip.updateChecksum();
            assertEquals(ttl - 1, ip.decrementTtl());
            assertEquals(0x0000, ip.checksum(), "case " + i);
        }
    }

    private static int fullChecksum(UnsafeBuffer header, int length) {
        final byte[] copy = new byte[length];
        header.getBytes(0, copy);
        copy[10] = 0;
        copy[11] = 0;
        return ~referenceSum(copy, 0, length) & 0xFFFF;
    }
}
