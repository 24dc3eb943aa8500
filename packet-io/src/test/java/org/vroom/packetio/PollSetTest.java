package org.vroom.packetio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idle waiting on in-memory ports; the AF_PACKET (poll(2)) side is in {@link AfPacketPortTest}. */
@Timeout(60)
class PollSetTest {

    @Test
    void returnsAtOnceWhenFramesAreWaiting() {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b"); PollSet poll = new PollSet(2)) {
            poll.add(pair.b());
            poll.add(pair.a());
            assertEquals(0, poll.await(0));
            send(pair.a(), 1);
            pair.a().flush();
            assertEquals(1, poll.await(600_000));
        }
    }

    @Test
    void aFlushOnTheOtherThreadWakesTheParkedWaiter() throws Exception {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b"); PollSet poll = new PollSet(1)) {
            poll.add(pair.b());
            final Thread sender = new Thread(() -> {
                AfPacketPortTest.sleepMillis(50);
                send(pair.a(), 1);
                pair.a().flush();
            });
            sender.start();
            // Only the flush can end this ten-minute wait before @Timeout fails the test.
            int ready = 0;
            while (ready == 0) {
                ready = poll.await(600_000); // a spurious unpark returns 0: wait again
            }
            assertEquals(1, ready);
            sender.join();
            assertEquals(1, pair.b().receive(new RxBatch(2)));
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsTheWait() throws Exception {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b"); PollSet poll = new PollSet(1)) {
            poll.add(pair.b());
            final Thread waker = new Thread(() -> {
                AfPacketPortTest.sleepMillis(50);
                poll.wakeup();
            });
            waker.start();
            assertEquals(0, poll.await(600_000));
            waker.join();
        }
    }

    @Test
    void membershipIsManaged() {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b"); PollSet poll = new PollSet(1)) {
            poll.add(pair.a());
            assertThrows(IllegalStateException.class, () -> poll.add(pair.b()));
            assertTrue(poll.remove(pair.a()));
            assertEquals(0, poll.size());
            poll.add(pair.b());
            assertThrows(IllegalArgumentException.class, () -> {
                poll.remove(pair.b());
                poll.add(pair.b());
                poll.add(pair.b());
            });
        }
    }

    @Test
    void idleStrategyEndsInAWaitThatFramesEnd() {
        try (InMemoryPortPair pair = InMemoryPortPair.create("a", "b"); PollSet poll = new PollSet(1)) {
            poll.add(pair.b());
            final PortIdleStrategy idle = new PortIdleStrategy(poll, 2, 1, 600_000);
            idle.idle(0);
            idle.idle(0); // spins
            idle.idle(0); // yield
            send(pair.a(), 1);
            pair.a().flush();
            idle.idle(0); // would wait ten minutes without the frame
            assertEquals(1, pair.b().receive(new RxBatch(1)));
            idle.idle(1); // work done: back to spinning
        }
    }

    private static void send(PacketPort port, int seq) {
        final UnsafeBuffer f = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        TestFrames.write(f, 0, 2, 1, -1, seq, 64);
        assertTrue(port.send(f.addressOffset(), 64));
    }
}
