package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpListener;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.A;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.MS;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

class TcpHandshakeTest {
    final TcpTestBed bed = new TcpTestBed(7);

    @AfterEach
    void close() {
        bed.close();
    }

    static UnsafeBuffer text(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void activeOpenToAListenerBothWaysAndDataFlows() {
        for (boolean fromA : new boolean[] {true, false}) {
            TcpHost client = fromA ? bed.a : bed.b;
            TcpHost server = fromA ? bed.b : bed.a;
            int serverAddress = fromA ? B : A;
            int port = fromA ? 179 : 180;
            Endpoint srv = new Endpoint("server").keepData();
            TcpListener l = server.listen(0, port, TcpOptions.DEFAULT, srv);
            Endpoint cli = new Endpoint("client").keepData();
            TcpConnection c = client.connect(0, serverAddress, port, TcpOptions.DEFAULT, cli);
            assertEquals(TcpState.SYN_SENT, c.state());
            assertTrue(c.localPort() >= 49152, "ephemeral port " + c.localPort());
            assertEquals(fromA ? A : B, c.localAddress(), "chosen from the outgoing interface");
            assertTrue(bed.runUntil(() -> cli.connected && srv.connected, SECOND));
            assertEquals(List.of("accept", "connected"), srv.events);
            assertEquals(List.of("connected"), cli.events);
            TcpConnection s = srv.connection;
            assertEquals(TcpState.ESTABLISHED, c.state());
            assertEquals(TcpState.ESTABLISHED, s.state());
            assertTrue(s.isPassive());
            assertFalse(c.isPassive());
            assertEquals(c.localPort(), s.remotePort());
            assertEquals(c.sndNxt(), s.rcvNxt());
            assertEquals(s.sndNxt(), c.rcvNxt());
            assertEquals(1460, c.stats().sendMss(), "MSS from the 1500-byte MTU");
            assertEquals(0, l.pendingConnections());

            assertEquals(5, c.write(text("hello"), 0, 5));
            assertEquals(3, s.write(text("bgp"), 0, 3));
            assertTrue(bed.runUntil(() -> srv.received == 5 && cli.received == 3, SECOND));
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), srv.data());
            assertArrayEquals("bgp".getBytes(StandardCharsets.US_ASCII), cli.data());
            assertSame(c, client.connection(c.id()));
            assertTrue(client.connections().contains(c));
            assertTrue(server.listeners().contains(l));
        }
    }

    @Test
    void windowScaleIsNegotiatedFromTheBufferSizes() {
        Endpoint srv = new Endpoint("server");
        bed.b.listen(B, 179, TcpOptions.DEFAULT.withReceiveBufferSize(1 << 20), srv);
        Endpoint cli = new Endpoint("client");
        TcpConnection c = bed.a.connect(A, B, 179, TcpOptions.DEFAULT.withReceiveBufferSize(300_000), cli);
        assertTrue(bed.runUntil(() -> cli.connected && srv.connected, SECOND));
        String client = bed.a.describe(c.id());
        String server = bed.b.describe(srv.connection.id());
        // client: shift 3 covers 300000; server: shift 5 covers 1 MiB (65535 << 4 is 16 bytes short)
        assertTrue(client.contains(" scale=3 oooFin"), client);
        assertTrue(client.contains("scale=5 ws"), client);
        assertTrue(server.contains("scale=3 ws"), server);
        assertEquals(65535, c.stats().sendWindow(), "a SYN's window is never scaled");
        c.write(text("x"), 0, 1);
        assertTrue(bed.runUntil(() -> srv.received == 1, SECOND));
        bed.run(100 * MS);
        assertEquals(1 << 20, c.stats().sendWindow(), "later windows are scaled");

        // a peer without window scaling: neither side scales
        Endpoint srv2 = new Endpoint("server2");
        bed.b.listen(B, 180, TcpOptions.DEFAULT.withWindowScale(TcpOptions.WINDOW_SCALE_OFF), srv2);
        Endpoint cli2 = new Endpoint("client2");
        TcpConnection c2 = bed.a.connect(A, B, 180, TcpOptions.DEFAULT.withReceiveBufferSize(1 << 20), cli2);
        assertTrue(bed.runUntil(() -> cli2.connected && srv2.connected, SECOND));
        assertTrue(bed.a.describe(c2.id()).contains("scale=0 no-ws"), bed.a.describe(c2.id()));
        assertEquals(65535, c2.stats().receiveWindow(), "unscaled window capped at 65535");
    }

    @Test
    void simultaneousOpen() {
        // both sides connect to each other's fixed port: use listeners-free active opens with known ports
        TcpHostOptions one = TcpHostOptions.DEFAULT.withEphemeralPorts(50000, 50000);
        try (TcpTestBed sim = new TcpTestBed(3, one, org.vroom.vr.testkit.LinkImpairment.latency(MS))) {
            Endpoint ea = new Endpoint("a").keepData();
            Endpoint eb = new Endpoint("b").keepData();
            TcpConnection ca = sim.a.connect(A, B, 50000, TcpOptions.DEFAULT, ea);
            TcpConnection cb = sim.b.connect(B, A, 50000, TcpOptions.DEFAULT, eb);
            assertEquals(50000, ca.localPort());
            assertEquals(50000, cb.localPort());
            assertTrue(sim.runUntil(() -> ea.connected && eb.connected, SECOND), ea + " " + eb);
            assertEquals(TcpState.ESTABLISHED, ca.state());
            assertEquals(TcpState.ESTABLISHED, cb.state());
            assertEquals(ca.sndNxt(), cb.rcvNxt());
            assertEquals(cb.sndNxt(), ca.rcvNxt());
            ca.write(text("x"), 0, 1);
            cb.write(text("y"), 0, 1);
            assertTrue(sim.runUntil(() -> ea.received == 1 && eb.received == 1, SECOND));
            assertEquals("y", new String(ea.data(), StandardCharsets.US_ASCII));
            assertEquals(0, sim.a.counter(TcpCounter.TX_RST) + sim.b.counter(TcpCounter.TX_RST));
        }
    }

    @Test
    void aSynToAClosedPortIsRefusedWithRst() {
        Endpoint cli = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, B, 4242, TcpOptions.DEFAULT, cli);
        assertTrue(bed.runUntil(() -> cli.error != null, SECOND));
        assertEquals(TcpError.CONNECTION_REFUSED, cli.error);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(1, bed.b.counter(TcpCounter.RX_NO_SOCKET));
        assertEquals(1, bed.b.counter(TcpCounter.TX_RST));
        assertNull(bed.a.connection(c.id()));
        assertEquals(-1, c.write(text("late"), 0, 4));
    }

    @Test
    void noRouteIsReportedOnTheNextTurn() {
        Endpoint cli = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, Ipv4Addresses.parse("192.0.2.1"), 179, TcpOptions.DEFAULT, cli);
        assertNull(cli.error, "not re-entrant");
        bed.run(MS);
        assertEquals(TcpError.NO_ROUTE, cli.error);
        assertEquals(TcpState.CLOSED, c.state());
    }

    @Test
    void argumentsAreChecked() {
        Endpoint e = new Endpoint("e");
        assertThrows(IllegalArgumentException.class, () -> bed.a.listen(B, 179, TcpOptions.DEFAULT, e), "not our address");
        assertThrows(IllegalArgumentException.class, () -> bed.a.listen(0, 0, TcpOptions.DEFAULT, e));
        bed.a.listen(0, 179, TcpOptions.DEFAULT, e);
        assertThrows(IllegalStateException.class, () -> bed.a.listen(0, 179, TcpOptions.DEFAULT, e));
        bed.a.listen(A, 179, TcpOptions.DEFAULT, e); // a specific address next to the wildcard is fine
        assertThrows(IllegalArgumentException.class,
                () -> bed.a.connect(0, Ipv4Addresses.parse("224.0.0.5"), 179, TcpOptions.DEFAULT, e));
        assertThrows(IllegalArgumentException.class, () -> bed.a.connect(0, B, 70000, TcpOptions.DEFAULT, e));
        assertThrows(IllegalArgumentException.class, () -> bed.a.connect(B, B, 179, TcpOptions.DEFAULT, e));
        assertThrows(IllegalArgumentException.class, () -> TcpOptions.DEFAULT.withMd5Key(new byte[81]));
        assertThrows(IllegalArgumentException.class, () -> TcpOptions.DEFAULT.withReceiveBufferSize(10));
    }

    @Test
    void ephemeralPortsRunOutPerPeerOnly() {
        TcpHostOptions two = TcpHostOptions.DEFAULT.withEphemeralPorts(60000, 60001);
        try (TcpTestBed small = new TcpTestBed(5, two, org.vroom.vr.testkit.LinkImpairment.latency(MS))) {
            small.b.listen(0, 179, TcpOptions.DEFAULT, new Endpoint("s"));
            small.b.listen(0, 180, TcpOptions.DEFAULT, new Endpoint("s2"));
            TcpConnection c1 = small.a.connect(0, B, 179, TcpOptions.DEFAULT, new Endpoint("1"));
            TcpConnection c2 = small.a.connect(0, B, 179, TcpOptions.DEFAULT, new Endpoint("2"));
            assertNotEquals(c1.localPort(), c2.localPort());
            assertThrows(IllegalStateException.class, () -> small.a.connect(0, B, 179, TcpOptions.DEFAULT, new Endpoint("3")));
            TcpConnection c3 = small.a.connect(0, B, 180, TcpOptions.DEFAULT, new Endpoint("4"));
            assertTrue(c3.localPort() == 60000 || c3.localPort() == 60001, "another peer port may reuse a local port");
        }
    }

    @Test
    void aListenerRefusesWhatItsAcceptHandlerRejectsAndBoundsItsBacklog() {
        TcpListener l = bed.b.listen(0, 179, TcpOptions.DEFAULT.withBacklog(1), c -> null);
        Endpoint cli = new Endpoint("client");
        bed.a.connect(0, B, 179, TcpOptions.DEFAULT, cli);
        assertTrue(bed.runUntil(() -> cli.error != null, SECOND), cli.toString());
        assertEquals(List.of("connected", "error CONNECTION_RESET"), cli.events, "accepted by TCP, then reset by the application");

        // backlog 1: with the SYN-ACKs lost, a second SYN is dropped while the first waits
        bed.link.dropIf(d -> (d[33] & TcpWire.SYN) != 0 && (d[33] & TcpWire.ACK) != 0);
        bed.a.connect(0, B, 179, TcpOptions.DEFAULT, new Endpoint("x"));
        bed.a.connect(0, B, 179, TcpOptions.DEFAULT, new Endpoint("y"));
        bed.run(10 * MS);
        assertEquals(1, l.pendingConnections());
        assertEquals(1, bed.b.counter(TcpCounter.LISTEN_OVERFLOW));
        l.close();
        assertEquals(0, l.pendingConnections());
        assertTrue(l.isClosed());
        assertTrue(bed.b.listeners().isEmpty());
    }
}
