package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Fuzz entry point: seeded random mutations of the good vectors (bit flips, interesting bytes and
 * 16-bit values, truncation, extension, deletion, tag insertion), half of them with checksums and
 * lengths repaired so that the deeper layers are reached. For every input: no validator throws, every
 * code is in range, and whatever is reported valid can be read completely, every accessor and every
 * byte of every valid layer, inside the frame. Frames sit at the end of an exactly-sized buffer, so a
 * read past the frame hits Agrona's bounds check and fails the test. Valid IPv4 packets are also
 * answered with an ICMP error, which must itself validate.
 *
 * <p>Replay a failure with the printed seed: {@code -Dvroom.fuzz.seed=... -Dvroom.fuzz.iterations=...}.
 */
class CodecFuzzTest {
    private static final int[] BYTES = {0x00, 0x01, 0x04, 0x05, 0x06, 0x08, 0x0F, 0x11, 0x40, 0x44, 0x45, 0x46, 0x4F,
        0x7F, 0x80, 0x81, 0x88, 0x91, 0xA8, 0xFE, 0xFF};
    private static final int[] SHORTS = {0x0000, 0x0001, 0x0007, 0x0008, 0x0013, 0x0014, 0x0800, 0x0806, 0x8100,
        0x88A8, 0x9100, 0xEE48, 0x4000, 0x2000, 0x1FFF, 0x7FFF, 0x8000, 0xFFFF, 0x1400, 0x1300, 0x1F00};

    private final FrameDecoder decoder = new FrameDecoder();
    private final FrameDecoder innerDecoder = new FrameDecoder();
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final TunnelFlyweight tunnel = new TunnelFlyweight();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[IcmpFlyweight.MAX_ERROR_DATAGRAM_LENGTH]);
    private final long[] codes = new long[ValidationResult.COUNT];
    private final long[] layers = new long[64];
    private long sink;

    @Test
    void mutatedVectorsNeverThrowAndValidMeansReadable() {
        final long seed = Long.getLong("vroom.fuzz.seed", 0x5EED_F022L);
        final int iterations = Integer.getInteger("vroom.fuzz.iterations", 200_000);
        System.out.println("CodecFuzzTest seed=" + seed + " iterations=" + iterations);
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Vectors.Vector> corpus = Vectors.all("good");
        int current = -1;
        byte[] input = null;
        try {
            for (int i = 0; i < iterations; i++) {
                current = i;
                final byte[] base = corpus.get(random.nextInt(corpus.size())).bytes();
                input = mutate(base, random);
                if (random.nextInt(2) == 0) {
                    repair(input, random.nextInt(3) == 0);
                }
                check(input, random);
            }
        } catch (AssertionError | RuntimeException e) {
            fail("iteration " + current + " (seed " + seed + ") input " + (input == null ? "" : Vectors.hex(input)), e);
        }
        final StringBuilder report = new StringBuilder("CodecFuzzTest results:");
        int distinct = 0;
        for (int c = 0; c < ValidationResult.COUNT; c++) {
            if (codes[c] > 0) {
                distinct++;
                report.append(' ').append(ValidationResult.name(c)).append('=').append(codes[c]);
            }
        }
        System.out.println(report + " (sink " + (sink & 1) + ")");
        // the fuzz must actually reach every layer, valid and invalid, or it proves little
        assertTrue(codes[ValidationResult.OK] > iterations / 20, "too few valid inputs");
        for (int layer : new int[] {FrameDecoder.LAYER_ARP, FrameDecoder.LAYER_ICMP, FrameDecoder.LAYER_UDP,
            FrameDecoder.LAYER_TUNNEL}) {
            assertTrue(layers[layer] > 100, "layer " + layer + " valid only " + layers[layer] + " times");
        }
        // every code FrameDecoder can return was produced (martian and ICMP-suppression codes are not
        // decoder results; the tunnel's protocol, fragment and port checks are pre-empted by the decoder)
        for (int c = 0; c < ValidationResult.COUNT; c++) {
            final boolean decoderResult = !(c >= ValidationResult.IPV4_MARTIAN_SOURCE_THIS_NETWORK
                && c <= ValidationResult.IPV4_MARTIAN_DESTINATION_LINK_LOCAL)
                && !(c >= ValidationResult.ICMP_ERROR_ABOUT_ICMP_ERROR && c <= ValidationResult.ICMP_ERROR_ABOUT_INVALID_SOURCE)
                && c != ValidationResult.TUNNEL_NOT_UDP && c != ValidationResult.TUNNEL_FRAGMENTED
                && c != ValidationResult.TUNNEL_WRONG_PORT;
            if (decoderResult) {
                assertTrue(codes[c] > 0, ValidationResult.name(c) + " never produced");
            }
        }
        assertTrue(distinct >= 26, "only " + distinct + " distinct results reached");
    }

    private byte[] mutate(byte[] base, SplittableRandom random) {
        byte[] b = base.clone();
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(9)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> {
                    if (b.length > 0) {
                        b[headerBiased(b.length, random)] = (byte) BYTES[random.nextInt(BYTES.length)];
                    }
                }
                case 3 -> {
                    if (b.length > 1) {
                        final int at = headerBiased(b.length - 1, random);
                        final int value = SHORTS[random.nextInt(SHORTS.length)];
                        b[at] = (byte) (value >>> 8);
                        b[at + 1] = (byte) value;
                    }
                }
                case 4 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 5 -> {
                    final int extra = 1 + random.nextInt(64);
                    final byte[] longer = Arrays.copyOf(b, b.length + extra);
                    for (int i = b.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    b = longer;
                }
                case 6 -> {
                    if (b.length > 1) {
                        final int from = random.nextInt(b.length);
                        final int count = 1 + random.nextInt(Math.min(16, b.length - from));
                        final byte[] shorter = new byte[b.length - count];
                        System.arraycopy(b, 0, shorter, 0, from);
                        System.arraycopy(b, from + count, shorter, from, b.length - from - count);
                        b = shorter;
                    }
                }
                case 7 -> {
                    if (b.length >= 12) {
                        final byte[] tagged = new byte[b.length + 4];
                        System.arraycopy(b, 0, tagged, 0, 12);
                        final int tpid = random.nextBoolean() ? 0x8100 : 0x88A8;
                        tagged[12] = (byte) (tpid >>> 8);
                        tagged[13] = (byte) tpid;
                        tagged[14] = (byte) random.nextInt(256);
                        tagged[15] = (byte) random.nextInt(256);
                        System.arraycopy(b, 12, tagged, 16, b.length - 12);
                        b = tagged;
                    }
                }
                default -> {
                    if (b.length > 0) {
                        final int from = random.nextInt(b.length);
                        final int to = random.nextInt(b.length);
                        final int count = random.nextInt(Math.min(b.length - from, b.length - to) + 1);
                        System.arraycopy(b.clone(), from, b, to, count);
                    }
                }
            }
        }
        return b;
    }

    /** Mostly within the first 80 bytes, where the headers are. */
    private static int headerBiased(int length, SplittableRandom random) {
        return random.nextInt(4) != 0 ? random.nextInt(Math.min(length, 80)) : random.nextInt(length);
    }

    /** Recomputes IPv4/ICMP/UDP checksums (and optionally lengths) where the structure allows. */
    private void repair(byte[] bytes, boolean fixLengths) {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (eth.wrap(buffer, 0, bytes.length).validate() != ValidationResult.OK
            || eth.etherType() != EthernetFlyweight.ETHERTYPE_IPV4 || eth.payloadLength() < 20) {
            return;
        }
        ip.wrap(buffer, eth.payloadOffset(), eth.payloadLength());
        final int headerLength = ip.headerLength();
        if (ip.version() != 4 || headerLength < 20 || headerLength > eth.payloadLength()) {
            return;
        }
        if (fixLengths) {
            ip.totalLength(Math.min(eth.payloadLength(), 0xFFFF));
        }
        ip.updateChecksum();
        if (ip.totalLength() > eth.payloadLength() || ip.totalLength() < headerLength || ip.isFragment()) {
            return;
        }
        final int payloadLength = ip.payloadLength();
        if (ip.protocol() == Ipv4Flyweight.PROTOCOL_ICMP && payloadLength >= 8) {
            icmp.wrap(buffer, ip.payloadOffset(), payloadLength).updateChecksum();
        } else if (ip.protocol() == Ipv4Flyweight.PROTOCOL_UDP && payloadLength >= 8) {
            udp.wrap(buffer, ip.payloadOffset(), payloadLength);
            if (fixLengths) {
                udp.length(payloadLength);
            }
            if (udp.length() >= 8 && udp.length() <= payloadLength) {
                udp.updateChecksum(ip.source(), ip.destination());
            }
        }
    }

    private void check(byte[] input, SplittableRandom random) {
        // frame at the very end of an exactly-sized buffer, at offset 0..3
        final int pad = random.nextInt(4);
        final byte[] backing = new byte[pad + input.length];
        System.arraycopy(input, 0, backing, pad, input.length);
        final UnsafeBuffer buffer = new UnsafeBuffer(backing);
        final int end = pad + input.length;

        // a quarter of the inputs as from a port that flags transport checksums as partial
        final int code = decoder.decode(buffer, pad, input.length, random.nextInt(4) != 0);
        assertTrue(code >= 0 && code < ValidationResult.COUNT, "code " + code);
        codes[code]++;
        if (code == ValidationResult.OK) {
            layers[decoder.layers() & FrameDecoder.LAYER_ARP]++;
            layers[decoder.layers() & FrameDecoder.LAYER_ICMP]++;
            layers[decoder.layers() & FrameDecoder.LAYER_UDP]++;
            layers[decoder.layers() & FrameDecoder.LAYER_TUNNEL]++;
            readAll(decoder, buffer, pad, end);
        }

        // every flyweight also judges the raw bytes as if they were its own header
        if (arp.wrap(buffer, pad, input.length).validate() == ValidationResult.OK) {
            readArp(arp, end);
        }
        if (ip.wrap(buffer, pad, input.length).validate() == ValidationResult.OK) {
            readIpv4(ip, end);
        }
        if (icmp.wrap(buffer, pad, input.length).validate() == ValidationResult.OK) {
            readIcmp(icmp, end);
        }
        if (udp.wrap(buffer, pad, input.length).validate(random.nextInt(), random.nextInt()) == ValidationResult.OK) {
            readUdp(udp, end);
        }
        if (tunnel.wrap(buffer, pad, input.length).validate() == ValidationResult.OK) {
            readTunnel(tunnel, end);
        }
    }

    private void readAll(FrameDecoder d, UnsafeBuffer buffer, int start, int end) {
        final EthernetFlyweight e = d.ethernet();
        sink += e.destinationMac() + e.sourceMac() + e.etherType() + e.tagCount() + e.vlanId() + e.innerVlanId()
            + e.vlanPriority() + e.outerTagProtocol() + (e.vlanDropEligible() ? 1 : 0)
            + (e.isDestinationMulticast() ? 1 : 0);
        assertTrue(e.payloadOffset() >= start + 14 && e.payloadOffset() <= end);
        assertEquals(end, e.payloadOffset() + e.payloadLength());
        sink += InternetChecksum.sum(buffer, e.payloadOffset(), e.payloadLength());
        if (d.has(FrameDecoder.LAYER_ARP)) {
            readArp(d.arp(), end);
        }
        if (d.has(FrameDecoder.LAYER_IPV4)) {
            final Ipv4Flyweight v4 = d.ipv4();
            readIpv4(v4, end);
            // answer it with an ICMP error: must be a valid datagram of at most 576 bytes
            sink += IcmpFlyweight.errorSuppression(v4, e.isDestinationMulticast());
            final int length = IcmpFlyweight.writeErrorDatagram(scratch, 0, 0x0A000001, 1,
                IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_HOST_UNREACHABLE, 0, v4);
            assertTrue(length <= IcmpFlyweight.MAX_ERROR_DATAGRAM_LENGTH && length >= 28 + v4.headerLength());
            final Ipv4Flyweight error = new Ipv4Flyweight().wrap(scratch, 0, length);
            assertEquals(ValidationResult.OK, error.validate());
            assertEquals(ValidationResult.OK,
                new IcmpFlyweight().wrap(scratch, error.payloadOffset(), error.payloadLength()).validate());
            if (d.has(FrameDecoder.LAYER_ICMP)) {
                readIcmp(d.icmp(), v4.offset() + v4.totalLength());
            }
            if (d.has(FrameDecoder.LAYER_UDP)) {
                readUdp(d.udp(), v4.offset() + v4.totalLength());
            }
            if (d.has(FrameDecoder.LAYER_TUNNEL)) {
                readTunnel(d.tunnel(), end);
            }
            // last, as it writes: the TTL decrement keeps the header valid
            if (v4.ttl() > 0) {
                v4.decrementTtl();
                assertEquals(ValidationResult.OK, v4.validate());
            }
        }
    }

    private void readArp(ArpFlyweight a, int end) {
        assertTrue(a.offset() + ArpFlyweight.LENGTH <= end);
        sink += a.hardwareType() + a.protocolType() + a.hardwareLength() + a.protocolLength() + a.opcode()
            + a.senderMac() + a.senderIp() + a.targetMac() + a.targetIp() + (a.isGratuitous() ? 1 : 0);
    }

    private void readIpv4(Ipv4Flyweight v4, int end) {
        assertTrue(v4.headerLength() >= 20 && v4.headerLength() <= 60);
        assertTrue(v4.payloadOffset() + v4.payloadLength() <= end);
        assertTrue(v4.payloadLength() >= 0);
        sink += v4.version() + v4.ihl() + v4.tos() + v4.totalLength() + v4.identification()
            + v4.flagsAndFragmentOffset() + v4.ttl() + v4.protocol() + v4.checksum() + v4.source()
            + v4.destination() + v4.optionsLength() + (v4.dontFragment() ? 1 : 0) + (v4.moreFragments() ? 1 : 0)
            + v4.fragmentOffset() + Ipv4Addresses.classifySource(v4.source())
            + Ipv4Addresses.classifyDestination(v4.destination());
        assertEquals(v4.checksum(), v4.computeChecksum());
        sink += InternetChecksum.sum(v4.buffer(), v4.offset(), v4.totalLength()); // every byte of the datagram
        sink += IcmpFlyweight.quoteLength(v4);
    }

    private void readIcmp(IcmpFlyweight m, int end) {
        assertTrue(m.length() >= 8 && m.offset() + m.length() <= end);
        sink += m.type() + m.code() + m.checksum() + m.restOfHeader() + m.identifier() + m.sequence() + m.pointer()
            + m.nextHopMtu() + (m.isError() ? 1 : 0);
        sink += InternetChecksum.sum(m.buffer(), m.dataOffset(), m.dataLength());
    }

    private void readUdp(UdpFlyweight u, int end) {
        assertTrue(u.length() >= 8 && u.offset() + u.length() <= end);
        assertTrue(u.payloadOffset() + u.payloadLength() <= end);
        sink += u.sourcePort() + u.destinationPort() + u.checksum();
        sink += InternetChecksum.sum(u.buffer(), u.payloadOffset(), u.payloadLength());
    }

    private void readTunnel(TunnelFlyweight t, int end) {
        readIpv4(t.ipv4(), end);
        readUdp(t.udp(), end);
        assertTrue(t.headerLength() >= TunnelFlyweight.HEADER_LENGTH);
        assertTrue(t.innerFrameLength() >= EthernetFlyweight.HEADER_LENGTH);
        assertTrue(t.innerFrameOffset() + t.innerFrameLength() <= end);
        sink += t.version() + t.flags() + t.vrId() + t.virtualInterface() + t.sequence();
        // and the inner frame goes through a decoder of its own
        final int code = innerDecoder.decode(t.buffer(), t.innerFrameOffset(), t.innerFrameLength());
        assertTrue(code >= 0 && code < ValidationResult.COUNT);
        if (code == ValidationResult.OK && innerDecoder.has(FrameDecoder.LAYER_IPV4)) {
            readIpv4(innerDecoder.ipv4(), t.innerFrameOffset() + t.innerFrameLength());
        }
        sink += t.buffer().getShort(t.innerFrameOffset() + t.innerFrameLength() - 2, ByteOrder.BIG_ENDIAN);
    }
}
