package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EthernetFlyweightTest {
    private final EthernetFlyweight eth = new EthernetFlyweight();

    @Test
    void untaggedArpBroadcast() {
        final Vectors.Vector v = Vectors.good("arp-request");
        final UnsafeBuffer frame = v.buffer();
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(MacAddress.BROADCAST, eth.destinationMac());
        assertEquals(0x0200_0000_0A01L, eth.sourceMac());
        assertEquals(EthernetFlyweight.ETHERTYPE_ARP, eth.etherType());
        assertEquals(0, eth.tagCount());
        assertEquals(EthernetFlyweight.NO_VLAN, eth.vlanId());
        assertEquals(EthernetFlyweight.NO_VLAN, eth.innerVlanId());
        assertEquals(0, eth.outerTagProtocol());
        assertEquals(14, eth.headerLength());
        assertEquals(14, eth.payloadOffset());
        assertEquals(28, eth.payloadLength());
        assertTrue(eth.isDestinationMulticast());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[14]);
        assertEquals(14, EthernetFlyweight.writeHeader(out, 0, eth.destinationMac(), eth.sourceMac(), eth.etherType()));
        assertEquals(Vectors.hex(frame, 0, 14), Vectors.hex(out, 0, 14));
    }

    @Test
    void unicastIpv4() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request").buffer();
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(0x0200_0000_0AFEL, eth.destinationMac());
        assertEquals(0x0200_0000_0A01L, eth.sourceMac());
        assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, eth.etherType());
        assertFalse(eth.isDestinationMulticast());
        assertEquals(84, eth.payloadLength());
    }

    @Test
    void singleTagWithPriority() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-vlan100").buffer();
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(1, eth.tagCount());
        assertEquals(EthernetFlyweight.ETHERTYPE_VLAN, eth.outerTagProtocol());
        assertEquals(100, eth.vlanId());
        assertEquals(5, eth.vlanPriority());
        assertFalse(eth.vlanDropEligible());
        assertEquals(EthernetFlyweight.NO_VLAN, eth.innerVlanId());
        assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, eth.etherType());
        assertEquals(18, eth.headerLength());
        assertEquals(18, eth.payloadOffset());
        assertEquals(84, eth.payloadLength());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[18]);
        final int tci = eth.vlanPriority() << 13 | (eth.vlanDropEligible() ? 1 << 12 : 0) | eth.vlanId();
        assertEquals(18, EthernetFlyweight.writeTaggedHeader(out, 0, eth.destinationMac(), eth.sourceMac(),
            eth.outerTagProtocol(), tci, eth.etherType()));
        assertEquals(Vectors.hex(frame, 0, 18), Vectors.hex(out, 0, 18));
    }

    @Test
    void highestVlanWithDropEligible() {
        final UnsafeBuffer frame = Vectors.good("arp-request-vlan-4094").buffer();
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(4094, eth.vlanId());
        assertEquals(7, eth.vlanPriority());
        assertTrue(eth.vlanDropEligible());
        assertEquals(EthernetFlyweight.ETHERTYPE_ARP, eth.etherType());
    }

    @Test
    void qinq() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-qinq").buffer();
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(2, eth.tagCount());
        assertEquals(EthernetFlyweight.ETHERTYPE_QINQ, eth.outerTagProtocol());
        assertEquals(200, eth.vlanId());
        assertEquals(300, eth.innerVlanId());
        assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, eth.etherType());
        assertEquals(22, eth.payloadOffset());
        assertEquals(84, eth.payloadLength());
    }

    @Test
    void legacyQinqTpidIsATag() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-vlan100").buffer();
        frame.putShort(12, (short) 0x9100, java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(ValidationResult.OK, eth.wrap(frame, 0, frame.capacity()).validate());
        assertEquals(0x9100, eth.outerTagProtocol());
        assertEquals(100, eth.vlanId());
    }

    @Test
    void writesVlanHeaderOrUntagged() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        assertEquals(18, EthernetFlyweight.writeHeader(out, 3, 0x1122_3344_5566L, 0x0A0B_0C0D_0E0FL, 42,
            EthernetFlyweight.ETHERTYPE_IPV4));
        assertEquals("112233445566" + "0a0b0c0d0e0f" + "8100" + "002a" + "0800", Vectors.hex(out, 3, 18));
        assertEquals(ValidationResult.OK, eth.wrap(out, 3, 29).validate());
        assertEquals(42, eth.vlanId());
        assertEquals(14, EthernetFlyweight.writeHeader(out, 0, 1, 2, EthernetFlyweight.NO_VLAN, 0x0806));
        assertEquals(14, EthernetFlyweight.headerLength(EthernetFlyweight.NO_VLAN));
        assertEquals(18, EthernetFlyweight.headerLength(0));
    }

    @Test
    void mutators() {
        final UnsafeBuffer frame = Vectors.good("icmp-echo-request-vlan100").buffer();
        eth.wrap(frame, 0, frame.capacity()).validate();
        eth.turnAround(0x0200_0000_0BFEL);
        assertEquals(0x0200_0000_0A01L, eth.destinationMac());
        assertEquals(0x0200_0000_0BFEL, eth.sourceMac());
        eth.vlanId(7);
        assertEquals(7, eth.vlanId());
        assertEquals(5, eth.vlanPriority());
        eth.destinationMac(MacAddress.BROADCAST).sourceMac(1L);
        assertEquals("ffffffffffff000000000001", Vectors.hex(frame, 0, 12));
    }

    @Test
    void macAddressText() {
        assertEquals("02:00:00:00:0a:fe", MacAddress.format(0x0200_0000_0AFEL));
        assertEquals(0x0200_0000_0AFEL, MacAddress.parse("02:00:00:00:0a:fe"));
        assertEquals(MacAddress.BROADCAST, MacAddress.parse("FF-FF-FF-FF-FF-FF"));
        assertTrue(MacAddress.isMulticast(0x0100_5E00_0005L));
        assertFalse(MacAddress.isMulticast(0x0200_0000_0AFEL));
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> MacAddress.parse("02:00:00:00:0a"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> MacAddress.parse("02:00:00:00:0a:fg"));
    }
}
