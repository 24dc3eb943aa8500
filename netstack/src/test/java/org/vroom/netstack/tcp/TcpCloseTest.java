package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.A;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.MS;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** FIN both ways, half close, TIME-WAIT and its expiry, resets (RFC 9293 3.6, RFC 5961). */
class TcpCloseTest {
    static final long MSL = 2 * SECOND;
    final TcpTestBed bed = new TcpTestBed(51, TcpHostOptions.DEFAULT.withMsl(MSL),
            org.vroom.vr.testkit.LinkImpairment.latency(MS));
    final Endpoint server = new Endpoint("server").expect(1).keepData();
    final Endpoint client = new Endpoint("client").expect(2).keepData();

    @AfterEach
    void close() {
        bed.close();
    }

    private TcpConnection open() {
        bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
        assertTrue(bed.runUntil(() -> client.connected && server.connected, SECOND));
        return c;
    }

    @Test
    void halfCloseThenCloseFromTheOtherSideAndTimeWaitExpires() {
        TcpConnection c = open();
        client.send(1, 100_000).pump();
        c.shutdownOutput();
        assertEquals(TcpState.FIN_WAIT_1, c.state(), "FIN queued behind the data");
        assertEquals(-1, c.write(new UnsafeBuffer(new byte[1]), 0, 1), "no writing after shutdown");
        assertTrue(bed.runUntil(() -> server.peerClosed, 5 * SECOND));
        assertEquals(100_000, server.received, "the FIN comes after every byte");
        assertEquals(TcpState.CLOSE_WAIT, server.connection.state());
        bed.run(5 * MS); // the ACK of the FIN travels back
        assertEquals(TcpState.FIN_WAIT_2, c.state());

        // the other direction still works (half close)
        server.send(2, 50_000).pump();
        assertTrue(bed.runUntil(() -> client.received == 50_000, 5 * SECOND));
        assertFalse(client.peerClosed);
        server.connection.shutdownOutput();
        assertEquals(TcpState.LAST_ACK, server.connection.state());
        assertTrue(bed.runUntil(() -> server.closed && client.closed, 5 * SECOND));
        assertTrue(client.peerClosed);
        assertEquals(List.of("accept", "connected", "peer-closed", "closed"), server.events);
        assertEquals(List.of("connected", "peer-closed", "closed"), client.events);
        assertEquals(TcpState.CLOSED, server.connection.state());
        assertNull(bed.b.connection(server.connection.id()), "LAST-ACK ends in CLOSED at once");
        assertEquals(TcpState.TIME_WAIT, c.state(), "the active closer waits 2 MSL");
        long enteredAt = bed.now();
        assertTrue(bed.runUntil(() -> c.state() == TcpState.CLOSED, 3 * MSL));
        long waited = bed.now() - enteredAt;
        assertTrue(waited >= 2 * MSL - 10 * MS && waited <= 2 * MSL + 10 * MS, "TIME-WAIT lasted " + waited);
        assertNull(bed.a.connection(c.id()));
        assertEquals(0, bed.a.counter(TcpCounter.TX_RST) + bed.b.counter(TcpCounter.TX_RST));
    }

    @Test
    void simultaneousCloseGoesThroughClosingToTimeWaitOnBothSides() {
        TcpConnection c = open();
        c.shutdownOutput();
        server.connection.shutdownOutput();
        assertTrue(bed.runUntil(() -> client.closed && server.closed, 5 * SECOND));
        assertEquals(TcpState.TIME_WAIT, c.state());
        assertEquals(TcpState.TIME_WAIT, server.connection.state());
        bed.run(2 * MSL + 10 * MS);
        assertTrue(bed.a.connections().isEmpty());
        assertTrue(bed.b.connections().isEmpty());
    }

    @Test
    void timeWaitAcknowledgesARetransmittedFin() {
        TcpConnection c = open();
        c.shutdownOutput();
        assertTrue(bed.runUntil(() -> server.peerClosed, SECOND));
        // the client's last ACK (for the server's FIN) is lost once
        boolean[] dropped = {false};
        bed.link.dropIf(d -> {
            if (!dropped[0] && SegmentBuilder.sourceOf(d) == A && SegmentBuilder.payloadLengthOf(d) == 0
                    && c.state() == TcpState.TIME_WAIT) {
                dropped[0] = true;
                return true;
            }
            return false;
        });
        server.connection.shutdownOutput();
        assertTrue(bed.runUntil(() -> server.closed, 5 * SECOND), "the retransmitted FIN got its ACK from TIME-WAIT");
        assertTrue(dropped[0]);
        assertTrue(server.connection.stats().retransmittedSegments() > 0);
        assertEquals(TcpState.TIME_WAIT, c.state());
    }

    @Test
    void closeWithUnreadDataResetsThePeer() {
        TcpConnection c = open();
        server.send(2, 1000).pump();
        c.pauseReading();
        assertTrue(bed.runUntil(() -> c.readableBytes() == 1000, SECOND));
        c.close();
        assertEquals(TcpState.CLOSED, c.state());
        assertTrue(bed.runUntil(() -> server.error != null, SECOND));
        assertEquals(TcpError.CONNECTION_RESET, server.error);
        assertTrue(client.events.stream().noneMatch(e -> e.startsWith("error")), "no callbacks after close");
    }

    @Test
    void dataArrivingAfterCloseResetsThePeer() {
        TcpConnection c = open();
        c.close();
        assertTrue(bed.runUntil(() -> server.peerClosed, SECOND));
        bed.run(5 * MS);
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        server.send(2, 10).pump();
        assertTrue(bed.runUntil(() -> server.error != null, SECOND));
        assertEquals(TcpError.CONNECTION_RESET, server.error);
        assertNull(bed.a.connection(c.id()));
    }

    @Test
    void anOrphanInFinWait2GoesAwayAfterItsTimeout() {
        TcpConnection c = open();
        c.close();
        assertTrue(bed.runUntil(() -> c.state() == TcpState.FIN_WAIT_2, SECOND));
        bed.run(TcpHostOptions.DEFAULT.finWait2TimeoutNanos() + SECOND);
        assertNull(bed.a.connection(c.id()));
    }

    @Test
    void abortSendsRstAndThePeerIsReset() {
        TcpConnection c = open();
        c.abort();
        assertEquals(TcpState.CLOSED, c.state());
        assertTrue(bed.runUntil(() -> server.error != null, SECOND));
        assertEquals(TcpError.CONNECTION_RESET, server.error);
        assertEquals(List.of("connected"), client.events);
        assertTrue(bed.b.connections().isEmpty());
    }

    @Test
    void rfc5961AnInWindowRstThatIsNotExactGetsAChallengeAckAndChangesNothing() {
        TcpConnection c = open();
        TcpConnection s = server.connection;
        long challenges = bed.b.counter(TcpCounter.CHALLENGE_ACKS);
        // a blind RST from "A" inside B's window but not at RCV.NXT
        byte[] rst = new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.RST).seq(s.rcvNxt() + 1000).build();
        bed.host("b").inject(0, rst);
        bed.run(10 * MS);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(challenges + 1, bed.b.counter(TcpCounter.CHALLENGE_ACKS));
        // outside the window: silently dropped
        bed.host("b").inject(0, new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.RST)
                .seq(s.rcvNxt() + 1_000_000_000).build());
        bed.run(10 * MS);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(challenges + 1, bed.b.counter(TcpCounter.CHALLENGE_ACKS));
        // a SYN on an established connection: challenge ACK as well
        bed.host("b").inject(0, new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.SYN).seq(s.rcvNxt() + 10)
                .build());
        bed.run(10 * MS);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(challenges + 2, bed.b.counter(TcpCounter.CHALLENGE_ACKS));
        // exact: reset
        bed.host("b").inject(0, new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.RST).seq(s.rcvNxt()).build());
        bed.run(10 * MS);
        assertEquals(TcpError.CONNECTION_RESET, server.error);
        assertNotNull(client.connection);
        assertEquals(TcpState.ESTABLISHED, c.state(), "A knows nothing of it until it sends");
    }
}
