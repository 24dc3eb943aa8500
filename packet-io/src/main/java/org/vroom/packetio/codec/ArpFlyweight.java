package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ARP for IPv4 over Ethernet (RFC 826), the only combination a router port speaks.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Hardware type = 1         |     Protocol type = 0x0800    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HLen = 6     |   PLen = 4    |  Opcode (1 request, 2 reply)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Sender hardware address (offset 8, 6 bytes)        |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | Sender protocol address (14)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | Target hardware address (18)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Target protocol address (offset 24)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Wrap the Ethernet payload ({@link EthernetFlyweight#payloadOffset()}, {@code payloadLength()}),
 * {@link #validate()}, then read. Answering a request in place:
 * {@code eth.turnAround(ourMac); arp.toReply(ourMac);} and transmit the same frame. Addresses are
 * MACs as {@code long} and IPv4 as host-order {@code int}. Not thread-safe; reused per packet.
 */
public final class ArpFlyweight {
    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPCODE_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;

    public static final int HARDWARE_TYPE_ETHERNET = 1;
    public static final int OPCODE_REQUEST = 1;
    public static final int OPCODE_REPLY = 2;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Wraps the ARP packet at {@code offset}; {@code length} bytes are available (padding allowed). */
    public ArpFlyweight wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** OK, or the first ARP_* code the packet breaks: length, hardware/protocol type and lengths, opcode. */
    public int validate() {
        if (length < LENGTH) {
            return ValidationResult.ARP_TRUNCATED;
        }
        if (hardwareType() != HARDWARE_TYPE_ETHERNET) {
            return ValidationResult.ARP_BAD_HARDWARE_TYPE;
        }
        if (protocolType() != EthernetFlyweight.ETHERTYPE_IPV4) {
            return ValidationResult.ARP_BAD_PROTOCOL_TYPE;
        }
        if (hardwareLength() != MacAddress.LENGTH) {
            return ValidationResult.ARP_BAD_HARDWARE_LENGTH;
        }
        if (protocolLength() != 4) {
            return ValidationResult.ARP_BAD_PROTOCOL_LENGTH;
        }
        final int op = opcode();
        if (op != OPCODE_REQUEST && op != OPCODE_REPLY) {
            return ValidationResult.ARP_BAD_OPCODE;
        }
        return ValidationResult.OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int hardwareType() {
        return buffer.getShort(offset + HARDWARE_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int protocolType() {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int hardwareLength() {
        return buffer.getByte(offset + HARDWARE_LENGTH_OFFSET) & 0xFF;
    }

    public int protocolLength() {
        return buffer.getByte(offset + PROTOCOL_LENGTH_OFFSET) & 0xFF;
    }

    public int opcode() {
        return buffer.getShort(offset + OPCODE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public long senderMac() {
        return MacAddress.read(buffer, offset + SENDER_MAC_OFFSET);
    }

    public int senderIp() {
        return buffer.getInt(offset + SENDER_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public long targetMac() {
        return MacAddress.read(buffer, offset + TARGET_MAC_OFFSET);
    }

    public int targetIp() {
        return buffer.getInt(offset + TARGET_IP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public boolean isRequest() {
        return opcode() == OPCODE_REQUEST;
    }

    public boolean isReply() {
        return opcode() == OPCODE_REPLY;
    }

    /** Gratuitous ARP (RFC 5227 announcement): sender and target protocol addresses are equal. */
    public boolean isGratuitous() {
        return senderIp() == targetIp();
    }

    /** RFC 5227 probe: sender protocol address 0.0.0.0 (must not update a neighbour cache). */
    public boolean isProbe() {
        return senderIp() == 0;
    }

    public ArpFlyweight opcode(int opcode) {
        mutable().putShort(offset + OPCODE_OFFSET, (short) opcode, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public ArpFlyweight senderMac(long mac) {
        MacAddress.write(mutable(), offset + SENDER_MAC_OFFSET, mac);
        return this;
    }

    public ArpFlyweight senderIp(int address) {
        mutable().putInt(offset + SENDER_IP_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public ArpFlyweight targetMac(long mac) {
        MacAddress.write(mutable(), offset + TARGET_MAC_OFFSET, mac);
        return this;
    }

    public ArpFlyweight targetIp(int address) {
        mutable().putInt(offset + TARGET_IP_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Turns a validated request into the reply in place: target := old sender, sender := ({@code ourMac},
     * old target IP), opcode := reply. The caller has checked that the target IP is one of its own.
     * Returns false, changing nothing, when the packet is not a request.
     */
    public boolean toReply(long ourMac) {
        if (opcode() != OPCODE_REQUEST) {
            return false;
        }
        final long requesterMac = senderMac();
        final int requesterIp = senderIp();
        final int ourIp = targetIp();
        opcode(OPCODE_REPLY);
        targetMac(requesterMac);
        targetIp(requesterIp);
        senderMac(ourMac);
        senderIp(ourIp);
        return true;
    }

    private MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    /** Writes a 28-byte Ethernet/IPv4 ARP packet; returns {@link #LENGTH}. */
    public static int write(MutableDirectBuffer buffer, int offset, int opcode, long senderMac, int senderIp,
        long targetMac, int targetIp) {
        buffer.putShort(offset + HARDWARE_TYPE_OFFSET, (short) HARDWARE_TYPE_ETHERNET, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + PROTOCOL_TYPE_OFFSET, (short) EthernetFlyweight.ETHERTYPE_IPV4, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + HARDWARE_LENGTH_OFFSET, (byte) MacAddress.LENGTH);
        buffer.putByte(offset + PROTOCOL_LENGTH_OFFSET, (byte) 4);
        buffer.putShort(offset + OPCODE_OFFSET, (short) opcode, ByteOrder.BIG_ENDIAN);
        MacAddress.write(buffer, offset + SENDER_MAC_OFFSET, senderMac);
        buffer.putInt(offset + SENDER_IP_OFFSET, senderIp, ByteOrder.BIG_ENDIAN);
        MacAddress.write(buffer, offset + TARGET_MAC_OFFSET, targetMac);
        buffer.putInt(offset + TARGET_IP_OFFSET, targetIp, ByteOrder.BIG_ENDIAN);
        return LENGTH;
    }

    /**
     * Writes a broadcast request frame, Ethernet header included: "who has {@code targetIp}? tell
     * {@code senderIp}", target MAC zero as Linux sends it. No padding to 60 bytes is added (NICs pad;
     * callers on veth may pad themselves). Returns the frame length (42, or 46 with a VLAN tag).
     */
    public static int writeRequestFrame(MutableDirectBuffer buffer, int offset, long senderMac, int vlanId,
        int senderIp, int targetIp) {
        final int header = EthernetFlyweight.writeHeader(buffer, offset, MacAddress.BROADCAST, senderMac, vlanId,
            EthernetFlyweight.ETHERTYPE_ARP);
        return header + write(buffer, offset + header, OPCODE_REQUEST, senderMac, senderIp, MacAddress.ZERO, targetIp);
    }

    /** Writes a unicast reply frame "{@code senderIp} is at {@code senderMac}" to the requester. */
    public static int writeReplyFrame(MutableDirectBuffer buffer, int offset, long senderMac, int vlanId,
        int senderIp, long targetMac, int targetIp) {
        final int header = EthernetFlyweight.writeHeader(buffer, offset, targetMac, senderMac, vlanId,
            EthernetFlyweight.ETHERTYPE_ARP);
        return header + write(buffer, offset + header, OPCODE_REPLY, senderMac, senderIp, targetMac, targetIp);
    }
}
