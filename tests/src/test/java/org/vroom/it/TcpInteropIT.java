package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.kernel.KernelVr;
import org.vroom.kernel.Node;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.ManagementConfig;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.NodeCounters;
import org.vroom.lab.Host;
import org.vroom.lab.Impairment;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.TcpPeer;
import org.vroom.netstack.tcp.TcpCounter;
import org.vroom.netstack.tcp.TcpHost;
import org.vroom.packetio.AfPacketConfig;
import org.vroom.packetio.AfPacketPort;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpConnectionHandler;
import org.vroom.vr.spi.TcpError;
import org.vroom.vr.spi.TcpListener;
import org.vroom.vr.spi.TcpOptions;

/**
 * The VR's user-space TCP against the Linux kernel's TCP (the one FRR's bgpd uses), through vroom's data
 * plane: a node runs in this JVM on AF_PACKET ports of namespace r, and {@link TcpPeer} (C, kernel
 * sockets) runs in the hosts' namespaces. Both ends send a seeded pattern and check the other's, so a
 * lost, duplicated or reordered byte fails the test, as does a reset.
 *
 * <pre>
 *   h1 10.0.1.2 --eth0--p0-- [VR vr1 10.0.1.1 | 10.0.2.1] --p1--eth0-- h2 10.0.2.2
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpInteropIT {
    private static final long MB = 1_000_000;
    private Lab lab;
    private Host h1;
    private Host h2;
    private NodeCounters counters;
    private Node node;
    private Path countersDir;

    @BeforeAll
    void setUp() throws Exception {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("gcc", "gcc");
        lab = new Lab();
        Host r = LabFixture.routerHost(lab, "r");
        r.ipForward(false);
        h1 = LabFixture.endHost(lab, "h1", r, "p0", "10.0.1.2/24", "10.0.1.1");
        h2 = LabFixture.endHost(lab, "h2", r, "p1", "10.0.2.2/24", "10.0.2.1");
        AfPacketPort p0 = AfPacketPort.open(AfPacketConfig.builder("p0").networkNamespace(r.netns()).promiscuous(true)
                .build());
        lab.onClose("close port p0", p0::close);
        AfPacketPort p1 = AfPacketPort.open(AfPacketConfig.builder("p1").networkNamespace(r.netns()).promiscuous(true)
                .build());
        lab.onClose("close port p1", p1::close);
        VrConfig vr = new VrConfig("vr1", 1, List.of(
                new InterfaceConfig("eth0", "p0", 0, Ipv4Addresses.parse("10.0.1.1"), 24, 1500),
                new InterfaceConfig("eth1", "p1", 0, Ipv4Addresses.parse("10.0.2.1"), 24, 1500)), List.of());
        NodeConfig config = new NodeConfig(lab.prefix() + "-tcp", 1, new ManagementConfig("127.0.0.1", 7878, null),
                List.of(new PortConfig("p0", "p0", null), new PortConfig("p1", "p1", null)), List.of(vr));
        countersDir = Files.createTempDirectory("vroom-tcp-it");
        counters = NodeCounters.create(new NodeCounters.Config(config.name()).directory(countersDir).deleteOnClose(true));
        node = new Node(config, counters, Map.<String, PacketPort>of("p0", p0, "p1", p1)).start();
        lab.onClose("stop the node", () -> {
            node.close();
            counters.close();
        });
    }

    @AfterAll
    void tearDown() {
        LabFixture.close(lab);
    }

    private KernelVr vr() {
        return node.kernelVr("vr1");
    }

    private TcpHost tcp() {
        return vr().tcp();
    }

    private long counter(TcpCounter c) {
        return vr().call(() -> tcp().counter(c), 5_000);
    }

    /** Listens on the VR (on its loop) and returns the app the next connection gets. */
    private PatternApp listen(int port, TcpOptions options, long send, long receive, int seedOut, int seedIn) {
        PatternApp app = new PatternApp(send, receive, seedOut, seedIn);
        vr().call(() -> {
            TcpListener l = tcp().listen(0, port, options, c -> {
                app.attach(c);
                return app;
            });
            app.listener = l;
            return null;
        }, 5_000);
        return app;
    }

    private static String describe(TcpPeer.Result peer, PatternApp app, Supplier<String> more) {
        return "\n  kernel: " + peer.raw() + "\n  vr: " + app + more.get();
    }

    private Supplier<String> stats() {
        return () -> {
            StringBuilder b = new StringBuilder("\n  vr tcp:");
            for (TcpCounter c : TcpCounter.values()) {
                long v = counter(c);
                if (v != 0) {
                    b.append(' ').append(c.counterName()).append('=').append(v);
                }
            }
            return b.toString();
        };
    }

    @Test
    void kernelConnectsAndBothSideSend100MegabytesIntact() {
        long size = 100 * MB;
        long rstBefore = counter(TcpCounter.TX_RST);
        PatternApp app = listen(5001, TcpOptions.DEFAULT, size, size, 0x2222, 0x1111);
        TcpPeer peer = TcpPeer.connect(h1, "10.0.1.1", 5001, size, size, 0x1111, 0x2222, null, Duration.ofSeconds(240));
        TcpPeer.Result r = peer.await(Duration.ofSeconds(260));
        app.awaitClosed(Duration.ofSeconds(10));
        String msg = describe(r, app, stats());
        assertTrue(r.ok(), msg);
        assertFalse(r.reset(), msg);
        assertTrue(app.complete(), msg);
        assertEquals(rstBefore, counter(TcpCounter.TX_RST), "the VR sent a RST" + msg);
        System.out.printf("TcpInteropIT: 100 MB each way between the Linux kernel and the VR in %.1f s (%.0f Mbit/s each"
                + " way)%n", r.seconds(), size * 8 / r.seconds() / 1e6);
        closeListener(app);
    }

    @Test
    void vrConnectsToTheKernel() {
        long size = 10 * MB;
        TcpPeer peer = TcpPeer.listen(h2, "10.0.2.1", 5002, size, size, 0x3333, 0x4444, null, Duration.ofSeconds(120));
        PatternApp app = new PatternApp(size, size, 0x4444, 0x3333);
        vr().call(() -> {
            app.attach(tcp().connect(0, Ipv4Addresses.parse("10.0.2.2"), 5002, TcpOptions.DEFAULT, app));
            return null;
        }, 5_000);
        TcpPeer.Result r = peer.await(Duration.ofSeconds(130));
        app.awaitClosed(Duration.ofSeconds(10));
        String msg = describe(r, app, stats());
        assertTrue(r.ok(), msg);
        assertTrue(app.complete(), msg);
    }

    @Test
    void aTransferSurvivesLossAndReordering() {
        long size = 100 * MB;
        long retransmitsBefore = counter(TcpCounter.RETRANSMITTED_SEGMENTS);
        PatternApp app = listen(5003, TcpOptions.DEFAULT, size, size, 0x6666, 0x5555);
        TcpPeer.Result r;
        long dropped;
        try (Impairment loss = Impairment.hostDropEvery(h1, 100, "ip protocol tcp");
             Impairment reorder = Impairment.reorderByIpId(h1, "eth0", 8, "400mbit")) {
            TcpPeer peer = TcpPeer.connect(h1, "10.0.1.1", 5003, size, size, 0x5555, 0x6666, null,
                    Duration.ofSeconds(240));
            r = peer.await(Duration.ofSeconds(260));
            dropped = loss.packets();
        }
        app.awaitClosed(Duration.ofSeconds(10));
        String msg = describe(r, app, stats()) + "\n  segments dropped on h1: " + dropped;
        assertTrue(dropped > 100, "the impairment dropped nothing" + msg);
        assertTrue(r.ok(), msg);
        assertFalse(r.reset(), msg);
        assertTrue(app.complete(), msg);
        assertTrue(counter(TcpCounter.RETRANSMITTED_SEGMENTS) > retransmitsBefore, "the VR retransmitted nothing" + msg);
        System.out.printf("TcpInteropIT: 100 MB each way with 1%% loss both ways and reordering in %.1f s; %d segments"
                + " dropped%n", r.seconds(), dropped);
        closeListener(app);
    }

    @Test
    void md5SignedConnectionsNeedTheRightKey() {
        byte[] key = "vroom-md5-s3cret".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        TcpOptions md5 = TcpOptions.DEFAULT.withMd5Key(key);
        PatternApp app = listen(5004, md5, MB, MB, 0x8888, 0x7777);
        TcpPeer.Result good = TcpPeer.connect(h1, "10.0.1.1", 5004, MB, MB, 0x7777, 0x8888, "vroom-md5-s3cret",
                Duration.ofSeconds(60)).await(Duration.ofSeconds(70));
        app.awaitClosed(Duration.ofSeconds(10));
        assertTrue(good.ok(), describe(good, app, stats()));
        assertTrue(app.complete(), describe(good, app, stats()));

        long badBefore = counter(TcpCounter.RX_MD5_BAD);
        long missingBefore = counter(TcpCounter.RX_MD5_MISSING);
        TcpPeer.Result wrong = TcpPeer.connect(h1, "10.0.1.1", 5004, MB, MB, 0x7777, 0x8888, "not-the-key",
                Duration.ofSeconds(4)).await(Duration.ofSeconds(20));
        TcpPeer.Result none = TcpPeer.connect(h1, "10.0.1.1", 5004, MB, MB, 0x7777, 0x8888, null,
                Duration.ofSeconds(4)).await(Duration.ofSeconds(20));
        assertFalse(wrong.ok(), wrong.raw());
        assertTrue(wrong.raw().contains("\"connected\":false"), "a wrong key must not connect: " + wrong.raw());
        assertTrue(none.raw().contains("\"connected\":false"), "an unsigned SYN must not connect: " + none.raw());
        assertTrue(counter(TcpCounter.RX_MD5_BAD) > badBefore, "wrongly signed SYNs counted" + stats().get());
        assertTrue(counter(TcpCounter.RX_MD5_MISSING) > missingBefore, "unsigned SYNs counted" + stats().get());
        closeListener(app);
    }

    @Test
    void aConnectionSurvivesFreezeSnapshotDestroyRestoreThaw() throws Exception {
        long size = 30 * MB;
        PatternApp app = listen(5005, TcpOptions.DEFAULT, size, size, 0xAAAA, 0x9999);
        TcpPeer peer = TcpPeer.connect(h1, "10.0.1.1", 5005, size, size, 0x9999, 0xAAAA, null, Duration.ofSeconds(240));
        app.awaitUnderway(5 * MB, Duration.ofSeconds(60));
        KernelVr before = vr();
        long freezeStart = System.nanoTime();
        assertTrue(node.freeze("vr1"));
        long id = before.call(() -> app.connection.id(), 5_000);
        byte[] image = node.snapshot("vr1");
        node.restore("vr1", image); // the old control plane and its TCP are destroyed
        KernelVr after = vr();
        assertTrue(after != before);
        after.call(() -> {
            TcpConnection c = after.tcp().connection(id);
            assertNotNull(c, "connection " + id + " restored");
            app.attach(c);
            c.setHandler(app);
            return null;
        }, 5_000);
        assertTrue(node.thaw("vr1"));
        double frozenMillis = (System.nanoTime() - freezeStart) / 1e6;
        after.call(() -> {
            app.pump();
            return null;
        }, 5_000);
        TcpPeer.Result r = peer.await(Duration.ofSeconds(260));
        app.awaitClosed(Duration.ofSeconds(10));
        String msg = describe(r, app, stats()) + "\n  checkpoint image: " + image.length + " bytes";
        assertTrue(r.ok(), msg);
        assertFalse(r.reset(), msg);
        assertTrue(app.complete(), msg);
        System.out.printf("TcpInteropIT: a 30 MB-each-way transfer survived freeze/snapshot/destroy/restore/thaw"
                + " (image %d bytes, frozen %.1f ms)%n", image.length, frozenMillis);
        closeListener(app);
    }

    @Test
    void aConnectionSurvivesAPreCopyReplacementOfItsVr() throws Exception {
        long size = 30 * MB;
        PatternApp app = listen(5006, TcpOptions.DEFAULT, size, size, 0xCCCC, 0xBBBB);
        TcpPeer peer = TcpPeer.connect(h1, "10.0.1.1", 5006, size, size, 0xBBBB, 0xCCCC, null, Duration.ofSeconds(240));
        app.awaitUnderway(5 * MB, Duration.ofSeconds(60));
        KernelVr before = vr();
        long id = before.call(() -> app.connection.id(), 5_000);
        Node.PrecopyReport report = node.precopyReplace("vr1", 5, 16 * 1024);
        KernelVr after = vr();
        assertTrue(after != before);
        after.call(() -> {
            TcpConnection c = after.tcp().connection(id);
            assertNotNull(c, "connection " + id + " restored");
            app.attach(c);
            c.setHandler(app);
            app.pump();
            return null;
        }, 5_000);
        TcpPeer.Result r = peer.await(Duration.ofSeconds(260));
        app.awaitClosed(Duration.ofSeconds(10));
        String msg = describe(r, app, stats()) + "\n  pre-copy: " + report;
        assertTrue(r.ok(), msg);
        assertFalse(r.reset(), msg);
        assertTrue(app.complete(), msg);
        System.out.printf("TcpInteropIT: a 30 MB-each-way transfer survived a pre-copy replacement of its VR: images %s"
                + " bytes, frozen %.1f ms, total %.1f ms%n", report.imageBytes(), report.frozenMillis(), report.totalMillis());
        closeListener(app);
    }

    private void closeListener(PatternApp app) {
        if (app.listener != null) {
            vr().call(() -> {
                TcpListener l = tcp().listener(app.listener.id());
                if (l != null) {
                    l.close();
                }
                return null;
            }, 5_000);
        }
    }

    /** The VR's end: sends a seeded pattern as fast as TCP takes it, checks the one it receives. VR loop only. */
    static final class PatternApp implements TcpConnectionHandler {
        private final long toSend;
        private final long toReceive;
        private final TcpPeer.PatternStream out;
        private final TcpPeer.PatternStream in;
        private final UnsafeBuffer chunk = new UnsafeBuffer(new byte[64 * 1024]);
        private int chunkLength;
        private int chunkOffset;
        private boolean shut;
        TcpListener listener;
        volatile TcpConnection connection;
        volatile long sent;
        volatile long received;
        volatile long firstBad = -1;
        volatile boolean peerClosed;
        volatile boolean closed;
        volatile String error;

        PatternApp(long toSend, long toReceive, int seedOut, int seedIn) {
            this.toSend = toSend;
            this.toReceive = toReceive;
            this.out = TcpPeer.pattern(seedOut);
            this.in = TcpPeer.pattern(seedIn);
        }

        void attach(TcpConnection c) {
            connection = c;
        }

        @Override
        public void onConnected(TcpConnection c) {
            pump();
        }

        @Override
        public void onWritable(TcpConnection c) {
            pump();
        }

        void pump() {
            TcpConnection c = connection;
            while (sent < toSend) {
                if (chunkOffset == chunkLength) {
                    int n = (int) Math.min(chunk.capacity(), toSend - sent);
                    for (int i = 0; i < n; i++) {
                        chunk.putByte(i, (byte) out.next());
                    }
                    chunkLength = n;
                    chunkOffset = 0;
                }
                int w = c.write(chunk, chunkOffset, chunkLength - chunkOffset);
                if (w <= 0) {
                    return;
                }
                chunkOffset += w;
                sent += w;
            }
            if (!shut) {
                shut = true;
                c.shutdownOutput();
            }
        }

        @Override
        public int onData(TcpConnection c, DirectBuffer buffer, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if ((buffer.getByte(offset + i) & 0xFF) != in.next() && firstBad < 0) {
                    firstBad = received + i;
                }
            }
            received += length;
            return length;
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            peerClosed = true;
            if (sent == toSend) {
                c.close();
            }
        }

        @Override
        public void onClosed(TcpConnection c) {
            closed = true;
        }

        @Override
        public void onError(TcpConnection c, TcpError e) {
            error = String.valueOf(e);
            closed = true;
        }

        boolean complete() {
            return sent == toSend && received == toReceive && firstBad < 0 && peerClosed && error == null;
        }

        /** Waits until both directions have carried {@code bytes}; fails after {@code timeout}. */
        void awaitUnderway(long bytes, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received < bytes || sent < bytes) {
                assertTrue(System.nanoTime() < deadline, "the transfer did not get going: " + this);
                Thread.sleep(5);
            }
        }

        void awaitClosed(Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (!closed && System.nanoTime() < end) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public String toString() {
            return "sent " + sent + "/" + toSend + ", received " + received + "/" + toReceive + ", first bad byte "
                    + firstBad + ", peer closed " + peerClosed + ", closed " + closed + ", error " + error;
        }
    }
}
