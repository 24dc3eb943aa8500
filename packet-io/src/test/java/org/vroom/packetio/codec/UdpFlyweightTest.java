package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class UdpFlyweightTest {
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final UdpFlyweight udp = new UdpFlyweight();

    private void decode(UnsafeBuffer frame) {
        assertEquals(ValidationResult.OK, ip.wrap(frame, 14, frame.capacity() - 14).validate());
        udp.wrap(frame, ip.payloadOffset(), ip.payloadLength());
        assertEquals(ValidationResult.OK, udp.validate(ip.source(), ip.destination()));
    }

    @Test
    void datagramBehindIpOptions() {
        final UnsafeBuffer frame = Vectors.good("udp-router-alert-option").buffer();
        decode(frame);
        assertEquals(38, udp.offset()); // 14 + 24-byte IPv4 header
        assertEquals(0xB466, udp.sourcePort());
        assertEquals(5353, udp.destinationPort());
        assertEquals(42, udp.length());
        assertEquals(0x7A40, udp.checksum());
        assertEquals(0x7A40, udp.computeChecksum(ip.source(), ip.destination()));
        assertEquals(46, udp.payloadOffset());
        assertEquals(34, udp.payloadLength());
        final byte[] payload = new byte[udp.payloadLength()];
        frame.getBytes(udp.payloadOffset(), payload);
        assertEquals("vroom codec test with router alert", new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
        assertEncodeDecode(frame);
    }

    @Test
    void oddLengthPaddedAndUnpadded() {
        for (String name : new String[] {"udp-odd-length", "udp-odd-length-padded"}) {
            final UnsafeBuffer frame = Vectors.good(name).buffer();
            decode(frame);
            assertEquals(11, udp.length());
            assertEquals(3, udp.payloadLength());
            assertEquals(33434, udp.destinationPort());
            assertEquals(0xD010, udp.checksum());
            assertEquals(0xD010, udp.computeChecksum(ip.source(), ip.destination()));
            assertEncodeDecode(frame);
        }
    }

    @Test
    void zeroChecksumMeansNone() {
        final UnsafeBuffer frame = Vectors.good("udp-zero-checksum").buffer();
        decode(frame);
        assertEquals(UdpFlyweight.NO_CHECKSUM, udp.checksum());
        assertEquals(9, udp.destinationPort());
        // the datagram would have a real checksum; computing one makes it verify
        udp.updateChecksum(ip.source(), ip.destination());
        assertNotEquals(0, udp.checksum());
        assertEquals(ValidationResult.OK, udp.validate(ip.source(), ip.destination()));
        // and a wrong pseudo-header breaks it
        assertEquals(ValidationResult.UDP_BAD_CHECKSUM, udp.validate(ip.source() + 1, ip.destination()));
    }

    /**
     * A frame captured from a sender with checksum offload on carries only the pseudo-header sum. Full
     * decoding rejects it; decoding without transport checksums (what a worker does when the port flags
     * the frame checksum-partial) accepts it, and updateChecksum completes it.
     */
    @Test
    void partialChecksumFromOffload() {
        final Vectors.Vector vector = Vectors.all("bad").stream()
            .filter(v -> v.name().equals("udp-partial-checksum")).findFirst().orElseThrow();
        final UnsafeBuffer frame = vector.buffer();
        final FrameDecoder decoder = new FrameDecoder();
        assertEquals(ValidationResult.UDP_BAD_CHECKSUM, decoder.decode(frame, 0, frame.capacity()));
        assertEquals(ValidationResult.OK, decoder.decode(frame, 0, frame.capacity(), false));
        assertEquals(FrameDecoder.LAYER_ETHERNET | FrameDecoder.LAYER_IPV4 | FrameDecoder.LAYER_UDP, decoder.layers());
        final Ipv4Flyweight v4 = decoder.ipv4();
        final UdpFlyweight u = decoder.udp();
        assertEquals(InternetChecksum.pseudoHeaderSum(v4.source(), v4.destination(), 17, u.length()), u.checksum());
        assertEquals(ValidationResult.OK, u.validateLength());
        u.updateChecksum(v4.source(), v4.destination());
        assertEquals(ValidationResult.OK, decoder.decode(frame, 0, frame.capacity()));
        // the completed checksum is what a byte-by-byte reference computes for the datagram
        final int completed = u.checksum();
        final byte[] pseudoAndUdp = new byte[12 + u.length()];
        final UnsafeBuffer all = new UnsafeBuffer(pseudoAndUdp);
        all.putInt(0, v4.source(), ByteOrder.BIG_ENDIAN);
        all.putInt(4, v4.destination(), ByteOrder.BIG_ENDIAN);
        all.putShort(8, (short) 17, ByteOrder.BIG_ENDIAN);
        all.putShort(10, (short) u.length(), ByteOrder.BIG_ENDIAN);
        all.putBytes(12, frame, u.offset(), u.length());
        all.putShort(12 + UdpFlyweight.CHECKSUM_OFFSET, (short) 0);
        assertEquals(~InternetChecksumTest.referenceSum(pseudoAndUdp, 0, pseudoAndUdp.length) & 0xFFFF, completed);
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        final UnsafeBuffer frame = Vectors.good("udp-odd-length").buffer();
        decode(frame);
        final int src = ip.source();
        final int dst = ip.destination();
        // make the datagram sum (pseudo-header included, checksum field 0) 0xFFFF with the first payload word
        frame.putShort(udp.offset() + UdpFlyweight.CHECKSUM_OFFSET, (short) 0);
        frame.putShort(udp.payloadOffset(), (short) 0);
        final int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum(src, dst, 17, udp.length()),
            InternetChecksum.sum(frame, udp.offset(), udp.length()));
        frame.putShort(udp.payloadOffset(), (short) (~sum & 0xFFFF), ByteOrder.BIG_ENDIAN);
        assertEquals(0xFFFF, udp.computeChecksum(src, dst));
        udp.updateChecksum(src, dst);
        assertEquals(0xFFFF, udp.checksum());
        assertEquals(ValidationResult.OK, udp.validate(src, dst));
    }

    @Test
    void lengthRules() {
        final UnsafeBuffer frame = Vectors.good("udp-odd-length").buffer();
        decode(frame);
        final int src = ip.source();
        final int dst = ip.destination();
        assertEquals(ValidationResult.UDP_TRUNCATED, udp.wrap(frame, ip.payloadOffset(), 7).validate(src, dst));
        udp.wrap(frame, ip.payloadOffset(), 11);
        udp.length(12);
        assertEquals(ValidationResult.UDP_BAD_LENGTH, udp.validate(src, dst));
        udp.length(7);
        assertEquals(ValidationResult.UDP_BAD_LENGTH, udp.validate(src, dst));
        // a UDP length shorter than the IP payload is accepted (excess ignored), like Linux
        udp.length(10).updateChecksum(src, dst);
        assertEquals(ValidationResult.OK, udp.validate(src, dst));
        assertEquals(2, udp.payloadLength());
    }

    @Test
    void randomDatagramsMatchReferenceChecksum() {
        final SplittableRandom random = new SplittableRandom(768);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1600]);
        for (int i = 0; i < 2000; i++) {
            final int length = 8 + random.nextInt(1400);
            final int offset = random.nextInt(8);
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            buffer.putBytes(offset, bytes);
            final int src = random.nextInt();
            final int dst = random.nextInt();
            UdpFlyweight.writeHeader(buffer, offset, random.nextInt(65536), random.nextInt(65536), length);
            udp.wrap(buffer, offset, length).updateChecksum(src, dst);
            // reference: pseudo-header + datagram, byte by byte
            final byte[] all = new byte[12 + length];
            final UnsafeBuffer allBuffer = new UnsafeBuffer(all);
            allBuffer.putInt(0, src, ByteOrder.BIG_ENDIAN);
            allBuffer.putInt(4, dst, ByteOrder.BIG_ENDIAN);
            allBuffer.putShort(8, (short) 17, ByteOrder.BIG_ENDIAN);
            allBuffer.putShort(10, (short) length, ByteOrder.BIG_ENDIAN);
            allBuffer.putBytes(12, buffer, offset, length);
            assertEquals(0xFFFF, InternetChecksumTest.referenceSum(all, 0, all.length), "case " + i);
            assertEquals(ValidationResult.OK, udp.validate(src, dst));
        }
    }

    /** encode(decode(x)) == x for the UDP datagram of a frame. */
    private void assertEncodeDecode(UnsafeBuffer frame) {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[udp.length()]);
        UdpFlyweight.writeHeader(out, 0, udp.sourcePort(), udp.destinationPort(), udp.length());
        out.putBytes(8, frame, udp.payloadOffset(), udp.payloadLength());
        new UdpFlyweight().wrap(out, 0, udp.length()).updateChecksum(ip.source(), ip.destination());
        assertEquals(Vectors.hex(frame, udp.offset(), udp.length()), Vectors.hex(out, 0, udp.length()));
    }
}
