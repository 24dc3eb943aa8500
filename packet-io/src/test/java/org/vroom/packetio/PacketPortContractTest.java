package org.vroom.packetio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one contract every {@link PacketPort} implementation passes (Netty's {@code SocketEchoTest}
 * pattern): subclasses only say how to open a connected pair of ports.
 */
abstract class PacketPortContractTest {
    /** TX ring (or slot) capacity the subclasses configure, so "ring full" is exact. */
    static final int TX_RING_FRAMES = 64;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Two ports wired back to back: what {@code a()} sends {@code b()} receives, and back. */
    protected interface Link extends AutoCloseable {
        PacketPort a();

        PacketPort b();

        @Override
        void close();

        /** Implementation-specific proof, after {@link #close()}, that nothing is left allocated. */
        default void assertReleased() {
        }
    }

    /** Opens a fresh link whose ports each have a transmit ring of exactly {@code txFrames} frames. */
    protected abstract Link openLink(int txFrames);

    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    @FunctionalInterface
    interface FrameHandler {
        void onFrame(UnsafeBuffer frame, int index);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void framesArriveIntactAndInOrderInBothDirections() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            exchangeInOrder(link.a(), link.b(), 400, 16);
            exchangeInOrder(link.b(), link.a(), 400, TX_RING_FRAMES);
        }
    }

    /** Sends {@code count} frames of 64..1514 bytes in bursts and checks each arrives whole, in order. */
    private void exchangeInOrder(PacketPort from, PacketPort to, int count, int burst) {
        final RxBatch batch = new RxBatch(32);
        final int[] expected = {0};
        for (int first = 0; first < count; first += burst) {
            final int n = Math.min(burst, count - first);
            for (int seq = first; seq < first + n; seq++) {
                sendTestFrame(from, to.macAddress(), TestFrames.NO_VLAN, seq, TestFrames.lengthFor(seq));
            }
            from.flush();
            receiveFrames(to, batch, n, (f, i) -> {
                final int seq = TestFrames.check(f, to.macAddress(), from.macAddress(), TestFrames.NO_VLAN);
                assertEquals(expected[0]++, seq, "frames out of order on " + to.name());
            });
        }
        assertEquals(count, expected[0]);
    }

    @Test
    void receiveFillsBatchesUpToCapacityAndContinuesAfterRelease() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            final int total = 50;
            for (int seq = 0; seq < total; seq++) {
                sendTestFrame(a, b.macAddress(), TestFrames.NO_VLAN, seq, 100 + seq);
            }
            a.flush();
            final RxBatch batch = new RxBatch(8);
            final List<Integer> counts = new ArrayList<>();
            int next = 0;
            final long deadline = System.nanoTime() + DEADLINE_NANOS;
            try (PollSet poll = new PollSet(1)) {
                poll.add(b);
                while (next < total) {
                    final int n = b.receive(batch);
                    assertEquals(n, batch.count());
                    assertTrue(n <= batch.capacity(), "receive returned " + n + " > capacity");
                    if (n == 0) {
                        assertTrue(System.nanoTime() < deadline, "received " + next + " of " + total);
                        poll.await(20);
                        continue;
                    }
                    counts.add(n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(next++, TestFrames.check(batch.wrap(i, view), b.macAddress(), a.macAddress(), -1));
                    }
                    // Still valid and unchanged until release: check the whole batch once more.
                    for (int i = 0; i < n; i++) {
                        assertEquals(next - n + i, TestFrames.check(batch.wrap(i, view), b.macAddress(), a.macAddress(), -1));
                    }
                    if (counts.size() % 2 == 0) {
                        b.release(); // explicit release on every other batch, implicit on the others
                    }
                }
            }
            assertEquals(total, counts.stream().mapToInt(Integer::intValue).sum());
            assertTrue(counts.size() >= (total + 7) / 8, "batches " + counts);
            assertEquals(0, b.receive(batch), "nothing more was sent");
            assertEquals(0, batch.count());
            b.release();
            b.release(); // idempotent
        }
    }

    @Test
    void receivedFrameRewrittenInPlaceCanBeSentBack() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            final RxBatch batch = new RxBatch(16);
            final int count = 48;
            for (int seq = 0; seq < count; seq++) {
                sendTestFrame(a, b.macAddress(), TestFrames.NO_VLAN, seq, TestFrames.lengthFor(seq * 5));
            }
            a.flush();
            final int[] bounced = {0};
            receiveFrames(b, batch, count, (f, i) -> {
                final int seq = TestFrames.check(f, b.macAddress(), a.macAddress(), -1);
                // A router's rewrite: new MACs and new contents, same frame memory, then transmit it.
                TestFrames.write(f, 0, a.macAddress(), b.macAddress(), TestFrames.NO_VLAN, seq + 1000, f.capacity());
                assertTrue(b.send(f.addressOffset(), f.capacity()), "send back");
                bounced[0]++;
            }, b::flush);
            assertEquals(count, bounced[0]);
            final int[] expected = {1000};
            receiveFrames(a, batch, count, (f, i) ->
                assertEquals(expected[0]++, TestFrames.check(f, a.macAddress(), b.macAddress(), -1)));
        }
    }

    @Test
    void fullTransmitRingIsReportedAndCountedInsteadOfBlocking() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            int accepted = 0;
            while (accepted <= 2 * TX_RING_FRAMES && sendTestFrame(a, b.macAddress(), -1, accepted, 64)) {
                accepted++;
            }
            assertEquals(TX_RING_FRAMES, accepted, "frames the TX ring took before reporting full");
            assertEquals(1, a.counters().txRingFull());
            assertFalse(sendTestFrame(a, b.macAddress(), -1, accepted, 64));
            assertEquals(2, a.counters().txRingFull());
            assertEquals(TX_RING_FRAMES, a.counters().txFrames());

            a.flush();
            final RxBatch batch = new RxBatch(32);
            final int[] expected = {0};
            receiveFrames(b, batch, TX_RING_FRAMES, (f, i) ->
                assertEquals(expected[0]++, TestFrames.check(f, b.macAddress(), a.macAddress(), -1)));
            // The ring drains (AF_PACKET: asynchronously, once the kernel freed the frames).
            final long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (!sendTestFrame(a, b.macAddress(), -1, TX_RING_FRAMES, 64)) {
                assertTrue(System.nanoTime() < deadline, "TX ring never drained");
                Thread.onSpinWait();
            }
            a.flush();
            receiveFrames(b, batch, 1, (f, i) ->
                assertEquals(TX_RING_FRAMES, TestFrames.check(f, b.macAddress(), a.macAddress(), -1)));
        }
    }

    @Test
    void countersAddUpAndBadFramesAreRefusedAndCounted() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            long bytes = 0;
            final int count = 60;
            for (int seq = 0; seq < count; seq++) {
                final int length = TestFrames.lengthFor(seq * 3);
                assertTrue(sendTestFrame(a, b.macAddress(), -1, seq, length));
                bytes += length;
            }
            // Refused without touching the ring: runt, untagged frame over 14 + MTU.
            assertFalse(a.send(frame.addressOffset(), 13));
            TestFrames.write(frame, 0, b.macAddress(), a.macAddress(), -1, 99, a.mtu() + 15);
            assertFalse(a.send(frame.addressOffset(), a.mtu() + 15));
            assertEquals(2, a.counters().errors());
            a.flush();
            receiveFrames(b, new RxBatch(64), count, (f, i) -> TestFrames.check(f, b.macAddress(), a.macAddress(), -1));

            assertEquals(count, a.counters().txFrames());
            assertEquals(bytes, a.counters().txBytes());
            assertEquals(0, a.counters().txRingFull());
            assertEquals(count, b.counters().rxFrames());
            assertEquals(bytes, b.counters().rxBytes());
            assertEquals(0, b.counters().rxDrops());
            assertEquals(0, b.counters().errors());
            assertEquals(0, a.counters().rxFrames());
            assertEquals(0, b.counters().txFrames());
        }
    }

    @Test
    void vlanTaggedFramesArriveWithTheirTag() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            final int tci = (5 << 13) | 100; // PCP 5, VID 100
            final int[] lengths = {64, 65, 300, 1514, a.mtu() + 18};
            for (int seq = 0; seq < lengths.length; seq++) {
                assertTrue(sendTestFrame(a, b.macAddress(), tci, seq, lengths[seq]), "tagged frame of " + lengths[seq]);
            }
            sendTestFrame(a, b.macAddress(), TestFrames.NO_VLAN, lengths.length, 200);
            a.flush();
            final int[] expected = {0};
            receiveFrames(b, new RxBatch(16), lengths.length + 1, (f, i) -> {
                final int vlan = i < lengths.length ? tci : TestFrames.NO_VLAN;
                assertEquals(expected[0]++, TestFrames.check(f, b.macAddress(), a.macAddress(), vlan));
                assertEquals(i < lengths.length ? lengths[i] : 200, f.capacity());
            });
        }
    }

    @Test
    void sendsFromHeapAndDirectAgronaBuffers() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            final UnsafeBuffer heap = new UnsafeBuffer(new byte[3000]);
            final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(3000));
            TestFrames.write(heap, 7, b.macAddress(), a.macAddress(), -1, 0, 1000);
            TestFrames.write(direct, 1500, b.macAddress(), a.macAddress(), -1, 1, 1500);
            assertTrue(a.send(heap, 7, 1000));
            assertTrue(a.send(direct, 1500, 1500));
            assertFalse(a.send(direct, 2000, 1001), "beyond the buffer");
            assertFalse(a.send(heap, -1, 100), "negative offset");
            assertEquals(2, a.counters().errors());
            a.flush();
            final int[] expected = {0};
            receiveFrames(b, new RxBatch(4), 2, (f, i) ->
                assertEquals(expected[0]++, TestFrames.check(f, b.macAddress(), a.macAddress(), -1)));
        }
    }

    @Test
    void describesItself() {
        try (Link link = openLink(TX_RING_FRAMES)) {
            for (PacketPort p : List.of(link.a(), link.b())) {
                assertFalse(p.name().isEmpty());
                assertEquals(1500, p.mtu());
                assertTrue(p.linkUp(), p.name() + " link up");
                assertTrue(p.ifIndex() > 0);
                assertNotEquals(0L, p.macAddress());
                assertEquals(0, (p.macAddress() >>> 40) & 1, "unicast MAC");
                assertEquals(0, p.macAddress() >>> 48);
            }
            assertNotEquals(link.a().macAddress(), link.b().macAddress());
            assertNotEquals(link.a().ifIndex(), link.b().ifIndex());
        }
    }

    @Test
    void closeReleasesEverything() throws Exception {
        final Resources before = Resources.snapshot();
        final Link link = openLink(TX_RING_FRAMES);
        final Resources open = Resources.snapshot();
        try {
            for (int seq = 0; seq < 20; seq++) {
                sendTestFrame(link.a(), link.b().macAddress(), -1, seq, 64 + seq);
            }
            link.a().flush();
            receiveFrames(link.b(), new RxBatch(8), 20, (f, i) -> { });
        } finally {
            link.close();
        }
        link.close(); // idempotent
        assertEquals(before, Resources.snapshot(), "after close (while open: " + open + ")");
        link.assertReleased();
        assertEquals(0, link.b().receive(new RxBatch(1)), "a closed port receives nothing");
        assertFalse(link.a().linkUp());
    }

    /** The worker's loop (send, flush, receive, release) must not allocate once warmed up. */
    @Test
    void steadyStateAllocatesNothing() {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Link link = openLink(TX_RING_FRAMES); PollSet poll = new PollSet(1)) {
            final PacketPort a = link.a();
            final PacketPort b = link.b();
            poll.add(b);
            final RxBatch batch = new RxBatch(32);
            TestFrames.write(frame, 0, b.macAddress(), a.macAddress(), -1, 0, 128);
            roundTrips(a, b, batch, poll, 300); // warm up (interpreter, then JIT)
            final long before = threads.getCurrentThreadAllocatedBytes();
            final long frames = roundTrips(a, b, batch, poll, 200);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(200L * 32, frames);
            assertTrue(allocated < 1024, "allocated " + allocated + " bytes for " + frames + " frames");
        }
    }

    private long roundTrips(PacketPort a, PacketPort b, RxBatch batch, PollSet poll, int rounds) {
        long received = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 32; i++) {
                if (!a.send(frame.addressOffset(), 128)) {
                    throw new AssertionError("TX ring full");
                }
            }
            a.flush();
            int got = 0;
            final long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (got < 32) {
                final int n = b.receive(batch);
                got += n;
                if (n == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("lost frames");
                    }
                    poll.await(10);
                }
            }
            b.release();
            received += got;
        }
        return received;
    }

    // ---------------------------------------------------------------------------------------------

    protected boolean sendTestFrame(PacketPort from, long dstMac, int vlanTci, int seq, int length) {
        TestFrames.write(frame, 0, dstMac, from.macAddress(), vlanTci, seq, length);
        return from.send(frame.addressOffset(), length);
    }

    protected void receiveFrames(PacketPort port, RxBatch batch, int expected, FrameHandler handler) {
        receiveFrames(port, batch, expected, handler, () -> { });
    }

    /**
     * Receives until {@code expected} test frames arrived (frames of other EtherTypes are skipped),
     * calling {@code afterBatch} after each non-empty batch while its frames are still valid.
     */
    protected void receiveFrames(PacketPort port, RxBatch batch, int expected, FrameHandler handler, Runnable afterBatch) {
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        int got = 0;
        try (PollSet poll = new PollSet(1)) {
            poll.add(port);
            while (got < expected) {
                final int n = port.receive(batch);
                for (int i = 0; i < n; i++) {
                    batch.wrap(i, view);
                    if (TestFrames.isTestFrame(view)) {
                        handler.onFrame(view, got++);
                    }
                }
                if (n > 0) {
                    afterBatch.run();
                } else {
                    if (System.nanoTime() > deadline) {
                        fail("received " + got + " of " + expected + " frames on " + port.name());
                    }
                    poll.await(20);
                }
            }
            port.release();
        }
        assertEquals(expected, got, "more frames than sent on " + port.name());
    }

    /** Sockets, anonymous inodes (eventfd) and socket mappings (packet rings) of this process. */
    record Resources(long socketFds, long anonInodeFds, long socketMappings) {
        static Resources snapshot() {
            long sockets = 0;
            long anon = 0;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    final String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        continue; // the directory stream's own fd, already closed
                    }
                    if (target.startsWith("socket:")) {
                        sockets++;
                    } else if (target.startsWith("anon_inode:")) {
                        anon++;
                    }
                }
                final long mappings;
                try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
                    mappings = maps.filter(l -> l.contains("socket:")).count();
                }
                return new Resources(sockets, anon, mappings);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
