package org.vroom.packetio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The port contract on the in-memory pair, plus its own guarantees. */
class InMemoryPortPairTest extends PacketPortContractTest {

    @Override
    protected Link openLink(int txFrames) {
        final InMemoryPortPair pair = InMemoryPortPair.create("mem-a", "mem-b", txFrames, InMemoryPortPair.DEFAULT_MTU);
        return new Link() {
            @Override
            public PacketPort a() {
                return pair.a();
            }

            @Override
            public PacketPort b() {
                return pair.b();
            }

            @Override
            public void close() {
                pair.close();
            }

            @Override
            public void assertReleased() {
                assertTrue(pair.memoryReleased(), "off-heap rings freed");
            }
        };
    }

    @Test
    void batchesAreFilledExactlyWhenEnoughFramesWait() {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b", 64, 1500)) {
            final UnsafeBuffer f = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
            for (int seq = 0; seq < 50; seq++) {
                TestFrames.write(f, 0, 2, 1, -1, seq, 100);
                assertTrue(pair.a().send(f.addressOffset(), 100));
            }
            final RxBatch batch = new RxBatch(8);
            assertEquals(0, pair.b().receive(batch), "nothing is visible before flush");
            pair.a().flush();
            final int[] counts = new int[8];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = pair.b().receive(batch);
            }
            assertEquals("[8, 8, 8, 8, 8, 8, 2, 0]", java.util.Arrays.toString(counts));
        }
    }

    @Test
    void slotsAreNotReusedBeforeRelease() {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b", 4, 1500)) {
            final UnsafeBuffer f = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            for (int seq = 0; seq < 4; seq++) {
                TestFrames.write(f, 0, 2, 1, -1, seq, 64);
                assertTrue(pair.a().send(f.addressOffset(), 64));
            }
            pair.a().flush();
            final RxBatch batch = new RxBatch(4);
            assertEquals(4, pair.b().receive(batch));
            TestFrames.write(f, 0, 2, 1, -1, 99, 64);
            assertFalse(pair.a().send(f.addressOffset(), 64), "all four slots are held by the receiver");
            for (int i = 0; i < 4; i++) {
                assertEquals(i, TestFrames.check(batch.wrap(i, view), 2, 1, -1));
            }
            pair.b().release();
            assertTrue(pair.a().send(f.addressOffset(), 64));
        }
    }

    @Test
    void closingOneEndTakesTheLinkDownAndSendsFail() {
        final InMemoryPortPair pair = InMemoryPortPair.create("a", "b");
        final UnsafeBuffer f = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
        TestFrames.write(f, 0, 2, 1, -1, 0, 64);
        pair.b().close();
        assertFalse(pair.a().linkUp());
        assertFalse(pair.a().send(f.addressOffset(), 64));
        assertEquals(1, pair.a().counters().errors());
        assertFalse(pair.memoryReleased(), "a is still open");
        pair.a().close();
        assertTrue(pair.memoryReleased());
    }

    /**
     * Producer and consumer on two threads through a small ring, with the consumer rewriting frames
     * in place: any publication bug shows up as a lost, duplicated, reordered or torn frame.
     */
    @Test
    @Timeout(120)
    void concurrentProducerAndConsumerSeeEveryFrameIntactAndInOrder() throws Exception {
        final int total = 300_000;
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b", 64, 1500)) {
            final PacketPort a = pair.a();
            final PacketPort b = pair.b();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread consumer = new Thread(() -> {
                final RxBatch batch = new RxBatch(16);
                final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
                int expected = 0;
                try (PollSet poll = new PollSet(1)) {
                    poll.add(b);
                    while (expected < total) {
                        final int n = b.receive(batch);
                        for (int i = 0; i < n; i++) {
                            batch.wrap(i, view);
                            final int seq = TestFrames.check(view, 2, 1, -1);
                            if (seq != expected) {
                                throw new AssertionError("got frame " + seq + ", expected " + expected);
                            }
                            expected++;
                            view.putLong(0, -1L); // scribble: the producer must not see this slot yet
                        }
                        if (n == 0) {
                            poll.await(100);
                        }
                    }
                    b.release();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "mem-consumer");
            consumer.start();
            final UnsafeBuffer f = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
            int seq = 0;
            while (seq < total && failure.get() == null) {
                final int length = 64 + (seq % 200);
                TestFrames.write(f, 0, 2, 1, -1, seq, length);
                if (a.send(f.addressOffset(), length)) {
                    seq++;
                    if ((seq & 7) == 0) {
                        a.flush();
                    }
                } else {
                    a.flush();
                    Thread.onSpinWait();
                }
            }
            a.flush();
            consumer.join();
            assertNull(failure.get(), () -> "consumer failed: " + failure.get());
            assertEquals(total, b.counters().rxFrames());
            assertEquals(total, a.counters().txFrames());
        }
    }
}
