package org.vroom.kernel.config;

/**
 * Strict text form of IPv4 addresses and prefixes for configuration files.
 *
 * <p>Addresses are {@code int}s in host order: {@code a.b.c.d == a<<24 | b<<16 | c<<8 | d}, the
 * value a big-endian read of the four header bytes gives. Parsing accepts exactly the dotted-quad
 * form: four decimal octets 0..255 without signs, spaces or leading zeros ({@code 010.1.1.1} is
 * rejected because C's {@code inet_aton} and YAML 1.1 both read a leading zero as octal), and for a
 * prefix one {@code /len} with len 0..32, again without leading zeros. Errors are
 * {@link IllegalArgumentException}s whose message quotes the input and says what is wrong, e.g.
 * {@code "10.0.1.300/24" is not an IPv4 prefix (a.b.c.d/len): octet 300 is out of range 0..255}.
 *
 * <p>Not on a per-packet path: parsing and formatting allocate.
 */
public final class Ipv4 {
    private static final String ADDRESS_FORM = " is not an IPv4 address (a.b.c.d): ";
    private static final String PREFIX_FORM = " is not an IPv4 prefix (a.b.c.d/len): ";

    private Ipv4() {
    }

    /**
     * An address with a prefix length, e.g. {@code 10.0.1.1/24} (an interface address, host bits
     * allowed) or {@code 10.0.1.0/24} (a route prefix, see {@link #parsePrefix}).
     *
     * @param address the address in host order
     * @param length  the prefix length, 0..32
     */
    public record Prefix(int address, int length) {
        /** Checks the length. */
        public Prefix {
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("prefix length " + length + " is out of range 0..32");
            }
        }

        /** The network mask of this length. */
        public int mask() {
            return Ipv4.mask(length);
        }

        /** The address with its host bits cleared. */
        public int network() {
            return address & mask();
        }

        /** The highest address of the subnet (the directed broadcast address if length &lt; 31). */
        public int lastAddress() {
            return address | ~mask();
        }

        /** True if no host bits are set. */
        public boolean isNetwork() {
            return address == network();
        }

        /** True if {@code other} lies in this prefix. */
        public boolean contains(int other) {
            return Ipv4.contains(address, length, other);
        }

        /** True if the two prefixes share at least one address (one contains the other). */
        public boolean overlaps(Prefix other) {
            final int shorter = Math.min(length, other.length);
            final int m = Ipv4.mask(shorter);
            return (address & m) == (other.address & m);
        }

        /** This prefix with its host bits cleared. */
        public Prefix toNetwork() {
            return isNetwork() ? this : new Prefix(network(), length);
        }

        /** {@code a.b.c.d/len}. */
        @Override
        public String toString() {
            return format(address, length);
        }
    }

    /** The network mask for a prefix length 0..32 ({@code mask(0) == 0}, {@code mask(32) == -1}). */
    public static int mask(int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range 0..32");
        }
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** True if {@code address} lies in {@code prefix/length}. */
    public static boolean contains(int prefix, int length, int address) {
        final int m = mask(length);
        return (prefix & m) == (address & m);
    }

    /**
     * Parses a dotted-quad address such as {@code 10.0.1.1}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static int parseAddress(String text) {
        final String error = checkAddress(text, 0, text.length());
        if (error != null) {
            throw new IllegalArgumentException(quote(text) + ADDRESS_FORM + error);
        }
        return addressOf(text, 0, text.length());
    }

    /**
     * Parses {@code a.b.c.d/len} where host bits may be set (an interface address: the address and
     * its connected subnet).
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static Prefix parseAddressWithPrefix(String text) {
        final int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(quote(text) + PREFIX_FORM + "missing \"/len\"");
        }
        String error = checkAddress(text, 0, slash);
        if (error == null) {
            error = checkLength(text, slash + 1);
        }
        if (error != null) {
            throw new IllegalArgumentException(quote(text) + PREFIX_FORM + error);
        }
        return new Prefix(addressOf(text, 0, slash), Integer.parseInt(text, slash + 1, text.length(), 10));
    }

    /**
     * Parses a route prefix {@code a.b.c.d/len}; host bits must be clear.
     *
     * @throws IllegalArgumentException with a message saying what is wrong; for host bits it
     *                                  suggests the network, e.g. {@code did you mean 10.0.0.0/8?}
     */
    public static Prefix parsePrefix(String text) {
        final Prefix prefix = parseAddressWithPrefix(text);
        if (!prefix.isNetwork()) {
            throw new IllegalArgumentException(quote(text) + " has host bits set (did you mean "
                + prefix.toNetwork() + "?)");
        }
        return prefix;
    }

    /** {@code a.b.c.d}. */
    public static String format(int address) {
        return org.vroom.packetio.codec.Ipv4Addresses.format(address);
    }

    /** {@code a.b.c.d/len}. */
    public static String format(int address, int length) {
        return format(address) + "/" + length;
    }

    /** True for 224.0.0.0/4. */
    public static boolean isMulticast(int address) {
        return org.vroom.packetio.codec.Ipv4Addresses.isMulticast(address);
    }

    /**
     * Why {@code address} cannot be a router's unicast interface address or next hop, or null if it
     * can: 0.0.0.0/8 ("this network", RFC 1122), 127.0.0.0/8 (loopback), 224.0.0.0/4 (multicast) and
     * 255.255.255.255 (limited broadcast). Class E (240/4) is allowed, as Linux allows it.
     */
    public static String unicastProblem(int address) {
        final int first = address >>> 24;
        if (first == 0) {
            return "is in 0.0.0.0/8 (\"this network\")";
        }
        if (first == 127) {
            return "is a loopback address (127.0.0.0/8)";
        }
        if (isMulticast(address)) {
            return "is a multicast address (224.0.0.0/4)";
        }
        if (address == -1) {
            return "is the limited broadcast address";
        }
        return null;
    }

    // --- parsing helpers: check first (message), then convert (cannot fail) ---

    private static String checkAddress(String s, int from, int to) {
        int octets = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || s.charAt(i) == '.') {
                octets++;
                if (octets > 4) {
                    return "expected 4 octets, found more";
                }
                final String error = checkOctet(s, start, i);
                if (error != null) {
                    return error;
                }
                start = i + 1;
            } else if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return "unexpected character " + describe(s.charAt(i));
            }
        }
        return octets == 4 ? null : "expected 4 octets, found " + octets;
    }

    private static String checkOctet(String s, int from, int to) {
        if (from == to) {
            return "empty octet";
        }
        if (to - from > 1 && s.charAt(from) == '0') {
            return "octet \"" + s.substring(from, to) + "\" has a leading zero (octal or decimal?)";
        }
        if (to - from > 3 || Integer.parseInt(s, from, to, 10) > 255) {
            return "octet " + s.substring(from, to) + " is out of range 0..255";
        }
        return null;
    }

    private static String checkLength(String s, int from) {
        final int to = s.length();
        if (from == to) {
            return "missing prefix length after \"/\"";
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return "unexpected character " + describe(s.charAt(i)) + " in the prefix length";
            }
        }
        if (to - from > 1 && s.charAt(from) == '0') {
            return "prefix length \"" + s.substring(from) + "\" has a leading zero";
        }
        if (to - from > 2 || Integer.parseInt(s, from, to, 10) > 32) {
            return "prefix length " + s.substring(from) + " is out of range 0..32";
        }
        return null;
    }

    private static int addressOf(String s, int from, int to) {
        int value = 0;
        int octet = 0;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (c == '.') {
                value = value << 8 | octet;
                octet = 0;
            } else {
                octet = octet * 10 + (c - '0');
            }
        }
        return value << 8 | octet;
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String quote(String text) {
        return Text.quote(text);
    }
}
