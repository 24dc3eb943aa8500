package org.vroom.packetio.codec;

/**
 * The result codes of every {@code validate()} and classification in this package, in one dense
 * int space so that a worker can count them in one array: {@code drops[code]++}.
 *
 * <p>{@link #OK} is 0; every other code names the first rule a packet broke. Codes are stable
 * small ints in {@code [0, COUNT)}; {@link #name(int)} and {@link #reason(int)} turn them into text
 * for counters and logs (off the fast path: they only index a table, they do not allocate).
 */
public final class ValidationResult {
    /** The packet passed every check. */
    public static final int OK = 0;

    // Ethernet
    /** Fewer than 14 bytes. */
    public static final int ETH_TRUNCATED = 1;
    /** The frame ends inside a VLAN tag or before the ethertype that follows it. */
    public static final int ETH_TAG_TRUNCATED = 2;
    /** More than {@link EthernetFlyweight#MAX_TAGS} stacked VLAN tags. */
    public static final int ETH_TOO_MANY_TAGS = 3;

    // ARP
    /** Fewer than 28 bytes of ARP. */
    public static final int ARP_TRUNCATED = 4;
    /** Hardware type is not Ethernet (1). */
    public static final int ARP_BAD_HARDWARE_TYPE = 5;
    /** Protocol type is not IPv4 (0x0800). */
    public static final int ARP_BAD_PROTOCOL_TYPE = 6;
    /** Hardware address length is not 6. */
    public static final int ARP_BAD_HARDWARE_LENGTH = 7;
    /** Protocol address length is not 4. */
    public static final int ARP_BAD_PROTOCOL_LENGTH = 8;
    /** Opcode is neither request (1) nor reply (2). */
    public static final int ARP_BAD_OPCODE = 9;

    // IPv4, RFC 1812 section 5.2.2
    /** Fewer than 20 bytes: not even a minimal IPv4 header. */
    public static final int IPV4_TRUNCATED = 10;
    /** Version is not 4. */
    public static final int IPV4_BAD_VERSION = 11;
    /** IHL below 5. */
    public static final int IPV4_BAD_IHL = 12;
    /** IHL * 4 is more than the bytes available. */
    public static final int IPV4_HEADER_TRUNCATED = 13;
    /** Total length is smaller than the header length. */
    public static final int IPV4_TOTAL_LENGTH_TOO_SHORT = 14;
    /** Total length is more than the bytes the link layer delivered. */
    public static final int IPV4_TOTAL_LENGTH_TOO_LONG = 15;
    /** Header checksum does not verify. */
    public static final int IPV4_BAD_CHECKSUM = 16;

    // IPv4 martians, RFC 1812 section 5.3.7, RFC 6890, RFC 3927
    /** Source in 0.0.0.0/8 ("this network"). */
    public static final int IPV4_MARTIAN_SOURCE_THIS_NETWORK = 17;
    /** Source in 127.0.0.0/8. */
    public static final int IPV4_MARTIAN_SOURCE_LOOPBACK = 18;
    /** Source in 224.0.0.0/4 (multicast is never a source). */
    public static final int IPV4_MARTIAN_SOURCE_MULTICAST = 19;
    /** Source in 240.0.0.0/4, other than 255.255.255.255. */
    public static final int IPV4_MARTIAN_SOURCE_RESERVED = 20;
    /** Source 255.255.255.255. */
    public static final int IPV4_MARTIAN_SOURCE_BROADCAST = 21;
    /** Source in 169.254.0.0/16 (RFC 3927: never forwarded). */
    public static final int IPV4_MARTIAN_SOURCE_LINK_LOCAL = 22;
    /** Destination in 0.0.0.0/8. */
    public static final int IPV4_MARTIAN_DESTINATION_THIS_NETWORK = 23;
    /** Destination in 127.0.0.0/8. */
    public static final int IPV4_MARTIAN_DESTINATION_LOOPBACK = 24;
    /** Destination in 240.0.0.0/4, other than 255.255.255.255. */
    public static final int IPV4_MARTIAN_DESTINATION_RESERVED = 25;
    /** Destination in 169.254.0.0/16 (RFC 3927: never forwarded). */
    public static final int IPV4_MARTIAN_DESTINATION_LINK_LOCAL = 26;

    // ICMP
    /** Fewer than 8 bytes of ICMP. */
    public static final int ICMP_TRUNCATED = 27;
    /** ICMP checksum does not verify. */
    public static final int ICMP_BAD_CHECKSUM = 28;
    /** No ICMP error about an ICMP error (RFC 1812 4.3.2.7). */
    public static final int ICMP_ERROR_ABOUT_ICMP_ERROR = 29;
    /** No ICMP error about a non-initial fragment (RFC 1812 4.3.2.7). */
    public static final int ICMP_ERROR_ABOUT_FRAGMENT = 30;
    /** No ICMP error about an IP or link-layer broadcast or multicast (RFC 1812 4.3.2.7). */
    public static final int ICMP_ERROR_ABOUT_BROADCAST = 31;
    /** No ICMP error to a source that is not a single host (RFC 1812 4.3.2.7). */
    public static final int ICMP_ERROR_ABOUT_INVALID_SOURCE = 32;

    // UDP
    /** Fewer than 8 bytes of UDP. */
    public static final int UDP_TRUNCATED = 33;
    /** UDP length field below 8 or beyond the IP payload. */
    public static final int UDP_BAD_LENGTH = 34;
    /** Non-zero UDP checksum that does not verify. */
    public static final int UDP_BAD_CHECKSUM = 35;

    // vroom tunnel
    /** Outer IPv4 protocol is not UDP. */
    public static final int TUNNEL_NOT_UDP = 36;
    /** Outer IPv4 datagram is a fragment (tunnels are never fragmented: DF is set). */
    public static final int TUNNEL_FRAGMENTED = 37;
    /** UDP destination port is not the tunnel port. */
    public static final int TUNNEL_WRONG_PORT = 38;
    /** Fewer than 16 bytes of tunnel header. */
    public static final int TUNNEL_TRUNCATED = 39;
    /** Tunnel header version is not 1. */
    public static final int TUNNEL_BAD_VERSION = 40;
    /** Tunnel header length below 4 words or beyond the UDP payload. */
    public static final int TUNNEL_BAD_HEADER_LENGTH = 41;
    /** Inner frame shorter than an Ethernet header. */
    public static final int TUNNEL_INNER_TRUNCATED = 42;

    /** Number of codes; size a counter array with it. */
    public static final int COUNT = 43;

    private static final String[] NAMES = new String[COUNT];
    private static final String[] REASONS = new String[COUNT];

    static {
        define(OK, "OK", "valid");
        define(ETH_TRUNCATED, "ETH_TRUNCATED", "Ethernet frame shorter than 14 bytes");
        define(ETH_TAG_TRUNCATED, "ETH_TAG_TRUNCATED", "frame ends inside a VLAN tag");
        define(ETH_TOO_MANY_TAGS, "ETH_TOO_MANY_TAGS", "more than two stacked VLAN tags");
        define(ARP_TRUNCATED, "ARP_TRUNCATED", "ARP packet shorter than 28 bytes");
        define(ARP_BAD_HARDWARE_TYPE, "ARP_BAD_HARDWARE_TYPE", "ARP hardware type is not Ethernet");
        define(ARP_BAD_PROTOCOL_TYPE, "ARP_BAD_PROTOCOL_TYPE", "ARP protocol type is not IPv4");
        define(ARP_BAD_HARDWARE_LENGTH, "ARP_BAD_HARDWARE_LENGTH", "ARP hardware length is not 6");
        define(ARP_BAD_PROTOCOL_LENGTH, "ARP_BAD_PROTOCOL_LENGTH", "ARP protocol length is not 4");
        define(ARP_BAD_OPCODE, "ARP_BAD_OPCODE", "ARP opcode is neither request nor reply");
        define(IPV4_TRUNCATED, "IPV4_TRUNCATED", "fewer than 20 bytes for an IPv4 header");
        define(IPV4_BAD_VERSION, "IPV4_BAD_VERSION", "IP version is not 4");
        define(IPV4_BAD_IHL, "IPV4_BAD_IHL", "IPv4 header length below 5 words");
        define(IPV4_HEADER_TRUNCATED, "IPV4_HEADER_TRUNCATED", "IPv4 header (with options) longer than the frame");
        define(IPV4_TOTAL_LENGTH_TOO_SHORT, "IPV4_TOTAL_LENGTH_TOO_SHORT", "IPv4 total length below header length");
        define(IPV4_TOTAL_LENGTH_TOO_LONG, "IPV4_TOTAL_LENGTH_TOO_LONG", "IPv4 total length beyond the frame");
        define(IPV4_BAD_CHECKSUM, "IPV4_BAD_CHECKSUM", "IPv4 header checksum does not verify");
        define(IPV4_MARTIAN_SOURCE_THIS_NETWORK, "IPV4_MARTIAN_SOURCE_THIS_NETWORK", "source in 0.0.0.0/8");
        define(IPV4_MARTIAN_SOURCE_LOOPBACK, "IPV4_MARTIAN_SOURCE_LOOPBACK", "source in 127.0.0.0/8");
        define(IPV4_MARTIAN_SOURCE_MULTICAST, "IPV4_MARTIAN_SOURCE_MULTICAST", "source in 224.0.0.0/4");
        define(IPV4_MARTIAN_SOURCE_RESERVED, "IPV4_MARTIAN_SOURCE_RESERVED", "source in 240.0.0.0/4");
        define(IPV4_MARTIAN_SOURCE_BROADCAST, "IPV4_MARTIAN_SOURCE_BROADCAST", "source 255.255.255.255");
        define(IPV4_MARTIAN_SOURCE_LINK_LOCAL, "IPV4_MARTIAN_SOURCE_LINK_LOCAL", "source in 169.254.0.0/16");
        define(IPV4_MARTIAN_DESTINATION_THIS_NETWORK, "IPV4_MARTIAN_DESTINATION_THIS_NETWORK",
            "destination in 0.0.0.0/8");
        define(IPV4_MARTIAN_DESTINATION_LOOPBACK, "IPV4_MARTIAN_DESTINATION_LOOPBACK", "destination in 127.0.0.0/8");
        define(IPV4_MARTIAN_DESTINATION_RESERVED, "IPV4_MARTIAN_DESTINATION_RESERVED", "destination in 240.0.0.0/4");
        define(IPV4_MARTIAN_DESTINATION_LINK_LOCAL, "IPV4_MARTIAN_DESTINATION_LINK_LOCAL",
            "destination in 169.254.0.0/16");
        define(ICMP_TRUNCATED, "ICMP_TRUNCATED", "ICMP message shorter than 8 bytes");
        define(ICMP_BAD_CHECKSUM, "ICMP_BAD_CHECKSUM", "ICMP checksum does not verify");
        define(ICMP_ERROR_ABOUT_ICMP_ERROR, "ICMP_ERROR_ABOUT_ICMP_ERROR", "no ICMP error about an ICMP error");
        define(ICMP_ERROR_ABOUT_FRAGMENT, "ICMP_ERROR_ABOUT_FRAGMENT", "no ICMP error about a non-initial fragment");
        define(ICMP_ERROR_ABOUT_BROADCAST, "ICMP_ERROR_ABOUT_BROADCAST", "no ICMP error about a broadcast/multicast");
        define(ICMP_ERROR_ABOUT_INVALID_SOURCE, "ICMP_ERROR_ABOUT_INVALID_SOURCE",
            "no ICMP error to a source that is not a single host");
        define(UDP_TRUNCATED, "UDP_TRUNCATED", "UDP datagram shorter than 8 bytes");
        define(UDP_BAD_LENGTH, "UDP_BAD_LENGTH", "UDP length below 8 or beyond the IP payload");
        define(UDP_BAD_CHECKSUM, "UDP_BAD_CHECKSUM", "UDP checksum does not verify");
        define(TUNNEL_NOT_UDP, "TUNNEL_NOT_UDP", "outer IPv4 protocol is not UDP");
        define(TUNNEL_FRAGMENTED, "TUNNEL_FRAGMENTED", "outer IPv4 datagram is a fragment");
        define(TUNNEL_WRONG_PORT, "TUNNEL_WRONG_PORT", "UDP destination port is not the tunnel port");
        define(TUNNEL_TRUNCATED, "TUNNEL_TRUNCATED", "tunnel header shorter than 16 bytes");
        define(TUNNEL_BAD_VERSION, "TUNNEL_BAD_VERSION", "tunnel header version is not 1");
        define(TUNNEL_BAD_HEADER_LENGTH, "TUNNEL_BAD_HEADER_LENGTH", "tunnel header length out of range");
        define(TUNNEL_INNER_TRUNCATED, "TUNNEL_INNER_TRUNCATED", "inner frame shorter than an Ethernet header");
        for (int i = 0; i < COUNT; i++) {
            if (NAMES[i] == null) {
                throw new IllegalStateException("validation code " + i + " has no name");
            }
        }
    }

    private ValidationResult() {
    }

    private static void define(int code, String name, String reason) {
        if (NAMES[code] != null) {
            throw new IllegalStateException("validation code " + code + " defined twice");
        }
        NAMES[code] = name;
        REASONS[code] = reason;
    }

    /** The constant's name, e.g. {@code "IPV4_BAD_IHL"}; {@code "UNKNOWN"} outside {@code [0, COUNT)}. */
    public static String name(int code) {
        return code >= 0 && code < COUNT ? NAMES[code] : "UNKNOWN";
    }

    /** A short human-readable reason; {@code "unknown"} outside {@code [0, COUNT)}. */
    public static String reason(int code) {
        return code >= 0 && code < COUNT ? REASONS[code] : "unknown";
    }

    /** The code whose {@link #name(int)} is {@code name}, or -1. Off the fast path (tests, config). */
    public static int forName(String name) {
        for (int i = 0; i < COUNT; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
