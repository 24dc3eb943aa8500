package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class Ipv4FlyweightTest {
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    private Ipv4Flyweight wrap(UnsafeBuffer frame) {
        ip.wrap(frame, 14, frame.capacity() - 14);
        assertEquals(ValidationResult.OK, ip.validate());
        return ip;
    }

    @Test
    void echoRequestHeader() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        wrap(frame);
        assertEquals(4, ip.version());
        assertEquals(5, ip.ihl());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(84, ip.totalLength());
        assertEquals(0xC244, ip.identification());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Flyweight.PROTOCOL_ICMP, ip.protocol());
        assertEquals(0x60CC, ip.checksum());
        assertEquals(0x60CC, ip.computeChecksum());
        assertTrue(ip.verifyChecksum());
        assertEquals("10.77.1.1", Ipv4Addresses.format(ip.source()));
        assertEquals("10.77.1.254", Ipv4Addresses.format(ip.destination()));
        assertEquals(34, ip.payloadOffset());
        assertEquals(64, ip.payloadLength());
        assertEquals(0, ip.optionsLength());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        assertEquals(20, Ipv4Flyweight.writeHeader(out, 0, ip.tos(), ip.totalLength(), ip.identification(),
            ip.flagsAndFragmentOffset(), ip.ttl(), ip.protocol(), ip.source(), ip.destination()));
        assertEquals(Vectors.hex(frame, 14, 20), Vectors.hex(out, 0, 20));
    }

    @Test
    void recordRouteOptionIsSkipped() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-record-route").buffer();
        wrap(frame);
        assertEquals(15, ip.ihl());
        assertEquals(60, ip.headerLength());
        assertEquals(40, ip.optionsLength());
        assertEquals(34, ip.optionsOffset());
        assertEquals(0x01, frame.getByte(ip.optionsOffset()) & 0xFF); // NOP
        assertEquals(0x07, frame.getByte(ip.optionsOffset() + 1) & 0xFF); // RR
        assertEquals(124, ip.totalLength());
        assertEquals(74, ip.payloadOffset());
        assertEquals(64, ip.payloadLength());
        assertEquals(Ipv4Flyweight.PROTOCOL_ICMP, ip.protocol());
        assertEquals(ip.checksum(), ip.computeChecksum());
        assertEquals(0x08, frame.getByte(ip.payloadOffset()) & 0xFF); // echo request after the options

        // encode(decode(x)) == x: 20-byte header, options copied, IHL and checksum fixed
        final UnsafeBuffer out = new UnsafeBuffer(new byte[60]);
        Ipv4Flyweight.writeHeader(out, 0, ip.tos(), ip.totalLength(), ip.identification(),
            ip.flagsAndFragmentOffset(), ip.ttl(), ip.protocol(), ip.source(), ip.destination());
        out.putBytes(20, frame, ip.optionsOffset(), ip.optionsLength());
        out.putByte(0, (byte) (0x40 | ip.ihl()));
        new Ipv4Flyweight().wrap(out, 0, 60).updateChecksum();
        assertEquals(Vectors.hex(frame, 14, 60), Vectors.hex(out, 0, 60));
    }

    @Test
    void fragments() {
        final UnsafeBuffer first = Vectors.good("ipv4-fragment-first").buffer();
        wrap(first);
        assertEquals(1500, ip.totalLength());
        assertTrue(ip.moreFragments());
        assertFalse(ip.dontFragment());
        assertEquals(0, ip.fragmentOffset());
        assertTrue(ip.isFragment());
        assertFalse(ip.isNonInitialFragment());
        assertEquals(0xC245, ip.identification());

        final UnsafeBuffer last = Vectors.good("ipv4-fragment-last").buffer();
        wrap(last);
        assertFalse(ip.moreFragments());
        assertEquals(185, ip.fragmentOffset()); // 1480 bytes / 8
        assertTrue(ip.isFragment());
        assertTrue(ip.isNonInitialFragment());
        assertEquals(0xC245, ip.identification());
        assertEquals(148, ip.totalLength());
    }

    @Test
    void routerAlertOptionAndPadding() {
        final UnsafeBuffer frame = Vectors.good("udp-router-alert-option").buffer();
        wrap(frame);
        assertEquals(6, ip.ihl());
        assertEquals("94040000", Vectors.hex(frame, ip.optionsOffset(), 4));
        assertEquals(Ipv4Flyweight.PROTOCOL_UDP, ip.protocol());

        final UnsafeBuffer padded = Vectors.good("udp-odd-length-padded").buffer();
        wrap(padded);
        assertEquals(46, ip.length());
        assertEquals(31, ip.totalLength());
        assertEquals(11, ip.payloadLength());
    }

    /** Linux forwarded the captured datagram #13; its TTL-decremented header is quoted in #14. */
    @Test
    void decrementTtlMatchesLinuxForwarding() {
        final UnsafeBuffer sent = Vectors.good("udp-router-alert-option").buffer();
        wrap(sent);
        assertEquals(64, ip.ttl());
        assertEquals(63, ip.decrementTtl());
        assertEquals(ValidationResult.OK, ip.validate());
        final UnsafeBuffer quoted = Vectors.good("icmp-port-unreachable-router-alert").buffer();
        // error: 14 Ethernet + 20 IP + 8 ICMP, then the quoted datagram as the destination received it
        assertEquals(Vectors.hex(quoted, 42, 24), Vectors.hex(sent, 14, 24));
    }

    @Test
    void decrementTtlDownToZero() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-ttl1").buffer();
        wrap(frame);
        assertEquals(1, ip.ttl());
        assertEquals(0, ip.decrementTtl());
        assertEquals(ValidationResult.OK, ip.validate());
        final int checksum = ip.checksum();
        assertEquals(0, ip.decrementTtl()); // TTL 0 is left alone
        assertEquals(0, ip.ttl());
        assertEquals(checksum, ip.checksum());
    }

    @Test
    void rewritesKeepTheChecksumValid() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-record-route").buffer();
        wrap(frame);
        ip.rewriteSource(Ipv4Addresses.parse("192.0.2.77"));
        assertEquals(ValidationResult.OK, ip.validate());
        ip.rewriteDestination(Ipv4Addresses.parse("198.51.100.9"));
        assertEquals(ValidationResult.OK, ip.validate());
        ip.rewriteTtl(255);
        assertEquals(ValidationResult.OK, ip.validate());
        assertEquals(255, ip.ttl());
        final int checksum = ip.checksum();
        ip.swapAddresses();
        assertEquals(checksum, ip.checksum());
        assertEquals(ValidationResult.OK, ip.validate());
        assertEquals("198.51.100.9", Ipv4Addresses.format(ip.source()));
        assertEquals("192.0.2.77", Ipv4Addresses.format(ip.destination()));
        ip.tos(0xB8).identification(7).flagsAndFragmentOffset(Ipv4Flyweight.FLAG_DF).totalLength(124).protocol(17);
        assertEquals(ValidationResult.IPV4_BAD_CHECKSUM, ip.validate());
        ip.updateChecksum();
        assertEquals(ValidationResult.OK, ip.validate());
        assertEquals(46, ip.dscp());
        assertEquals(0, ip.ecn());
    }

    @Test
    void validationOrderFollowsRfc1812() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        // shorter than 20 bytes wins over everything
        frame.putByte(14, (byte) 0x65);
        assertEquals(ValidationResult.IPV4_TRUNCATED, ip.wrap(frame, 14, 19).validate());
        assertEquals(ValidationResult.IPV4_BAD_VERSION, ip.wrap(frame, 14, 84).validate());
        frame.putByte(14, (byte) 0x44);
        assertEquals(ValidationResult.IPV4_BAD_IHL, ip.wrap(frame, 14, 84).validate());
        frame.putByte(14, (byte) 0x46);
        assertEquals(ValidationResult.IPV4_HEADER_TRUNCATED, ip.wrap(frame, 14, 23).validate());
        frame.putByte(14, (byte) 0x45);
        assertEquals(ValidationResult.IPV4_TOTAL_LENGTH_TOO_LONG, ip.wrap(frame, 14, 83).validate());
        assertEquals(ValidationResult.OK, ip.wrap(frame, 14, 84).validate());
        assertEquals(ValidationResult.OK, ip.wrap(frame, 14, 85).validate()); // trailing padding is fine
        frame.putByte(14 + 20, (byte) 0); // payload changes do not matter to the header checksum
        assertEquals(ValidationResult.OK, ip.wrap(frame, 14, 84).validate());
        frame.putByte(14 + 8, (byte) 63);
        assertEquals(ValidationResult.IPV4_BAD_CHECKSUM, ip.wrap(frame, 14, 84).validate());
        assertEquals(ValidationResult.IPV4_TRUNCATED, ip.wrap(frame, 14, -1).validate());
    }

    @Test
    void martianSources() {
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_THIS_NETWORK, "0.0.0.0");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_THIS_NETWORK, "0.255.255.255");
        assertSource(ValidationResult.OK, "1.0.0.0");
        assertSource(ValidationResult.OK, "126.255.255.255");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_LOOPBACK, "127.0.0.1");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_LOOPBACK, "127.255.255.255");
        assertSource(ValidationResult.OK, "128.0.0.0");
        assertSource(ValidationResult.OK, "169.253.255.255");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_LINK_LOCAL, "169.254.0.1");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_LINK_LOCAL, "169.254.255.255");
        assertSource(ValidationResult.OK, "169.255.0.0");
        assertSource(ValidationResult.OK, "10.0.0.1");
        assertSource(ValidationResult.OK, "192.0.2.1");
        assertSource(ValidationResult.OK, "223.255.255.255");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_MULTICAST, "224.0.0.5");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_MULTICAST, "239.255.255.255");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_RESERVED, "240.0.0.0");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_RESERVED, "255.255.255.254");
        assertSource(ValidationResult.IPV4_MARTIAN_SOURCE_BROADCAST, "255.255.255.255");
    }

    @Test
    void martianDestinations() {
        assertDestination(ValidationResult.IPV4_MARTIAN_DESTINATION_THIS_NETWORK, "0.0.0.0");
        assertDestination(ValidationResult.IPV4_MARTIAN_DESTINATION_THIS_NETWORK, "0.1.2.3");
        assertDestination(ValidationResult.IPV4_MARTIAN_DESTINATION_LOOPBACK, "127.0.0.1");
        assertDestination(ValidationResult.IPV4_MARTIAN_DESTINATION_LINK_LOCAL, "169.254.1.1");
        assertDestination(ValidationResult.OK, "10.77.2.1");
        assertDestination(ValidationResult.OK, "224.0.0.5");
        assertDestination(ValidationResult.OK, "239.1.1.1");
        assertDestination(ValidationResult.IPV4_MARTIAN_DESTINATION_RESERVED, "240.0.0.1");
        assertDestination(ValidationResult.IPV4_MARTIAN_DESTINATION_RESERVED, "255.255.255.254");
        assertDestination(ValidationResult.OK, "255.255.255.255");
        assertTrue(Ipv4Addresses.isMulticast(Ipv4Addresses.parse("224.0.0.5")));
        assertTrue(Ipv4Addresses.isLinkLocalMulticast(Ipv4Addresses.parse("224.0.0.6")));
        assertFalse(Ipv4Addresses.isLinkLocalMulticast(Ipv4Addresses.parse("224.0.1.1")));
        assertTrue(Ipv4Addresses.isLimitedBroadcast(-1));
        assertTrue(Ipv4Addresses.isLoopback(Ipv4Addresses.parse("127.1.2.3")));
    }

    @Test
    void addressText() {
        assertEquals(Ipv4Addresses.of(10, 77, 1, 254), Ipv4Addresses.parse("10.77.1.254"));
        assertEquals("255.255.255.255", Ipv4Addresses.format(-1));
        assertEquals("0.0.0.0", Ipv4Addresses.format(0));
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.", "a.b.c.d"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Addresses.parse(bad), bad);
        }
    }

    private static void assertSource(int expected, String address) {
        assertEquals(ValidationResult.name(expected),
            ValidationResult.name(Ipv4Addresses.classifySource(Ipv4Addresses.parse(address))), address);
    }

    private static void assertDestination(int expected, String address) {
        assertEquals(ValidationResult.name(expected),
            ValidationResult.name(Ipv4Addresses.classifyDestination(Ipv4Addresses.parse(address))), address);
    }
}
