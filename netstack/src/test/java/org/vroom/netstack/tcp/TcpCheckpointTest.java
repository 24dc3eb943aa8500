package org.vroom.netstack.tcp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.vroom.checkpoint.CheckpointFormatException;
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.VrConfig;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpListener;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;
import org.vroom.vr.testkit.LinkImpairment;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.A;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.MS;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/**
 * A connection is part of the VR's state: snapshot and deltas during a transfer, destroy the VR,
 * restore its stack into a new VR with the same configuration, and the transfer goes on with the same
 * sequence numbers: complete, in order, no duplicate, no RST.
 */
class TcpCheckpointTest {
    static final long BYTES = 4 << 20;
    /** Small buffers keep the transfer going for a while (about 8 MB/s over the 2 ms RTT). */
    static final TcpOptions SLOW = TcpOptions.DEFAULT.withSendBufferSize(16 * 1024).withReceiveBufferSize(16 * 1024);

    /** Snapshot and deltas of one side at random instants, then the VR is replaced by one restored from them. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void aTransferSurvivesTheVrBeingReplacedAtARandomPoint(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkImpairment link = seed % 2 == 0 ? new LinkImpairment(seed, 0.01, 0.01, 0.01, MS, 3 * MS)
                : LinkImpairment.latency(MS);
        String moved = seed % 3 == 0 ? "b" : "a"; // the client's VR, or the server's (with its listener)
        try (TcpTestBed bed = new TcpTestBed(seed, TcpHostOptions.DEFAULT, link)) {
            Endpoint server = new Endpoint("server").expect(1).send(2, BYTES);
            Endpoint client = new Endpoint("client").expect(2).send(1, BYTES);
            bed.b.listen(0, 179, SLOW, server);
            bed.a.connect(0, B, 179, SLOW, client);
            assertTrue(bed.runUntil(() -> client.connected && server.connected, SECOND));
            Endpoint movedEnd = moved.equals("a") ? client : server;
            Endpoint staying = moved.equals("a") ? server : client;
            TcpHost source = moved.equals("a") ? bed.a : bed.b;

            bed.run(random.nextLong(1, 100) * MS);
            byte[] snapshot = TcpTestBed.snapshot(source);
            List<byte[]> deltas = new ArrayList<>();
            int rounds = random.nextInt(1, 5);
            for (int i = 0; i < rounds; i++) {
                bed.run(random.nextLong(1, 60) * MS);
                deltas.add(TcpTestBed.delta(source));
            }
            // stall-and-copy: the final delta, then the VR goes and a new one takes over at the same instant
            long id = movedEnd.connection.id();
            TcpConnection before = movedEnd.connection;
            int una = before.sndUna();
            int nxt = before.sndNxt();
            int rcv = before.rcvNxt();
            long received = movedEnd.received;
            String state = source.describe(id);
            assertTrue(received < BYTES, "moved in the middle of the transfer (" + received + " received)");

            TcpHost restored = bed.replace(moved, snapshot, deltas);
            TcpConnection after = restored.connection(id);
            assertNotNull(after, "the connection is back under its id");
            assertEquals(state, restored.describe(id), "the same connection, timers included");
            assertEquals(una, after.sndUna());
            assertEquals(nxt, after.sndNxt());
            assertEquals(rcv, after.rcvNxt());
            assertNull(after.handler());
            after.setHandler(movedEnd); // the application re-attaches
            movedEnd.connection = after;
            if (moved.equals("b")) {
                TcpListener l = restored.listeners().get(0);
                assertEquals(179, l.localPort());
                l.setAcceptHandler(server);
            }

            assertTrue(bed.runUntil(() -> client.received == BYTES && server.received == BYTES, 120 * SECOND),
                    "client " + client.received + " server " + server.received);
            assertEquals(0, client.mismatches, "first bad byte at " + client.firstMismatch);
            assertEquals(0, server.mismatches, "first bad byte at " + server.firstMismatch);
            bed.run(SECOND);
            assertEquals(BYTES, client.received, "no duplicate");
            assertEquals(BYTES, server.received);
            assertNull(client.error);
            assertNull(server.error);
            assertEquals(0, bed.a.counter(TcpCounter.TX_RST) + bed.b.counter(TcpCounter.TX_RST), "no RST");
            assertEquals(0, bed.a.counter(TcpCounter.RX_NO_SOCKET) + bed.b.counter(TcpCounter.RX_NO_SOCKET));
            assertEquals(TcpState.ESTABLISHED, staying.connection.state());

            // and it closes in order afterwards
            client.connection.shutdownOutput();
            server.connection.shutdownOutput();
            assertTrue(bed.runUntil(() -> client.closed && server.closed, 10 * SECOND));
        }
    }

    /**
     * Property: for random connection states (several connections, data in flight, out-of-order data,
     * paused readers, half closes, TIME-WAIT, listeners with keys), restoring the snapshot plus every
     * delta so far gives a stack equal to the source at that round, whatever changed in between.
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void restoreOfSnapshotPlusDeltasEqualsTheSourceAtEveryRound(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LinkImpairment link = new LinkImpairment(seed, 0.03, 0.02, 0.05, MS, 4 * MS);
        try (TcpTestBed bed = new TcpTestBed(seed, TcpHostOptions.DEFAULT.withMsl(SECOND), link)) {
            TcpListener l = bed.b.listen(0, 179, TcpOptions.DEFAULT.withReceiveBufferSize(32 * 1024), c -> {
                Endpoint e = new Endpoint("s" + c.id());
                e.send(c.id(), random.nextLong(0, 300_000));
                if (random.nextInt(3) == 0) {
                    c.pauseReading();
                }
                return e;
            });
            l.setMd5Key(A, "peer-key".getBytes());
            bed.a.listen(0, 180, TcpOptions.DEFAULT.withMd5Key("any".getBytes()), c -> new Endpoint("x"));
            List<Endpoint> clients = new ArrayList<>();
            int connections = random.nextInt(2, 6);
            for (int i = 0; i < connections; i++) {
                Endpoint e = new Endpoint("c" + i).send(100 + i, random.nextLong(0, 400_000));
                e.shutdownWhenSent = random.nextBoolean();
                clients.add(e);
                bed.a.connect(0, B, 179, TcpOptions.DEFAULT.withMd5Key("peer-key".getBytes())
                        .withSendBufferSize(random.nextInt(8, 64) * 1024), e);
            }
            int rounds = random.nextInt(3, 8);
            List<byte[]> sections = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                bed.run(random.nextLong(1, 400) * MS);
                Endpoint e = clients.get(random.nextInt(clients.size()));
                if (e.connection != null && random.nextInt(4) == 0) {
                    switch (random.nextInt(3)) {
                        case 0 -> e.connection.pauseReading();
                        case 1 -> e.connection.resumeReading();
                        default -> e.connection.shutdownOutput();
                    }
                }
                sections.add(round == 0 ? TcpTestBed.snapshot(bed.a) : TcpTestBed.delta(bed.a));
                String expected = bed.a.describeAll();
                String actual = restoreIntoMirror(bed, sections);
                assertEquals(expected, actual, "round " + round);
            }
            assertTrue(sections.stream().skip(1).anyMatch(d -> d.length < sections.get(0).length),
                    "deltas are smaller than the snapshot when little changed");
        }
    }

    /** A third VR with A's configuration (on no link), restored from the sections; returns its description. */
    private static String restoreIntoMirror(TcpTestBed bed, List<byte[]> sections) {
        VrConfig a = bed.vr("a").config();
        VirtualRouter mirror = bed.net.addRouter(VrConfig.of(99, "mirror", a.interfaces(), List.of()));
        try {
            mirror.start();
            TcpHost h = new TcpHost(mirror.context(), bed.options);
            h.restoreSnapshot(new MemoryCheckpoint.Reader(sections.get(0)), h.partVersion());
            for (byte[] d : sections.subList(1, sections.size())) {
                h.applyDelta(new MemoryCheckpoint.Reader(d), h.partVersion());
            }
            return h.describeAll();
        } finally {
            bed.net.removeRouter("mirror");
        }
    }

    @Test
    void anIdleConnectionsTimersLoseTheTimeThatPassedSinceItWasLastWritten() {
        try (TcpTestBed bed = new TcpTestBed(5, TcpHostOptions.DEFAULT.withMsl(10 * SECOND), LinkImpairment.latency(MS))) {
            Endpoint server = new Endpoint("server");
            bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
            Endpoint client = new Endpoint("client");
            TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
            assertTrue(bed.runUntil(() -> server.connected, SECOND));
            c.shutdownOutput();
            server.connection.shutdownOutput();
            assertTrue(bed.runUntil(() -> c.state() == TcpState.TIME_WAIT, SECOND));
            bed.run(100 * MS);
            byte[] snapshot = TcpTestBed.snapshot(bed.a);
            bed.run(7 * SECOND); // nothing happens to the connection: it is in no delta
            byte[] delta = TcpTestBed.delta(bed.a);
            assertTrue(delta.length < 40, "an empty delta is a few bytes: " + delta.length);
            String expected = bed.a.describe(c.id());
            TcpHost restored = bed.replace("a", snapshot, List.of(delta));
            assertEquals(expected, restored.describe(c.id()));
            bed.run(13 * SECOND);
            assertNull(restored.connection(c.id()), "TIME-WAIT ended when it would have on the old VR");
        }
    }

    @Test
    void aBadSectionIsAFormatErrorAndAnOtherVersionIsRefused() {
        try (TcpTestBed bed = new TcpTestBed(9)) {
            bed.b.listen(0, 179, TcpOptions.DEFAULT, new Endpoint("s"));
            bed.a.connect(0, B, 179, TcpOptions.DEFAULT, new Endpoint("c").send(1, 100_000));
            bed.run(20 * MS);
            byte[] snapshot = TcpTestBed.snapshot(bed.a);
            TcpHost fresh = new TcpHost(mirrorContext(bed));
            assertThrows(CheckpointFormatException.class,
                    () -> fresh.restoreSnapshot(new MemoryCheckpoint.Reader(snapshot), 2));
            byte[] truncated = java.util.Arrays.copyOf(snapshot, snapshot.length / 2);
            assertThrows(CheckpointFormatException.class,
                    () -> fresh.restoreSnapshot(new MemoryCheckpoint.Reader(truncated), fresh.partVersion()));
        }
    }

    private static org.vroom.vr.spi.VrContext mirrorContext(TcpTestBed bed) {
        VirtualRouter m = bed.net.addRouter(VrConfig.of(98, "m", bed.vr("a").config().interfaces(), List.of()));
        m.start();
        return m.context();
    }
}
