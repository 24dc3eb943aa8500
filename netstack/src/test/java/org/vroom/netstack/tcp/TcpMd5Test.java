package org.vroom.netstack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpListener;
import org.vroom.vr.spi.TcpOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.A;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** RFC 2385: every segment signed; unsigned, wrongly signed and unexpectedly signed segments dropped and counted. */
class TcpMd5Test {
    static final byte[] KEY = "bgp-peer-secret".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OTHER = "not-the-secret".getBytes(StandardCharsets.US_ASCII);
    final TcpTestBed bed = new TcpTestBed(71);
    final List<byte[]> onWire = new ArrayList<>();

    @AfterEach
    void close() {
        bed.close();
    }

    private Endpoint[] attempt(TcpOptions serverOptions, TcpOptions clientOptions) {
        bed.link.dropIf(d -> {
            onWire.add(d);
            return false;
        });
        Endpoint server = new Endpoint("server").expect(5);
        bed.b.listen(0, 179, serverOptions, server);
        Endpoint client = new Endpoint("client").send(5, 50_000);
        bed.a.connect(0, B, 179, clientOptions.withMaxSynRetransmits(2), client);
        bed.runUntil(() -> server.received == 50_000 || client.error != null, 30 * SECOND);
        return new Endpoint[] {client, server};
    }

    @Test
    void theRightKeyWorksAndSignsEverySegment() {
        Endpoint[] e = attempt(TcpOptions.DEFAULT.withMd5Key(KEY), TcpOptions.DEFAULT.withMd5Key(KEY));
        assertEquals(50_000, e[1].received);
        assertEquals(0, e[1].mismatches);
        assertFalse(onWire.isEmpty());
        assertTrue(onWire.stream().allMatch(SegmentBuilder::hasMd5), "every segment carries a signature");
        for (TcpHost h : new TcpHost[] {bed.a, bed.b}) {
            assertEquals(0, h.counter(TcpCounter.RX_MD5_BAD) + h.counter(TcpCounter.RX_MD5_MISSING)
                    + h.counter(TcpCounter.RX_MD5_UNEXPECTED));
        }
    }

    @Test
    void aWrongKeyFails() {
        Endpoint[] e = attempt(TcpOptions.DEFAULT.withMd5Key(KEY), TcpOptions.DEFAULT.withMd5Key(OTHER));
        assertEquals(TcpError.TIMED_OUT, e[0].error);
        assertFalse(e[1].connected);
        assertEquals(3, bed.b.counter(TcpCounter.RX_MD5_BAD), "each SYN dropped");
        assertEquals(0, bed.b.counter(TcpCounter.TX_RST), "no answer to a bad signature");
    }

    @Test
    void aMissingKeyFailsBothWays() {
        Endpoint[] e = attempt(TcpOptions.DEFAULT.withMd5Key(KEY), TcpOptions.DEFAULT);
        assertEquals(TcpError.TIMED_OUT, e[0].error);
        assertEquals(3, bed.b.counter(TcpCounter.RX_MD5_MISSING));
        bed.close();
        try (TcpTestBed other = new TcpTestBed(72)) {
            Endpoint server = new Endpoint("server");
            other.b.listen(0, 179, TcpOptions.DEFAULT, server);
            Endpoint client = new Endpoint("client");
            other.a.connect(0, B, 179, TcpOptions.DEFAULT.withMd5Key(KEY).withMaxSynRetransmits(1), client);
            other.runUntil(() -> client.error != null, 30 * SECOND);
            assertEquals(TcpError.TIMED_OUT, client.error);
            assertEquals(2, other.b.counter(TcpCounter.RX_MD5_UNEXPECTED), "signed SYNs for a listener without a key");
        }
    }

    @Test
    void aListenerKeysPeersOneByOne() {
        Endpoint server = new Endpoint("server");
        TcpListener l = bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
        l.setMd5Key(A, KEY);
        Endpoint client = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT.withMd5Key(KEY), client);
        assertTrue(bed.runUntil(() -> client.connected && server.connected, SECOND));
        assertTrue(server.connection.options().hasMd5Key(), "the accepted connection signs with the peer's key");
        assertFalse(bed.b.describeAll().contains("peer-secret"), "descriptions never show a key");
        c.abort();
        l.setMd5Key(A, null);
        Endpoint client2 = new Endpoint("client2");
        bed.a.connect(0, B, 179, TcpOptions.DEFAULT.withMd5Key(KEY).withMaxSynRetransmits(1), client2);
        assertTrue(bed.runUntil(() -> client2.error != null, 30 * SECOND));
        assertTrue(bed.b.counter(TcpCounter.RX_MD5_UNEXPECTED) > 0);
    }

    @Test
    void aForgedSegmentOnASignedConnectionIsDropped() {
        Endpoint server = new Endpoint("server");
        bed.b.listen(0, 179, TcpOptions.DEFAULT.withMd5Key(KEY), server);
        Endpoint client = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT.withMd5Key(KEY), client);
        assertTrue(bed.runUntil(() -> server.connected, SECOND));
        TcpConnection s = server.connection;
        byte[] unsigned = new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.RST).seq(s.rcvNxt()).build();
        byte[] forged = new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.RST).seq(s.rcvNxt()).md5(OTHER).build();
        byte[] good = new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.RST).seq(s.rcvNxt()).md5(KEY).build();
        bed.host("b").inject(0, unsigned);
        bed.host("b").inject(0, forged);
        bed.run(SECOND / 100);
        assertEquals(null, server.error, "blind resets without the key do nothing");
        assertEquals(1, bed.b.counter(TcpCounter.RX_MD5_MISSING));
        assertEquals(1, bed.b.counter(TcpCounter.RX_MD5_BAD));
        bed.host("b").inject(0, good);
        bed.run(SECOND / 100);
        assertEquals(TcpError.CONNECTION_RESET, server.error, "a correctly signed one does");
    }
}
