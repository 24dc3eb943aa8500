package org.vroom.netstack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.A;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.MS;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** RFC 6298: exponential backoff, Karn, and giving up after the configured number of retransmissions. */
class TcpRetransmitTest {
    final TcpTestBed bed = new TcpTestBed(61);
    /** Times at which A put a segment with data (or SYN) on the link. */
    final List<Long> sends = new ArrayList<>();
    boolean vanished;

    @AfterEach
    void close() {
        bed.close();
    }

    private void watchA(boolean synOnly) {
        bed.link.dropIf(d -> {
            boolean fromA = SegmentBuilder.sourceOf(d) == A;
            boolean counts = synOnly ? (SegmentBuilder.flagsOf(d) & TcpWire.SYN) != 0
                    : SegmentBuilder.payloadLengthOf(d) > 0;
            if (fromA && counts) {
                sends.add(bed.now());
            }
            return vanished;
        });
    }

    @Test
    void dataRetransmissionsBackOffAndTheConnectionIsAbortedAfterMaxRetries() {
        Endpoint server = new Endpoint("server");
        bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
        Endpoint client = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT.withMaxRetransmits(6), client);
        assertTrue(bed.runUntil(() -> client.connected, SECOND));
        client.send(3, 100).pump();
        assertTrue(bed.runUntil(() -> server.received == 100, SECOND), "the RTT is measured once");
        bed.run(100 * MS); // the (delayed) ACK comes back: nothing outstanding, the timer stopped
        long rto = c.stats().rtoNanos();
        assertEquals(200 * MS, rto, "a 2 ms RTT gives the 200 ms minimum");

        watchA(false);
        vanished = true; // the peer disappears
        client.send(3, 200).pump();
        assertTrue(bed.runUntil(() -> client.error != null, 120 * SECOND));
        assertEquals(TcpError.TIMED_OUT, client.error);
        assertEquals(TcpState.CLOSED, c.state());
        assertNull(bed.a.connection(c.id()));
        assertEquals(1 + 6, sends.size(), "the first transmission and 6 retransmissions: " + sends);
        for (int i = 1; i < sends.size(); i++) {
            long gap = sends.get(i) - sends.get(i - 1);
            assertEquals(rto << (i - 1), gap, "retransmission " + i + " after " + gap);
        }
        assertEquals(1, bed.a.counter(TcpCounter.CONNECTIONS_TIMED_OUT));
        assertEquals(1, bed.a.counter(TcpCounter.TX_RST), "a last RST, in case the peer comes back");
        assertEquals(7, c.stats().timeouts(), "six timeouts retransmit, the seventh gives up");
    }

    @Test
    void synRetransmissionsBackOffFromOneSecondAndTheConnectGivesUp() {
        watchA(true);
        vanished = true;
        Endpoint client = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT.withMaxSynRetransmits(3), client);
        assertTrue(bed.runUntil(() -> client.error != null, 60 * SECOND));
        assertEquals(TcpError.TIMED_OUT, client.error);
        assertEquals(4, sends.size(), sends.toString());
        assertEquals(List.of(SECOND, 2 * SECOND, 4 * SECOND),
                List.of(sends.get(1) - sends.get(0), sends.get(2) - sends.get(1), sends.get(3) - sends.get(2)));
        assertEquals(0, bed.a.counter(TcpCounter.TX_RST), "nothing to reset before the peer answered");
        assertEquals(TcpState.CLOSED, c.state());
    }

    @Test
    void theBackoffEndsWhenThePeerReturnsAndNewDataIsAcknowledged() {
        Endpoint server = new Endpoint("server").expect(3);
        bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
        Endpoint client = new Endpoint("client").send(3, 10_000);
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
        assertTrue(bed.runUntil(() -> server.received == 10_000, SECOND));
        watchA(false);
        vanished = true;
        client.send(3, 20_000).pump();
        bed.run(3 * SECOND); // 200 + 400 + 800 + 1600 ms: four timeouts
        assertTrue(c.stats().timeouts() >= 3, c.stats().toString());
        assertTrue(c.stats().rtoNanos() >= 1600 * MS, "backed off: " + c.stats().rtoNanos());
        vanished = false;
        assertTrue(bed.runUntil(() -> server.received == 20_000, 10 * SECOND));
        assertEquals(200 * MS, c.stats().rtoNanos(), "new data acknowledged: no more backoff");
        assertEquals(0, server.mismatches);
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void aLossIsRepairedByFastRetransmitWithoutWaitingForTheTimer() {
        Endpoint server = new Endpoint("server").expect(4);
        bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
        Endpoint client = new Endpoint("client").send(4, 400_000);
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
        int[] dataSegments = {0};
        bed.link.dropIf(d -> SegmentBuilder.sourceOf(d) == A && SegmentBuilder.payloadLengthOf(d) > 0
                && ++dataSegments[0] == 40);
        assertTrue(bed.runUntil(() -> server.received == 400_000, 10 * SECOND));
        assertEquals(1, c.stats().fastRetransmits());
        assertEquals(0, c.stats().timeouts());
        assertEquals(1, c.stats().retransmittedSegments());
        assertTrue(c.stats().duplicateAcks() >= 3);
        assertEquals(0, server.mismatches);
    }
}
