package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class IcmpFlyweightTest {
    private static final long HOST_MAC = 0x0200_0000_0A01L;
    private static final long ROUTER_MAC = 0x0200_0000_0AFEL;

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();

    private void decode(UnsafeBuffer frame) {
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(ValidationResult.OK, ip.wrap(frame, eth.payloadOffset(), eth.payloadLength()).validate());
        assertEquals(ValidationResult.OK, icmp.wrap(frame, ip.payloadOffset(), ip.payloadLength()).validate());
    }

    @Test
    void echoRequestFromPing() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        decode(frame);
        assertEquals(IcmpFlyweight.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0xE44D, icmp.checksum());
        assertEquals(0x244C, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertEquals(64, icmp.length());
        assertEquals(56, icmp.dataLength());
        assertEquals(42, icmp.dataOffset());
        assertFalse(icmp.isError());
        assertTrue(icmp.verifyChecksum());

        // encode(decode(x)) == x
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertEquals(64, IcmpFlyweight.writeEcho(out, 0, icmp.type(), icmp.identifier(), icmp.sequence(), frame,
            icmp.dataOffset(), icmp.dataLength()));
        assertEquals(Vectors.hex(frame, 34, 64), Vectors.hex(out, 0, 64));
    }

    /** Answering #3 in place, with the IP id and flags Linux chose, gives Linux's reply #4 byte for byte. */
    @Test
    void echoRequestTurnedIntoReplyEqualsLinuxReply() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        decode(frame);
        eth.turnAround(ROUTER_MAC);
        ip.swapAddresses();
        ip.identification(0x0E6D).flagsAndFragmentOffset(0).ttl(Ipv4Flyweight.DEFAULT_TTL).updateChecksum();
        assertTrue(icmp.echoRequestToReply());
        assertEquals(Vectors.hex(Vectors.good("icmp-echo-reply").bytes()), Vectors.hex(frame, 0, frame.capacity()));
        decode(frame);
        assertEquals(IcmpFlyweight.TYPE_ECHO_REPLY, icmp.type());
        assertFalse(icmp.echoRequestToReply()); // not a request any more
        assertEquals(HOST_MAC, eth.destinationMac());
    }

    @Test
    void echoReplyWithRecordRoute() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-reply-record-route").buffer();
        decode(frame);
        assertEquals(IcmpFlyweight.TYPE_ECHO_REPLY, icmp.type());
        assertEquals(0x244D, icmp.identifier());
        assertEquals(63, ip.ttl());
    }

    /** Linux's time exceeded #8 for #7, rebuilt from #7 with the same source and IP id, byte for byte. */
    @Test
    void timeExceededEqualsLinux() {
        final UnsafeBuffer original = Vectors.good("icmp-echo-request-ttl1").buffer();
        decode(original);
        assertEquals(1, ip.ttl());
        assertEquals(ValidationResult.OK, IcmpFlyweight.errorSuppression(ip, false));

        final UnsafeBuffer expected = Vectors.good("icmp-time-exceeded").buffer();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[14 + 576]);
        final int headerLength = EthernetFlyweight.writeHeader(out, 0, HOST_MAC, ROUTER_MAC,
            EthernetFlyweight.ETHERTYPE_IPV4);
        final int length = IcmpFlyweight.writeErrorDatagram(out, headerLength, Ipv4Addresses.parse("10.77.1.254"),
            0x0E6E, IcmpFlyweight.TYPE_TIME_EXCEEDED, IcmpFlyweight.CODE_TTL_EXCEEDED_IN_TRANSIT, 0, ip);
        assertEquals(112, length);
        assertEquals(Vectors.hex(expected, 0, expected.capacity()), Vectors.hex(out, 0, 14 + length));

        decode(expected);
        assertEquals(IcmpFlyweight.TYPE_TIME_EXCEEDED, icmp.type());
        assertTrue(icmp.isError());
        assertEquals(0, icmp.restOfHeader());
        assertEquals(Ipv4Flyweight.TOS_INTERNETWORK_CONTROL, ip.tos());
        // no error about an error
        assertEquals(ValidationResult.ICMP_ERROR_ABOUT_ICMP_ERROR, IcmpFlyweight.errorSuppression(ip, false));
    }

    /**
     * Linux's port unreachable replies: the original as the destination received it (one router
     * decremented its TTL) is quoted; the reply passed the same router back (TTL 63). Rebuilt here the
     * same way, byte for byte, for an odd-length datagram, one with IP options and one without a UDP checksum.
     */
    @Test
    void portUnreachableEqualsLinux() {
        assertPortUnreachable("udp-odd-length", "icmp-port-unreachable-odd", 0x42AF);
        assertPortUnreachable("udp-router-alert-option", "icmp-port-unreachable-router-alert", 0x42AE);
        assertPortUnreachable("udp-zero-checksum", "icmp-port-unreachable-zero-checksum", 0x42B0);
    }

    private void assertPortUnreachable(String originalName, String expectedName, int identification) {
        final UnsafeBuffer original = Vectors.good(originalName).buffer();
        decode0(original);
        ip.decrementTtl(); // what the router in between did
        final UnsafeBuffer out = new UnsafeBuffer(new byte[14 + 576]);
        final int headerLength = EthernetFlyweight.writeHeader(out, 0, HOST_MAC, ROUTER_MAC,
            EthernetFlyweight.ETHERTYPE_IPV4);
        final int length = IcmpFlyweight.writeErrorDatagram(out, headerLength, ip.destination(), identification,
            IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, ip);
        new Ipv4Flyweight().wrap(out, headerLength, length).decrementTtl(); // and on the way back
        final UnsafeBuffer expected = Vectors.good(expectedName).buffer();
        assertEquals(Vectors.hex(expected, 0, expected.capacity()), Vectors.hex(out, 0, 14 + length), expectedName);
    }

    private void decode0(UnsafeBuffer frame) {
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(ValidationResult.OK, ip.wrap(frame, eth.payloadOffset(), eth.payloadLength()).validate());
    }

    @Test
    void netUnreachableRebuiltFromItsQuote() {
        final UnsafeBuffer expected = Vectors.good("icmp-net-unreachable").buffer();
        decode(expected);
        assertEquals(IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, icmp.type());
        assertEquals(IcmpFlyweight.CODE_NET_UNREACHABLE, icmp.code());
        final int source = ip.source();
        final int identification = ip.identification();
        final Ipv4Flyweight quoted = new Ipv4Flyweight().wrap(expected, icmp.dataOffset(), icmp.dataLength());
        assertEquals(ValidationResult.OK, quoted.validate());
        assertEquals("10.77.100.254", Ipv4Addresses.format(quoted.destination()));

        final UnsafeBuffer out = new UnsafeBuffer(new byte[576]);
        final int length = IcmpFlyweight.writeErrorDatagram(out, 0, source, identification,
            IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_NET_UNREACHABLE, 0, quoted);
        assertEquals(Vectors.hex(expected, 14, expected.capacity() - 14), Vectors.hex(out, 0, length));
    }

    @Test
    void errorQuoteIsCappedAt576Bytes() {
        final UnsafeBuffer original = Vectors.good("ipv4-fragment-first").buffer();
        decode0(original);
        assertEquals(1500, ip.totalLength());
        assertEquals(548, IcmpFlyweight.quoteLength(ip));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[600]);
        final int length = IcmpFlyweight.writeErrorDatagram(out, 0, Ipv4Addresses.parse("10.77.1.254"), 1,
            IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, 1400, ip);
        assertEquals(576, length);
        final Ipv4Flyweight error = new Ipv4Flyweight().wrap(out, 0, length);
        assertEquals(ValidationResult.OK, error.validate());
        assertEquals(ip.source(), error.destination());
        assertEquals(ValidationResult.OK, icmp.wrap(out, error.payloadOffset(), error.payloadLength()).validate());
        assertEquals(1400, icmp.nextHopMtu());
        assertEquals(Vectors.hex(original, 14, 548), Vectors.hex(out, 28, 548));
    }

    @Test
    void quoteKeepsHeaderWithOptionsAndEightBytes() {
        // 60-byte header + 8 bytes: the whole datagram is quoted even at the minimum
        final UnsafeBuffer original = Vectors.good("icmp-echo-request-record-route").buffer();
        decode0(original);
        ip.wrap(original, 14, 68);
        assertEquals(68, IcmpFlyweight.quoteLength(ip));
    }

    @Test
    void parameterProblemPointer() {
        final UnsafeBuffer original = Vectors.good("icmp-echo-request").buffer();
        decode0(original);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[200]);
        final int length = IcmpFlyweight.writeError(out, 0, IcmpFlyweight.TYPE_PARAMETER_PROBLEM, 0, 9 << 24, ip);
        assertEquals(8 + 84, length);
        assertEquals(ValidationResult.OK, icmp.wrap(out, 0, length).validate());
        assertEquals(9, icmp.pointer());
    }

    @Test
    void errorSuppression() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        decode(frame);
        assertEquals(ValidationResult.OK, IcmpFlyweight.errorSuppression(ip, false));
        assertEquals(ValidationResult.ICMP_ERROR_ABOUT_BROADCAST, IcmpFlyweight.errorSuppression(ip, true));
        ip.destination(Ipv4Addresses.parse("224.0.0.5"));
        assertEquals(ValidationResult.ICMP_ERROR_ABOUT_BROADCAST, IcmpFlyweight.errorSuppression(ip, false));
        ip.destination(-1);
        assertEquals(ValidationResult.ICMP_ERROR_ABOUT_BROADCAST, IcmpFlyweight.errorSuppression(ip, false));
        ip.destination(Ipv4Addresses.parse("10.77.2.1"));
        for (String source : new String[] {"0.0.0.0", "127.0.0.1", "224.1.1.1", "240.0.0.1", "255.255.255.255"}) {
            ip.source(Ipv4Addresses.parse(source));
            assertEquals(ValidationResult.ICMP_ERROR_ABOUT_INVALID_SOURCE, IcmpFlyweight.errorSuppression(ip, false),
                source);
        }
        ip.source(Ipv4Addresses.parse("10.77.1.1"));
        // unknown ICMP type 42 is treated as an error; a timestamp request is not
        frame.putByte(ip.payloadOffset(), (byte) 42);
        assertEquals(ValidationResult.ICMP_ERROR_ABOUT_ICMP_ERROR, IcmpFlyweight.errorSuppression(ip, false));
        frame.putByte(ip.payloadOffset(), (byte) IcmpFlyweight.TYPE_TIMESTAMP);
        assertEquals(ValidationResult.OK, IcmpFlyweight.errorSuppression(ip, false));

        final UnsafeBuffer last = Vectors.good("ipv4-fragment-last").buffer();
        decode0(last);
        assertEquals(ValidationResult.ICMP_ERROR_ABOUT_FRAGMENT, IcmpFlyweight.errorSuppression(ip, false));
        final UnsafeBuffer first = Vectors.good("ipv4-fragment-first").buffer();
        decode0(first);
        assertEquals(ValidationResult.OK, IcmpFlyweight.errorSuppression(ip, false));
    }

    @Test
    void badChecksumAndTruncation() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        decode(frame);
        frame.putShort(icmp.offset() + 2, (short) 0x1234, ByteOrder.BIG_ENDIAN);
        assertEquals(ValidationResult.ICMP_BAD_CHECKSUM, icmp.validate());
        icmp.updateChecksum();
        assertEquals(ValidationResult.OK, icmp.validate());
        assertEquals(0xE44D, icmp.checksum());
        assertEquals(ValidationResult.ICMP_TRUNCATED, icmp.wrap(frame, 34, 7).validate());
    }
}
