package org.vroom.netstack.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.MS;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** A receiver that stops reading closes the window; the sender probes with backoff; reopening resumes. */
class TcpFlowControlTest {
    static final int RCVBUF = 64 * 1024;
    final TcpTestBed bed = new TcpTestBed(41);
    final Endpoint server = new Endpoint("server").expect(9);
    final Endpoint client = new Endpoint("client").send(9, 1 << 20);
    final List<Long> probes = new ArrayList<>();

    @AfterEach
    void close() {
        bed.close();
    }

    private void connectAndFill() {
        bed.b.listen(0, 179, TcpOptions.DEFAULT.withReceiveBufferSize(RCVBUF), c -> {
            c.pauseReading();
            server.connection = c;
            return server;
        });
        bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
        // zero-window probes: pure ACKs from A one below SND.UNA
        bed.link.dropIf(d -> {
            if (SegmentBuilder.sourceOf(d) == TcpTestBed.A && SegmentBuilder.payloadLengthOf(d) == 0
                    && client.connection != null && SegmentBuilder.seqOf(d) == client.connection.sndUna() - 1) {
                probes.add(bed.now());
            }
            return false;
        });
        assertTrue(bed.runUntil(() -> client.connection != null && client.connection.stats().sendWindow() == 0,
                5 * SECOND), "the window closed");
    }

    @Test
    void theWindowClosesProbesBackOffAndReopeningResumes() {
        connectAndFill();
        assertEquals(RCVBUF, server.connection.readableBytes(), "the whole receive buffer waits for the application");
        assertEquals(0, server.connection.stats().receiveWindow());
        assertEquals(0, server.received);
        long una = client.connection.sndUna();
        bed.run(20 * SECOND);
        assertEquals(TcpState.ESTABLISHED, client.connection.state(), "a zero window is no reason to give up");
        assertEquals(una, client.connection.sndUna(), "nothing more was accepted");
        long sentProbes = client.connection.stats().zeroWindowProbes();
        assertTrue(sentProbes >= 4 && sentProbes <= 12, "probes back off exponentially: " + sentProbes + " in 20 s");
        assertEquals(sentProbes, probes.size());
        for (int i = 2; i < probes.size(); i++) {
            long gap = probes.get(i) - probes.get(i - 1);
            long before = probes.get(i - 1) - probes.get(i - 2);
            assertTrue(gap >= before, "gaps grow: " + probes);
        }

        server.connection.resumeReading();
        assertTrue(bed.runUntil(() -> server.received == client.toSend, 20 * SECOND), "received " + server.received);
        assertEquals(0, server.mismatches);
    }

    @Test
    void aLostWindowUpdateIsRecoveredByTheNextProbe() {
        connectAndFill();
        long before = client.connection.stats().zeroWindowProbes();
        // everything from B is lost for a moment: the window update after resume goes missing
        bed.link.dropIf(d -> SegmentBuilder.sourceOf(d) == B);
        server.connection.resumeReading();
        bed.run(5 * MS);
        assertTrue(server.received >= RCVBUF, "the application read what waited");
        bed.link.dropIf(null);
        assertEquals(0, client.connection.stats().sendWindow(), "A still believes the window is closed");
        assertTrue(bed.runUntil(() -> server.received == client.toSend, 60 * SECOND), "received " + server.received);
        assertTrue(client.connection.stats().zeroWindowProbes() > before, "a probe found the open window");
        assertEquals(0, server.mismatches);
    }

    @Test
    void aSlowReaderThatConsumesLittleAtATimeStillGetsEverythingInOrder() {
        bed.b.listen(0, 179, TcpOptions.DEFAULT.withReceiveBufferSize(8192), server);
        server.consumeAtMost = 700; // leaves a partial "message" behind every time
        Endpoint c = new Endpoint("client").send(9, 200_000);
        bed.a.connect(0, B, 179, TcpOptions.DEFAULT, c);
        assertTrue(bed.runUntil(() -> server.received == 200_000, 60 * SECOND), "received " + server.received);
        assertEquals(0, server.mismatches);
    }
}
