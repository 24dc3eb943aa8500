package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TunnelTest {
    private static final int NODE_A = Ipv4Addresses.parse("192.0.2.1");
    private static final int NODE_B = Ipv4Addresses.parse("192.0.2.2");
    private static final long MAC_A = 0x0200_0000_0B01L;
    private static final long MAC_B = 0x0200_0000_0B02L;

    private final TunnelFlyweight tunnel = new TunnelFlyweight();

    @Test
    void decodesEchoRequestVector() {
        final UnsafeBuffer frame = Vectors.good("tunnel-echo-request").buffer();
        assertEquals(ValidationResult.OK, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
        assertEquals(NODE_A, tunnel.ipv4().source());
        assertEquals(NODE_B, tunnel.ipv4().destination());
        assertTrue(tunnel.ipv4().dontFragment());
        assertEquals(TunnelFlyweight.DEFAULT_PORT, tunnel.udp().destinationPort());
        assertEquals(49159, tunnel.udp().sourcePort());
        assertEquals(1, tunnel.version());
        assertEquals(16, tunnel.headerLength());
        assertEquals(0, tunnel.flags());
        assertFalse(tunnel.isControl());
        assertEquals(7, tunnel.vrId());
        assertEquals(2, tunnel.virtualInterface());
        assertEquals(0x0102_0304_0506_0708L, tunnel.sequence());
        assertEquals(14 + 20 + 8, tunnel.headerOffset());
        assertEquals(14 + TunnelFlyweight.OVERHEAD, tunnel.innerFrameOffset());
        final byte[] inner = Vectors.good("icmp-echo-request").bytes();
        assertEquals(inner.length, tunnel.innerFrameLength());
        assertEquals(Vectors.hex(inner), Vectors.hex(frame, tunnel.innerFrameOffset(), tunnel.innerFrameLength()));
    }

    @Test
    void decodesControlVectorWithExtremeFields() {
        final UnsafeBuffer frame = Vectors.good("tunnel-control-arp").buffer();
        assertEquals(ValidationResult.OK, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
        assertEquals(0, tunnel.udp().checksum());
        assertTrue(tunnel.isControl());
        assertEquals(0xFFFF_FFFE, tunnel.vrId());
        assertEquals(0xFFFF, tunnel.virtualInterface());
        assertEquals(1L, tunnel.sequence());
        assertEquals(Vectors.hex(Vectors.good("arp-request").bytes()),
            Vectors.hex(frame, tunnel.innerFrameOffset(), tunnel.innerFrameLength()));
    }

    @Test
    void longerHeaderIsSkipped() {
        final UnsafeBuffer frame = Vectors.good("tunnel-long-header").buffer();
        assertEquals(ValidationResult.OK, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
        assertEquals(24, tunnel.headerLength());
        assertEquals(9, tunnel.vrId());
        assertEquals(Vectors.hex(Vectors.good("udp-odd-length").bytes()),
            Vectors.hex(frame, tunnel.innerFrameOffset(), tunnel.innerFrameLength()));
    }

    /**
     * encode == the independently built vectors. The encoder hashes the UDP source port; the vectors
     * use a fixed one, so the port (and, through RFC 1624, the checksum) is set to the vector's before
     * comparing every byte.
     */
    @Test
    void encoderReproducesVectors() {
        assertEncoderReproduces("tunnel-echo-request", "icmp-echo-request", true, 0, 7, 2, 0x0102_0304_0506_0708L);
        assertEncoderReproduces("tunnel-control-arp", "arp-request", false, TunnelFlyweight.FLAG_CONTROL, 0xFFFF_FFFE,
            0xFFFF, 1L);
    }

    private void assertEncoderReproduces(String vectorName, String innerName, boolean checksum, int flags, int vrId,
        int vif, long sequence) {
        final byte[] expected = Vectors.good(vectorName).bytes();
        final byte[] inner = Vectors.good(innerName).bytes();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[expected.length]);
        final TunnelEncoder encoder = new TunnelEncoder(NODE_A, NODE_B, TunnelFlyweight.DEFAULT_PORT, 64, checksum);
        EthernetFlyweight.writeHeader(out, 0, MAC_B, MAC_A, EthernetFlyweight.ETHERTYPE_IPV4);
        final int length = encoder.encapsulate(out, 14, new UnsafeBuffer(inner), 0, inner.length, flags, vrId, vif,
            sequence);
        assertEquals(expected.length - 14, length);

        final UdpFlyweight udp = new UdpFlyweight().wrap(out, 34, length - 20);
        final int hashedPort = udp.sourcePort();
        assertTrue(hashedPort >= 49152 && hashedPort <= 65535, "source port " + hashedPort);
        final int vectorPort = 49152 + (vrId & 0x3FFF);
        udp.sourcePort(vectorPort);
        if (checksum) {
            udp.checksum(InternetChecksum.update16(udp.checksum(), hashedPort, vectorPort));
        }
        assertEquals(Vectors.hex(expected), Vectors.hex(out, 0, expected.length), vectorName);
    }

    @Test
    void encapsulateInPlaceWithHeadroom() {
        final byte[] inner = Vectors.good("icmp-echo-request").bytes();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[TunnelFlyweight.OVERHEAD + inner.length + 5]);
        buffer.putBytes(3 + TunnelFlyweight.OVERHEAD, inner);
        final TunnelEncoder encoder = new TunnelEncoder(NODE_A, NODE_B, 4790, 17, true);
        final int length = encoder.encapsulate(buffer, 3, inner.length, 0xFF, 1, 1, 99L);
        assertEquals(TunnelFlyweight.OVERHEAD + inner.length, length);
        assertEquals(ValidationResult.TUNNEL_WRONG_PORT, tunnel.wrap(buffer, 3, length).validate());
        assertEquals(ValidationResult.OK, tunnel.wrap(buffer, 3, length).validate(4790));
        assertEquals(17, tunnel.ipv4().ttl());
        assertEquals(TunnelFlyweight.FLAG_CONTROL, tunnel.flags()); // reserved flags are sent as zero
        assertEquals(99L, tunnel.sequence());
    }

    @Test
    void rejectsWhatItCannotCarry() {
        final TunnelEncoder encoder = new TunnelEncoder(NODE_A, NODE_B, TunnelFlyweight.DEFAULT_PORT, 64, false);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        assertEquals(-1, encoder.encapsulate(buffer, 0, 13, 0, 1, 1, 1));
        assertEquals(-1, encoder.encapsulate(buffer, 0, TunnelEncoder.MAX_INNER_FRAME_LENGTH + 1, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TunnelEncoder(NODE_A, NODE_B, 0, 64, false));
        assertThrows(IllegalArgumentException.class, () -> new TunnelEncoder(NODE_A, NODE_B, 1, 256, false));
    }

    @Test
    void outerChecks() {
        final UnsafeBuffer frame = Vectors.good("tunnel-echo-request").buffer();
        final Ipv4Flyweight outer = new Ipv4Flyweight().wrap(frame, 14, frame.capacity() - 14);
        outer.protocol(6).updateChecksum();
        assertEquals(ValidationResult.TUNNEL_NOT_UDP, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
        outer.protocol(17).flagsAndFragmentOffset(Ipv4Flyweight.FLAG_MF).updateChecksum();
        assertEquals(ValidationResult.TUNNEL_FRAGMENTED, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
        outer.flagsAndFragmentOffset(Ipv4Flyweight.FLAG_DF).updateChecksum();
        assertEquals(ValidationResult.OK, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
        outer.ttl(1);
        assertEquals(ValidationResult.IPV4_BAD_CHECKSUM, tunnel.wrap(frame, 14, frame.capacity() - 14).validate());
    }

    @Test
    void sourcePortSpreadsVrsAndFlowsButIsStablePerFlow() {
        final byte[] inner = Vectors.good("icmp-echo-request").bytes();
        final UnsafeBuffer innerBuffer = new UnsafeBuffer(inner);
        final Set<Integer> ports = new HashSet<>();
        for (int vr = 0; vr < 1000; vr++) {
            final int port = TunnelEncoder.sourcePort(innerBuffer, 0, inner.length, vr, 1);
            assertEquals(port, TunnelEncoder.sourcePort(innerBuffer, 0, inner.length, vr, 1));
            assertTrue(port >= 49152 && port <= 65535);
            ports.add(port);
        }
        assertTrue(ports.size() > 900, "only " + ports.size() + " distinct ports for 1000 VRs");
        ports.clear();
        for (int host = 0; host < 1000; host++) {
            innerBuffer.putInt(14 + 16, Ipv4Addresses.of(10, 77, host >>> 8, host), ByteOrder.BIG_ENDIAN);
            ports.add(TunnelEncoder.sourcePort(innerBuffer, 0, inner.length, 5, 1));
        }
        assertTrue(ports.size() > 900, "only " + ports.size() + " distinct ports for 1000 inner flows");
    }

    /** Random inner frames and header fields survive encode then decode, with and without checksums. */
    @Test
    void roundTrip() {
        final SplittableRandom random = new SplittableRandom(4790);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[14 + TunnelFlyweight.OVERHEAD + 1600]);
        final FrameDecoder decoder = new FrameDecoder();
        for (int i = 0; i < 5000; i++) {
            final int innerLength = 14 + random.nextInt(1500);
            final byte[] inner = new byte[innerLength];
            random.nextBytes(inner);
            final int flags = random.nextBoolean() ? TunnelFlyweight.FLAG_CONTROL : 0;
            final int vrId = random.nextInt();
            final int vif = random.nextInt(65536);
            final long sequence = random.nextLong();
            final TunnelEncoder encoder = new TunnelEncoder(random.nextInt(), random.nextInt(),
                TunnelFlyweight.DEFAULT_PORT, 1 + random.nextInt(255), random.nextBoolean());
            EthernetFlyweight.writeHeader(buffer, 0, MAC_B, MAC_A, EthernetFlyweight.ETHERTYPE_IPV4);
            final int length = encoder.encapsulate(buffer, 14, new UnsafeBuffer(inner), 0, innerLength, flags, vrId,
                vif, sequence);
            assertEquals(ValidationResult.OK, decoder.decode(buffer, 0, 14 + length), "case " + i);
            assertTrue(decoder.has(FrameDecoder.LAYER_TUNNEL));
            final TunnelFlyweight t = decoder.tunnel();
            assertEquals(flags, t.flags());
            assertEquals(vrId, t.vrId());
            assertEquals(vif, t.virtualInterface());
            assertEquals(sequence, t.sequence());
            assertEquals(encoder.localAddress(), t.ipv4().source());
            assertEquals(encoder.peerAddress(), t.ipv4().destination());
            assertEquals(innerLength, t.innerFrameLength());
            assertEquals(Vectors.hex(inner), Vectors.hex(buffer, t.innerFrameOffset(), innerLength));
        }
    }
}
