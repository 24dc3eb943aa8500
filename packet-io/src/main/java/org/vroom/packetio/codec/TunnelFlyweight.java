package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Decoder of the vroom node-to-node tunnel: an Ethernet frame of one virtual router carried from one
 * node to another in IPv4/UDP, used during migration for the remote control plane (the old node relays
 * the VR's control packets to the new one) and for double data planes. {@link TunnelEncoder} writes it.
 *
 * <h2>Format</h2>
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  outer IPv4 header, protocol 17, DF set, no options when sent  |  20 bytes (options
 * |  (an outer fragment is rejected: TUNNEL_FRAGMENTED)            |  tolerated on receive)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Source port (flow entropy)  | Destination port = 61000      |  UDP, 8 bytes
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          UDP length           | UDP checksum (0 = none)       |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |Ver=1  | HLen  |C|  reserved   |   Virtual interface index     |  tunnel header, 16 bytes
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  (offsets from its start)
 * |                      Virtual router id                        |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Sequence number (64 bits)                   |  8
 * |                                                               |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |  inner Ethernet frame (no FCS), at least 14 bytes, to the end  |  HLen * 4
 * |  of the UDP payload                                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * <ul>
 *   <li>Ver (4 bits): 1. Other versions are rejected (TUNNEL_BAD_VERSION).</li>
 *   <li>HLen (4 bits): header length in 32-bit words, 4 for this version; a receiver skips
 *       {@code HLen * 4} bytes, so later versions can append fields. Below 4 or beyond the UDP payload:
 *       TUNNEL_BAD_HEADER_LENGTH.</li>
 *   <li>Flags (8 bits): C (0x80) = the inner frame is a control-plane packet of the VR (to or from its
 *       control plane on the other node), not transit data. Other bits are reserved: sent as zero,
 *       ignored on receipt.</li>
 *   <li>Virtual interface index (16 bits): the VR's interface the frame arrived on or leaves by.</li>
 *   <li>Virtual router id (32 bits): the VR, unique across the nodes of a deployment.</li>
 *   <li>Sequence number (64 bits): per (sender, VR) counter, so a receiver can count loss and
 *       reordering; never wraps in practice.</li>
 * </ul>
 * <p>Port: {@link #DEFAULT_PORT} = 61000. It is in the IANA dynamic range (49152-65535), which IANA
 * never assigns, so it cannot collide with a registered protocol (4789 VXLAN, 4790 VXLAN-GPE and 6081
 * Geneve are taken, and Wireshark would mis-dissect them), and above Linux's default ephemeral range
 * (32768-60999), so no kernel socket on a node picks it as a source port. Deployments may choose
 * another port: {@link #validate(int)} and {@link TunnelEncoder} take it as a parameter. The UDP source
 * port carries flow entropy for ECMP (RFC 7348 style). The UDP checksum is optional (0), as for VXLAN;
 * the inner packets carry their own checksums.
 *
 * <p>Decoding: {@code wrap(buffer, outerIpOffset, length)} then {@code validate(port)}; it validates
 * the outer IPv4 header and UDP datagram too (see {@link #ipv4()}, {@link #udp()}). Not thread-safe;
 * one instance per worker.
 */
public final class TunnelFlyweight {
    /** The tunnel's well-known UDP destination port; see the class comment for the choice. */
    public static final int DEFAULT_PORT = 61000;
    public static final int VERSION = 1;

    public static final int VERSION_HLEN_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int VIRTUAL_INTERFACE_OFFSET = 2;
    public static final int VR_ID_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    /** Length of a version-1 tunnel header. */
    public static final int HEADER_LENGTH = 16;
    /** Longest header HLen can express. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Outer IPv4 + UDP + tunnel header, as {@link TunnelEncoder} writes them. */
    public static final int OVERHEAD = Ipv4Flyweight.MIN_HEADER_LENGTH + UdpFlyweight.HEADER_LENGTH + HEADER_LENGTH;

    /** Flag: the inner frame is a control-plane packet of the VR. */
    public static final int FLAG_CONTROL = 0x80;

    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int headerOffset;
    private int headerLength;

    /** Wraps the outer IPv4 datagram at {@code offset}, {@code length} bytes delivered. */
    public TunnelFlyweight wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.headerOffset = offset;
        this.headerLength = 0;
        return this;
    }

    /** {@link #validate(int)} with {@link #DEFAULT_PORT}. */
    public int validate() {
        return validate(DEFAULT_PORT);
    }

    /**
     * Validates the outer IPv4 header (IPV4_* codes), that it carries unfragmented UDP (TUNNEL_NOT_UDP,
     * TUNNEL_FRAGMENTED, UDP_TRUNCATED), the destination port (TUNNEL_WRONG_PORT), the UDP datagram
     * (UDP_BAD_LENGTH, UDP_BAD_CHECKSUM) and the tunnel header (TUNNEL_*). Returns OK or the first failure.
     */
    public int validate(int port) {
        return validate(port, true);
    }

    /**
     * As {@link #validate(int)}, verifying the UDP checksum only when {@code verifyUdpChecksum} (pass
     * false when the port reports the checksum as partial or already verified).
     */
    public int validate(int port, boolean verifyUdpChecksum) {
        headerLength = 0;
        int code = ipv4.wrap(buffer, offset, length).validate();
        if (code != ValidationResult.OK) {
            return code;
        }
        if (ipv4.protocol() != Ipv4Flyweight.PROTOCOL_UDP) {
            return ValidationResult.TUNNEL_NOT_UDP;
        }
        if (ipv4.isFragment()) {
            return ValidationResult.TUNNEL_FRAGMENTED;
        }
        udp.wrap(buffer, ipv4.payloadOffset(), ipv4.payloadLength());
        if (ipv4.payloadLength() < UdpFlyweight.HEADER_LENGTH) {
            return ValidationResult.UDP_TRUNCATED;
        }
        if (udp.destinationPort() != port) {
            return ValidationResult.TUNNEL_WRONG_PORT;
        }
        code = verifyUdpChecksum ? udp.validate(ipv4.source(), ipv4.destination()) : udp.validateLength();
        if (code != ValidationResult.OK) {
            return code;
        }
        return validateHeader(udp.payloadOffset(), udp.payloadLength());
    }

    private int validateHeader(int start, int available) {
        headerOffset = start;
        if (available < HEADER_LENGTH) {
            return ValidationResult.TUNNEL_TRUNCATED;
        }
        final int versionHlen = buffer.getByte(start + VERSION_HLEN_OFFSET) & 0xFF;
        if ((versionHlen >>> 4) != VERSION) {
            return ValidationResult.TUNNEL_BAD_VERSION;
        }
        final int hl = (versionHlen & 0x0F) << 2;
        if (hl < HEADER_LENGTH || hl > available) {
            return ValidationResult.TUNNEL_BAD_HEADER_LENGTH;
        }
        if (available - hl < EthernetFlyweight.HEADER_LENGTH) {
            return ValidationResult.TUNNEL_INNER_TRUNCATED;
        }
        headerLength = hl;
        return ValidationResult.OK;
    }

    /** The outer IPv4 header, positioned by {@link #validate(int)}. */
    public Ipv4Flyweight ipv4() {
        return ipv4;
    }

    /** The outer UDP header, positioned by {@link #validate(int)}. */
    public UdpFlyweight udp() {
        return udp;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Absolute index of the tunnel header. */
    public int headerOffset() {
        return headerOffset;
    }

    public int version() {
        return (buffer.getByte(headerOffset + VERSION_HLEN_OFFSET) & 0xFF) >>> 4;
    }

    /** Tunnel header length in bytes (after {@link #validate(int)} returned OK). */
    public int headerLength() {
        return headerLength;
    }

    public int flags() {
        return buffer.getByte(headerOffset + FLAGS_OFFSET) & 0xFF;
    }

    public boolean isControl() {
        return (flags() & FLAG_CONTROL) != 0;
    }

    public int virtualInterface() {
        return buffer.getShort(headerOffset + VIRTUAL_INTERFACE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** The 32-bit VR id (compare as unsigned if ids above 2^31 are used). */
    public int vrId() {
        return buffer.getInt(headerOffset + VR_ID_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public long sequence() {
        return buffer.getLong(headerOffset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Absolute index of the inner Ethernet frame. */
    public int innerFrameOffset() {
        return headerOffset + headerLength;
    }

    /** Length of the inner Ethernet frame: the rest of the UDP payload. */
    public int innerFrameLength() {
        return udp.payloadLength() - headerLength;
    }

    /** Writes a version-1, 16-byte tunnel header; returns 16. */
    public static int writeHeader(MutableDirectBuffer buffer, int offset, int flags, int vrId, int virtualInterface,
        long sequence) {
        buffer.putByte(offset + VERSION_HLEN_OFFSET, (byte) ((VERSION << 4) | (HEADER_LENGTH >>> 2)));
        buffer.putByte(offset + FLAGS_OFFSET, (byte) flags);
        buffer.putShort(offset + VIRTUAL_INTERFACE_OFFSET, (short) virtualInterface, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + VR_ID_OFFSET, vrId, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH;
    }
}
