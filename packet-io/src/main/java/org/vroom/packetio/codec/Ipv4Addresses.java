package org.vroom.packetio.codec;

/**
 * IPv4 addresses as {@code int}s in host order ({@code a.b.c.d == a<<24 | b<<16 | c<<8 | d}, the value
 * a big-endian read of the four header bytes gives), and the martian classification a router applies
 * before forwarding.
 *
 * <h2>Martians</h2>
 * RFC 1812 section 5.3.7: a router SHOULD NOT forward a packet whose source is invalid (a special
 * address per 4.2.2.11 or not unicast) or on network 0, nor, except over loopback, on network 127; nor
 * a packet whose destination is illegal per 4.2.3.1, a class E address other than 255.255.255.255, on
 * network 0 or on network 127. RFC 6890 lists the same blocks as not forwardable, and RFC 3927 section
 * 7 forbids forwarding 169.254.0.0/16 in either direction. The classifiers return
 * {@link ValidationResult#OK} or the {@code IPV4_MARTIAN_*} code of the block.
 *
 * <p>Deliberately <em>not</em> martians here: private (RFC 1918), shared (100.64/10), benchmarking
 * (198.18/15) and documentation blocks (192.0.2/24, 198.51.100/24, 203.0.113/24), which labs and
 * tests route like any unicast; and as destinations, multicast and 255.255.255.255, which a router
 * never forwards as unicast but may deliver locally (see {@link #isMulticast}, {@link #isLimitedBroadcast}).
 * Classification is a policy the caller applies to transit packets; packets for the router itself
 * are delivered before it.
 */
public final class Ipv4Addresses {
    /** 255.255.255.255. */
    public static final int LIMITED_BROADCAST = 0xFFFF_FFFF;
    /** 0.0.0.0. */
    public static final int ANY = 0;

    private Ipv4Addresses() {
    }

    /** Source classification per RFC 1812 5.3.7 / RFC 6890 / RFC 3927; OK or an IPV4_MARTIAN_SOURCE_* code. */
    public static int classifySource(int address) {
        final int first = address >>> 24;
        if (first == 0) {
            return ValidationResult.IPV4_MARTIAN_SOURCE_THIS_NETWORK;
        }
        if (first == 127) {
            return ValidationResult.IPV4_MARTIAN_SOURCE_LOOPBACK;
        }
        if (first >= 224) {
            if (first < 240) {
                return ValidationResult.IPV4_MARTIAN_SOURCE_MULTICAST;
            }
            return address == LIMITED_BROADCAST
                ? ValidationResult.IPV4_MARTIAN_SOURCE_BROADCAST
                : ValidationResult.IPV4_MARTIAN_SOURCE_RESERVED;
        }
        if ((address >>> 16) == 0xA9FE) {
            return ValidationResult.IPV4_MARTIAN_SOURCE_LINK_LOCAL;
        }
        return ValidationResult.OK;
    }

    /**
     * Destination classification per RFC 1812 5.3.7 / RFC 6890 / RFC 3927; OK or an
     * IPV4_MARTIAN_DESTINATION_* code. Multicast and 255.255.255.255 are OK here (not martians).
     */
    public static int classifyDestination(int address) {
        final int first = address >>> 24;
        if (first == 0) {
            return ValidationResult.IPV4_MARTIAN_DESTINATION_THIS_NETWORK;
        }
        if (first == 127) {
            return ValidationResult.IPV4_MARTIAN_DESTINATION_LOOPBACK;
        }
        if (first >= 240 && address != LIMITED_BROADCAST) {
            return ValidationResult.IPV4_MARTIAN_DESTINATION_RESERVED;
        }
        if ((address >>> 16) == 0xA9FE) {
            return ValidationResult.IPV4_MARTIAN_DESTINATION_LINK_LOCAL;
        }
        return ValidationResult.OK;
    }

    /** 224.0.0.0/4. */
    public static boolean isMulticast(int address) {
        return (address >>> 28) == 0xE;
    }

    /** 224.0.0.0/24: local network control block (OSPF 224.0.0.5/6 ...), never forwarded (RFC 5771). */
    public static boolean isLinkLocalMulticast(int address) {
        return (address >>> 8) == 0xE0_0000;
    }

    /** 255.255.255.255. */
    public static boolean isLimitedBroadcast(int address) {
        return address == LIMITED_BROADCAST;
    }

    /** 127.0.0.0/8. */
    public static boolean isLoopback(int address) {
        return (address >>> 24) == 127;
    }

    /**
     * True when the address can name a single host as a source (RFC 1812 4.3.2.7): not in 0/8, 127/8,
     * 224/4 or 240/4 (which includes 255.255.255.255). A subnet's directed broadcast depends on the
     * interface and is the caller's to check.
     */
    public static boolean isSingleHostSource(int address) {
        final int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /** The address {@code a.b.c.d}. */
    public static int of(int a, int b, int c, int d) {
        return (a & 0xFF) << 24 | (b & 0xFF) << 16 | (c & 0xFF) << 8 | (d & 0xFF);
    }

    /** Dotted quad. Allocates. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }

    /**
     * Parses a dotted quad; for configuration, not for packets.
     *
     * @throws IllegalArgumentException if the text is not four decimal octets
     */
    public static int parse(CharSequence text) {
        int address = 0;
        int octet = -1;
        int dots = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                if (octet > 255) {
                    throw new IllegalArgumentException("not an IPv4 address: " + text);
                }
            } else if (c == '.' && octet >= 0 && dots < 3) {
                address = (address << 8) | octet;
                octet = -1;
                dots++;
            } else {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
        }
        if (dots != 3 || octet < 0) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        return (address << 8) | octet;
    }
}
