package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ArpFlyweightTest {
    private static final long HOST_MAC = 0x0200_0000_0A01L;
    private static final long ROUTER_MAC = 0x0200_0000_0AFEL;
    private static final int HOST_IP = Ipv4Addresses.of(10, 77, 1, 1);
    private static final int ROUTER_IP = Ipv4Addresses.of(10, 77, 1, 254);

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();

    @Test
    void capturedRequest() {
        final UnsafeBuffer frame = Vectors.good("arp-request").buffer();
        eth.wrap(frame, 0, frame.capacity()).validate();
        assertEquals(ValidationResult.OK, arp.wrap(frame, eth.payloadOffset(), eth.payloadLength()).validate());
        assertEquals(1, arp.hardwareType());
        assertEquals(0x0800, arp.protocolType());
        assertEquals(6, arp.hardwareLength());
        assertEquals(4, arp.protocolLength());
        assertEquals(ArpFlyweight.OPCODE_REQUEST, arp.opcode());
        assertTrue(arp.isRequest());
        assertFalse(arp.isReply());
        assertEquals(HOST_MAC, arp.senderMac());
        assertEquals(HOST_IP, arp.senderIp());
        assertEquals(0L, arp.targetMac());
        assertEquals(ROUTER_IP, arp.targetIp());
        assertFalse(arp.isGratuitous());
        assertFalse(arp.isProbe());

        // encode(decode(x)) == x, for the ARP body and for the whole frame
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertEquals(28, ArpFlyweight.write(out, 0, arp.opcode(), arp.senderMac(), arp.senderIp(), arp.targetMac(),
            arp.targetIp()));
        assertEquals(Vectors.hex(frame, 14, 28), Vectors.hex(out, 0, 28));
        assertEquals(42, ArpFlyweight.writeRequestFrame(out, 0, HOST_MAC, EthernetFlyweight.NO_VLAN, HOST_IP, ROUTER_IP));
        assertEquals(Vectors.hex(frame, 0, 42), Vectors.hex(out, 0, 42));
    }

    @Test
    void capturedReply() {
        final UnsafeBuffer frame = Vectors.good("arp-reply").buffer();
        eth.wrap(frame, 0, frame.capacity()).validate();
        assertEquals(ValidationResult.OK, arp.wrap(frame, eth.payloadOffset(), eth.payloadLength()).validate());
        assertTrue(arp.isReply());
        assertEquals(ROUTER_MAC, arp.senderMac());
        assertEquals(ROUTER_IP, arp.senderIp());
        assertEquals(HOST_MAC, arp.targetMac());
        assertEquals(HOST_IP, arp.targetIp());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[42]);
        assertEquals(42, ArpFlyweight.writeReplyFrame(out, 0, ROUTER_MAC, EthernetFlyweight.NO_VLAN, ROUTER_IP,
            HOST_MAC, HOST_IP));
        assertEquals(Vectors.hex(frame, 0, 42), Vectors.hex(out, 0, 42));
    }

    @Test
    void requestTurnedIntoReplyInPlaceEqualsLinuxReply() {
        final UnsafeBuffer frame = Vectors.good("arp-request").buffer();
        eth.wrap(frame, 0, frame.capacity()).validate();
        arp.wrap(frame, eth.payloadOffset(), eth.payloadLength()).validate();
        eth.turnAround(ROUTER_MAC);
        assertTrue(arp.toReply(ROUTER_MAC));
        assertEquals(Vectors.hex(Vectors.good("arp-reply").bytes()), Vectors.hex(frame, 0, 42));
        // a reply is not answered
        assertFalse(arp.toReply(ROUTER_MAC));
        assertEquals(Vectors.hex(Vectors.good("arp-reply").bytes()), Vectors.hex(frame, 0, 42));
    }

    @Test
    void taggedRequestFrame() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[46]);
        assertEquals(46, ArpFlyweight.writeRequestFrame(out, 0, HOST_MAC, 4094, HOST_IP, ROUTER_IP));
        assertEquals(ValidationResult.OK, eth.wrap(out, 0, 46).validate());
        assertEquals(4094, eth.vlanId());
        assertEquals(EthernetFlyweight.ETHERTYPE_ARP, eth.etherType());
        assertEquals(ValidationResult.OK, arp.wrap(out, eth.payloadOffset(), eth.payloadLength()).validate());
        assertEquals(ROUTER_IP, arp.targetIp());
        // the vlan-4094 vector differs only in its TCI (PCP 7, DEI 1)
        final byte[] expected = Vectors.good("arp-request-vlan-4094").bytes();
        expected[14] = 0x0F;
        assertEquals(Vectors.hex(expected), Vectors.hex(out, 0, 46));
    }

    @Test
    void gratuitousAndProbe() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[28]);
        ArpFlyweight.write(out, 0, ArpFlyweight.OPCODE_REQUEST, HOST_MAC, HOST_IP, 0, HOST_IP);
        assertTrue(arp.wrap(out, 0, 28).isGratuitous());
        arp.senderIp(0);
        assertTrue(arp.isProbe());
    }
}
