package org.vroom.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigIpv4Test {

    @Test
    void parsesAddressesInHostOrder() {
        assertEquals(0x0A000101, Ipv4.parseAddress("10.0.1.1"));
        assertEquals(0, Ipv4.parseAddress("0.0.0.0"));
        assertEquals(-1, Ipv4.parseAddress("255.255.255.255"));
        assertEquals(0xC0A80001, Ipv4.parseAddress("192.168.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.0.1.1", "255.255.255.255", "1.2.3.4", "192.168.100.200", "128.0.0.0"})
    void formatsWhatItParses(String text) {
        assertEquals(text, Ipv4.format(Ipv4.parseAddress(text)));
    }

    @Test
    void formatsEveryOctetBoundary() {
        for (int octet = 0; octet < 256; octet++) {
            final int address = octet << 24 | octet << 16 | (255 - octet) << 8 | octet;
            assertEquals(address, Ipv4.parseAddress(Ipv4.format(address)));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.1.300 | octet 300 is out of range 0..255",
        "256.0.0.1 | octet 256 is out of range 0..255",
        "1.2.3.1000 | octet 1000 is out of range 0..255",
        "010.1.1.1 | octet \"010\" has a leading zero (octal or decimal?)",
        "10.00.1.1 | octet \"00\" has a leading zero (octal or decimal?)",
        "10.0.1 | expected 4 octets, found 3",
        "10 | expected 4 octets, found 1",
        "1.2.3.4.5 | expected 4 octets, found more",
        "10..1.1 | empty octet",
        "10.0.1. | empty octet",
        ".10.0.1 | empty octet",
        "'' | empty octet",
        "10.0.1.a | unexpected character 'a'",
        "-1.0.0.0 | unexpected character '-'",
        "+1.0.0.0 | unexpected character '+'",
        "0x10.0.0.1 | unexpected character 'x'",
        "'10.0.0.1 ' | unexpected character U+0020",
        "10.0.0.1/24 | unexpected character '/'",
    })
    void rejectsJunkAddresses(String text, String reason) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4.parseAddress(text));
        assertEquals(Text.quote(text) + " is not an IPv4 address (a.b.c.d): " + reason, e.getMessage());
    }

    @Test
    void parsesInterfaceAddressesWithHostBits() {
        final Ipv4.Prefix p = Ipv4.parseAddressWithPrefix("10.0.1.1/24");
        assertEquals(0x0A000101, p.address());
        assertEquals(24, p.length());
        assertEquals(0x0A000100, p.network());
        assertEquals(0x0A0001FF, p.lastAddress());
        assertEquals(0xFFFFFF00, p.mask());
        assertFalse(p.isNetwork());
        assertEquals("10.0.1.0/24", p.toNetwork().toString());
        assertEquals("10.0.1.1/24", p.toString());
        assertEquals(new Ipv4.Prefix(0, 0), Ipv4.parseAddressWithPrefix("0.0.0.0/0"));
        assertEquals(new Ipv4.Prefix(-1, 32), Ipv4.parseAddressWithPrefix("255.255.255.255/32"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.1.300/24 | octet 300 is out of range 0..255",
        "10.0.1.1 | missing \"/len\"",
        "10.0.1.1/ | missing prefix length after \"/\"",
        "10.0.1.1/33 | prefix length 33 is out of range 0..32",
        "10.0.1.1/100 | prefix length 100 is out of range 0..32",
        "10.0.1.1/024 | prefix length \"024\" has a leading zero",
        "10.0.1.1/2a | unexpected character 'a' in the prefix length",
        "10.0.1.1/-1 | unexpected character '-' in the prefix length",
        "10.0.1.1/24/8 | unexpected character '/' in the prefix length",
        "10.0.1/24 | expected 4 octets, found 3",
        "/24 | empty octet",
    })
    void rejectsJunkPrefixes(String text, String reason) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Ipv4.parseAddressWithPrefix(text));
        assertEquals(Text.quote(text) + " is not an IPv4 prefix (a.b.c.d/len): " + reason, e.getMessage());
        // A route prefix is at least as strict.
        assertEquals(e.getMessage(), assertThrows(IllegalArgumentException.class, () -> Ipv4.parsePrefix(text))
            .getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.1.2.3/8 | 10.0.0.0/8",
        "10.0.1.1/24 | 10.0.1.0/24",
        "192.168.1.129/25 | 192.168.1.128/25",
        "0.0.0.1/0 | 0.0.0.0/0",
        "10.0.0.1/31 | 10.0.0.0/31",
    })
    void routePrefixWithHostBitsSuggestsTheNetwork(String text, String network) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4.parsePrefix(text));
        assertEquals("\"" + text + "\" has host bits set (did you mean " + network + "?)", e.getMessage());
        assertEquals(network, Ipv4.parseAddressWithPrefix(text).toNetwork().toString());
    }

    @Test
    void routePrefixesWithoutHostBitsParse() {
        assertEquals(new Ipv4.Prefix(0x0A000000, 8), Ipv4.parsePrefix("10.0.0.0/8"));
        assertEquals(new Ipv4.Prefix(0, 0), Ipv4.parsePrefix("0.0.0.0/0"));
        assertEquals(new Ipv4.Prefix(0x0A000001, 32), Ipv4.parsePrefix("10.0.0.1/32"));
    }

    @Test
    void masksContainmentAndOverlap() {
        assertEquals(0, Ipv4.mask(0));
        assertEquals(0x80000000, Ipv4.mask(1));
        assertEquals(0xFFFFFF00, Ipv4.mask(24));
        assertEquals(-1, Ipv4.mask(32));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.mask(33));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.mask(-1));
        assertTrue(Ipv4.contains(0x0A000100, 24, 0x0A0001FE));
        assertFalse(Ipv4.contains(0x0A000100, 24, 0x0A000201));
        assertTrue(Ipv4.contains(0, 0, 0xDEADBEEF));
        final Ipv4.Prefix a = Ipv4.parsePrefix("10.0.0.0/16");
        assertTrue(a.overlaps(Ipv4.parsePrefix("10.0.5.0/24")));
        assertTrue(Ipv4.parsePrefix("10.0.5.0/24").overlaps(a));
        assertFalse(a.overlaps(Ipv4.parsePrefix("10.1.0.0/16")));
        assertFalse(Ipv4.parsePrefix("10.0.0.0/31").overlaps(Ipv4.parsePrefix("10.0.0.2/31")));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4.Prefix(0, 33));
    }

    @Test
    void unicastProblems() {
        assertNull(Ipv4.unicastProblem(Ipv4.parseAddress("10.0.0.1")));
        assertNull(Ipv4.unicastProblem(Ipv4.parseAddress("240.0.0.1")));
        assertEquals("is in 0.0.0.0/8 (\"this network\")", Ipv4.unicastProblem(Ipv4.parseAddress("0.1.2.3")));
        assertEquals("is a loopback address (127.0.0.0/8)", Ipv4.unicastProblem(Ipv4.parseAddress("127.0.0.1")));
        assertEquals("is a multicast address (224.0.0.0/4)", Ipv4.unicastProblem(Ipv4.parseAddress("239.1.1.1")));
        assertEquals("is the limited broadcast address", Ipv4.unicastProblem(-1));
    }
}
