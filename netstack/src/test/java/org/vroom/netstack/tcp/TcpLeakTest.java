package org.vroom.netstack.tcp;

import org.junit.jupiter.api.Test;
import org.vroom.vr.spi.ResourceScope;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** Connections free their buffers when they go, and a destroyed VR takes its whole stack with it. */
class TcpLeakTest {
    @Test
    void buffersAreFreedPerConnectionAndWithTheVr() {
        long baseline = ResourceScope.liveDirectBytes();
        long scopes = ResourceScope.openScopes();
        try (TcpTestBed bed = new TcpTestBed(3)) {
            long withStacks = ResourceScope.liveDirectBytes();
            Endpoint server = new Endpoint("server");
            bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
            for (int i = 0; i < 20; i++) {
                Endpoint client = new Endpoint("c" + i).send(i, 10_000);
                TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
                assertTrue(bed.runUntil(() -> client.sent == 10_000, SECOND));
                c.abort();
            }
            bed.run(SECOND);
            assertTrue(bed.a.connections().isEmpty());
            assertTrue(bed.b.connections().isEmpty());
            assertTrue(ResourceScope.liveDirectBytes() - withStacks <= 128 * 1024,
                    "only the delivery scratch may stay: " + (ResourceScope.liveDirectBytes() - withStacks));
            // live connections when the VRs go
            Endpoint client = new Endpoint("last").send(1, 1_000_000);
            bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
            bed.run(10 * TcpTestBed.MS);
            assertEquals(1, bed.a.connections().size());
        }
        assertEquals(baseline, ResourceScope.liveDirectBytes(), "no off-heap memory left behind");
        assertEquals(scopes, ResourceScope.openScopes());
    }
}
