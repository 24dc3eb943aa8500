package org.vroom.netstack.tcp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpConnectionStats;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.testkit.LinkImpairment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.MS;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** Bulk transfers both ways at once: every byte arrives, once, in order; on a clean and on a faulty link. */
class TcpTransferTest {
    static final long MB = 1 << 20;

    /** Runs a transfer of {@code bytes} each way; returns the two endpoints (client, server). */
    static Endpoint[] transfer(TcpTestBed bed, long bytes, TcpOptions options, long maxNanos) {
        Endpoint server = new Endpoint("server").expect(1).send(2, bytes);
        Endpoint client = new Endpoint("client").expect(2).send(1, bytes);
        bed.b.listen(0, 179, options, server);
        bed.a.connect(0, B, 179, options, client);
        assertTrue(bed.runUntil(() -> client.received == bytes && server.received == bytes, maxNanos),
                "client got " + client.received + ", server got " + server.received + " of " + bytes + "; "
                        + client + " " + server);
        assertEquals(0, client.mismatches, "first bad byte at " + client.firstMismatch);
        assertEquals(0, server.mismatches, "first bad byte at " + server.firstMismatch);
        assertEquals(bytes, client.sent);
        assertEquals(bytes, server.sent);
        assertEquals(null, client.error);
        assertEquals(null, server.error);
        bed.run(SECOND);
        assertEquals(bytes, client.received, "nothing more (no duplicate) arrives");
        assertEquals(bytes, server.received);
        assertEquals(0, bed.a.counter(TcpCounter.TX_RST) + bed.b.counter(TcpCounter.TX_RST));
        return new Endpoint[] {client, server};
    }

    @Test
    void severalMegabytesEachWayOnACleanLink() {
        try (TcpTestBed bed = new TcpTestBed(11)) {
            Endpoint[] e = transfer(bed, 4 * MB, TcpOptions.DEFAULT, 20 * SECOND);
            TcpConnectionStats s = e[0].connection.stats();
            assertEquals(0, s.retransmittedSegments(), "no loss, no retransmission: " + s);
            assertEquals(4 * MB, s.bytesAcked());
            assertEquals(4 * MB, s.bytesReceived());
            assertTrue(s.cwnd() > 64 * 1024, "the congestion window opened: " + s);
            assertTrue(s.srttNanos() >= 2 * MS && s.srttNanos() < 60 * MS, "RTT measured: " + s.srttNanos());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void severalMegabytesEachWayWithLossReorderingAndDuplication(long seed) {
        LinkImpairment faults = new LinkImpairment(seed, 0.01, 0.01, 0.01, MS, 3 * MS);
        try (TcpTestBed bed = new TcpTestBed(seed, TcpHostOptions.DEFAULT, faults)) {
            Endpoint[] e = transfer(bed, 3 * MB, TcpOptions.DEFAULT, 120 * SECOND);
            TcpConnectionStats c = e[0].connection.stats();
            TcpConnectionStats s = e[1].connection.stats();
            assertTrue(bed.link.lost() > 0 && bed.link.duplicated() > 0 && bed.link.reordered() > 0,
                    "the link misbehaved: " + bed.link.lost() + "/" + bed.link.duplicated() + "/" + bed.link.reordered());
            assertTrue(c.retransmittedSegments() + s.retransmittedSegments() > 0, "losses were repaired");
            assertTrue(c.fastRetransmits() + s.fastRetransmits() > 0, "mostly by fast retransmit: " + c + " " + s);
            assertTrue(c.outOfOrderSegments() + s.outOfOrderSegments() > 0);
            assertTrue(c.duplicateSegments() + s.duplicateSegments() > 0);
        }
    }

    @Test
    void smallBuffersAndAnMd5KeyStillCarryEverything() {
        TcpOptions small = TcpOptions.DEFAULT.withReceiveBufferSize(4096).withSendBufferSize(3000)
                .withMd5Key("secret".getBytes());
        LinkImpairment faults = new LinkImpairment(5, 0.02, 0.0, 0.02, MS, 2 * MS);
        try (TcpTestBed bed = new TcpTestBed(31, TcpHostOptions.DEFAULT, faults)) {
            Endpoint[] e = transfer(bed, MB / 2, small, 120 * SECOND);
            TcpConnection c = e[0].connection;
            assertEquals(1440, c.stats().sendMss(), "20 bytes of every segment go to the MD5 option");
        }
    }
}
