package org.vroom.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Parsers for ping, traceroute and tracepath output, on output captured from the real tools. */
class ToolOutputParsingTest {

    @Test
    void pingWithRepliesAndTtls() {
        String out = """
                PING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.
                64 bytes from 10.0.2.2: icmp_seq=1 ttl=63 time=0.069 ms
                64 bytes from 10.0.2.2: icmp_seq=2 ttl=62 time=0.045 ms

                --- 10.0.2.2 ping statistics ---
                3 packets transmitted, 2 received, 33.3333% packet loss, time 400ms
                rtt min/avg/max/mdev = 0.045/0.057/0.069/0.012 ms
                """;
        Icmp.PingResult r = Icmp.parse(out);
        assertEquals(3, r.transmitted());
        assertEquals(2, r.received());
        assertEquals(List.of(63, 62), r.ttls());
        assertEquals(63, r.ttl());
        assertFalse(r.allReceived());
    }

    @Test
    void pingWithoutReplies() {
        String out = """
                PING 10.0.2.99 (10.0.2.99) 56(84) bytes of data.
                From 10.0.1.1 icmp_seq=1 Destination Host Unreachable

                --- 10.0.2.99 ping statistics ---
                1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms
                """;
        Icmp.PingResult r = Icmp.parse(out);
        assertEquals(1, r.transmitted());
        assertEquals(0, r.received());
        assertEquals(-1, r.ttl());
    }

    @Test
    void unrecognisedPingOutputIsAnError() {
        assertThrows(LabException.class, () -> Icmp.parse("ping: connect: Network is unreachable\n"));
    }

    @Test
    void tracerouteHopsIncludingSilentOnes() {
        String out = """
                traceroute to 10.0.3.2 (10.0.3.2), 5 hops max, 60 byte packets
                 1  10.0.1.1  0.030 ms
                 2  *
                 3  10.0.3.2  0.018 ms
                """;
        List<Traceroute.Hop> hops = Traceroute.parseTraceroute(out);
        assertEquals(List.of(new Traceroute.Hop(1, "10.0.1.1"), new Traceroute.Hop(2, null),
                new Traceroute.Hop(3, "10.0.3.2")), hops);
        assertTrue(new Traceroute.Path("10.0.3.2", hops).reached());
        assertFalse(new Traceroute.Path("10.0.9.9", hops).reached());
    }

    @Test
    void tracepathHopsOncePerTtl() {
        String out = """
                 1?: [LOCALHOST]                      pmtu 1500
                 1:  10.0.1.1                                              0.023ms
                 1:  10.0.1.1                                              0.006ms
                 2:  no reply
                 3:  10.0.2.2                                              0.074ms reached
                     Resume: pmtu 1500 hops 3 back 3
                """;
        assertEquals(List.of(new Traceroute.Hop(1, "10.0.1.1"), new Traceroute.Hop(2, null),
                new Traceroute.Hop(3, "10.0.2.2")), Traceroute.parseTracepath(out));
    }
}
