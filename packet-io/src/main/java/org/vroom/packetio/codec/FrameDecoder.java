package org.vroom.packetio.codec;

import org.agrona.DirectBuffer;

/**
 * Decodes and validates a whole received frame layer by layer with preallocated flyweights: Ethernet
 * (tags), then ARP or IPv4, then for an unfragmented IPv4 datagram ICMP or UDP, and for UDP to the
 * tunnel port the vroom tunnel header. Returns the first failure; {@link #layers()} tells which
 * flyweights are positioned and valid.
 *
 * <p>Meant for packets delivered to a VR's host stack, for tools and for tests (every byte of every
 * layer is checked, transport checksums included). A forwarding loop needs less: Ethernet and IPv4
 * only, which it does with the flyweights directly. Other EtherTypes and IP protocols, and fragments,
 * are OK with fewer layers set. Not thread-safe: one instance per thread, reused for every frame.
 */
public final class FrameDecoder {
    public static final int LAYER_ETHERNET = 1;
    public static final int LAYER_ARP = 1 << 1;
    public static final int LAYER_IPV4 = 1 << 2;
    public static final int LAYER_ICMP = 1 << 3;
    public static final int LAYER_UDP = 1 << 4;
    public static final int LAYER_TUNNEL = 1 << 5;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final TunnelFlyweight tunnel = new TunnelFlyweight();
    private final int tunnelPort;
    private int layers;
    private boolean verifyChecksums;

    /** A decoder that recognises the tunnel on {@link TunnelFlyweight#DEFAULT_PORT}. */
    public FrameDecoder() {
        this(TunnelFlyweight.DEFAULT_PORT);
    }

    /** A decoder that recognises the tunnel on {@code tunnelPort}. */
    public FrameDecoder(int tunnelPort) {
        this.tunnelPort = tunnelPort;
    }

    /** Decodes the frame at {@code offset}, {@code length} bytes; OK or the first failure's code. */
    public int decode(DirectBuffer buffer, int offset, int length) {
        return decode(buffer, offset, length, true);
    }

    /**
     * As {@link #decode(DirectBuffer, int, int)}; with {@code verifyTransportChecksums} false the ICMP and
     * UDP checksums are not verified (lengths still are): for frames a port flags as carrying a partial
     * checksum (a local sender's offload) or one the kernel already verified. The IPv4 header checksum
     * is always verified: Linux never leaves it to offload.
     */
    public int decode(DirectBuffer buffer, int offset, int length, boolean verifyTransportChecksums) {
        layers = 0;
        verifyChecksums = verifyTransportChecksums;
        int code = ethernet.wrap(buffer, offset, length).validate();
        if (code != ValidationResult.OK) {
            return code;
        }
        layers = LAYER_ETHERNET;
        switch (ethernet.etherType()) {
            case EthernetFlyweight.ETHERTYPE_ARP:
                code = arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength()).validate();
                if (code == ValidationResult.OK) {
                    layers |= LAYER_ARP;
                }
                return code;
            case EthernetFlyweight.ETHERTYPE_IPV4:
                return decodeIpv4(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
            default:
                return ValidationResult.OK;
        }
    }

    private int decodeIpv4(DirectBuffer buffer, int offset, int length) {
        int code = ipv4.wrap(buffer, offset, length).validate();
        if (code != ValidationResult.OK) {
            return code;
        }
        layers |= LAYER_IPV4;
        if (ipv4.isFragment()) {
            return ValidationResult.OK;
        }
        switch (ipv4.protocol()) {
            case Ipv4Flyweight.PROTOCOL_ICMP:
                icmp.wrap(buffer, ipv4.payloadOffset(), ipv4.payloadLength());
                code = verifyChecksums ? icmp.validate() : icmp.validateLength();
                if (code == ValidationResult.OK) {
                    layers |= LAYER_ICMP;
                }
                return code;
            case Ipv4Flyweight.PROTOCOL_UDP:
                return decodeUdp(buffer, offset, length);
            default:
                return ValidationResult.OK;
        }
    }

    private int decodeUdp(DirectBuffer buffer, int ipOffset, int ipLength) {
        final int udpLength = ipv4.payloadLength();
        udp.wrap(buffer, ipv4.payloadOffset(), udpLength);
        if (udpLength >= UdpFlyweight.HEADER_LENGTH && udp.destinationPort() == tunnelPort) {
            // the tunnel decoder re-checks the 20..60-byte outer header, then UDP and its own header
            final int code = tunnel.wrap(buffer, ipOffset, ipLength).validate(tunnelPort, verifyChecksums);
            if (code == ValidationResult.OK) {
                layers |= LAYER_UDP | LAYER_TUNNEL;
            }
            return code;
        }
        final int code = verifyChecksums ? udp.validate(ipv4.source(), ipv4.destination()) : udp.validateLength();
        if (code == ValidationResult.OK) {
            layers |= LAYER_UDP;
        }
        return code;
    }

    /** Bit set of LAYER_* whose flyweights are positioned on valid data. */
    public int layers() {
        return layers;
    }

    public boolean has(int layer) {
        return (layers & layer) != 0;
    }

    public EthernetFlyweight ethernet() {
        return ethernet;
    }

    public ArpFlyweight arp() {
        return arp;
    }

    public Ipv4Flyweight ipv4() {
        return ipv4;
    }

    public IcmpFlyweight icmp() {
        return icmp;
    }

    /** The UDP header; for a tunnel packet this is {@link TunnelFlyweight#udp()}'s twin on the same bytes. */
    public UdpFlyweight udp() {
        return udp;
    }

    public TunnelFlyweight tunnel() {
        return tunnel;
    }

    public int tunnelPort() {
        return tunnelPort;
    }
}
