package org.vroom.vr.loop;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VrLoopTest {
    private final ManualClock clock = new ManualClock(1_000);
    private final List<String> log = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    private VrLoop loop(LoopOptions options) {
        return new VrLoop("t", clock, options, errors::add);
    }

    private VrLoop loop() {
        return loop(LoopOptions.DEFAULT);
    }

    private Runnable note(String what) {
        return () -> log.add(what + "@" + clock.nanoTime());
    }

    @Test
    void timersFireInDeadlineThenSchedulingOrderAndNotBefore() {
        VrLoop l = loop();
        l.schedule(30, note("c"));
        l.schedule(10, note("a1"));
        l.schedule(20, note("b"));
        l.schedule(10, note("a2"));
        l.schedule(0, note("now"));
        l.runUntilIdle();
        assertEquals(List.of("now@1000"), log);
        clock.advance(9);
        l.runUntilIdle();
        assertEquals(List.of("now@1000"), log, "nothing due before its deadline");
        clock.advance(100);
        l.runUntilIdle();
        assertEquals(List.of("now@1000", "a1@1109", "a2@1109", "b@1109", "c@1109"), log);
        assertEquals(5, l.counter(LoopCounter.TIMERS_FIRED));
        assertEquals(0, l.timerCount());
    }

    @Test
    void deterministicSchedulerFiresEachTimerAtItsDeadline() {
        VrLoop a = loop();
        VrLoop b = new VrLoop("b", clock, LoopOptions.DEFAULT, errors::add);
        DeterministicScheduler s = new DeterministicScheduler(clock);
        s.add(a);
        s.add(b);
        a.schedule(30, note("a30"));
        b.schedule(10, () -> {
            log.add("b10@" + clock.nanoTime());
            b.schedule(5, note("b15"));       // re-armed from a timer: fires within the same advance
            a.execute(note("a-task"));        // deterministic mode: one thread drives both loops
        });
        a.schedule(20, note("a20"));
        s.advance(100);
        assertEquals(List.of("b10@1010", "a-task@1010", "b15@1015", "a20@1020", "a30@1030"), log);
        assertEquals(1_100, clock.nanoTime());
    }

    @Test
    void cancelAndRescheduleAndCancelAllByOwner() {
        VrLoop l = loop();
        Object owner = new Object();
        TimerHandle x = l.schedule(10, note("x"));
        TimerHandle y = l.schedule(owner, 20, note("y"));
        l.schedule(owner, 30, note("z"));
        TimerHandle w = l.schedule(40, note("w"));
        assertTrue(x.cancel());
        assertFalse(x.cancel(), "second cancel is harmless");
        assertFalse(x.isScheduled());
        w.reschedule(5);
        assertEquals(5, w.remainingNanos());
        assertEquals(2, l.cancelAll(owner));
        assertFalse(y.isScheduled());
        clock.advance(50);
        l.runUntilIdle();
        assertEquals(List.of("w@1050"), log);
        w.reschedule(1); // a fired handle can be re-armed
        clock.advance(1);
        l.runUntilIdle();
        assertEquals(List.of("w@1050", "w@1051"), log);
    }

    @Test
    void heapStaysOrderedUnderRandomCancelsAndReschedules() {
        VrLoop l = loop();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        List<TimerHandle> handles = new ArrayList<>();
        List<long[]> fired = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long delay = rnd.nextInt(1_000);
            TimerHandle[] self = new TimerHandle[1];
            self[0] = l.schedule(delay, () -> fired.add(new long[] {clock.nanoTime(), self[0].deadlineNanos()}));
            handles.add(self[0]);
            if (rnd.nextInt(4) == 0) {
                handles.get(rnd.nextInt(handles.size())).cancel();
            }
            if (rnd.nextInt(4) == 0) {
                handles.get(rnd.nextInt(handles.size())).reschedule(rnd.nextInt(1_000));
            }
        }
        long live = handles.stream().filter(TimerHandle::isScheduled).count();
        assertEquals(live, l.timerCount());
        DeterministicScheduler s = new DeterministicScheduler(clock);
        s.add(l);
        s.advance(2_000);
        assertEquals(live, fired.size());
        for (int i = 0; i < fired.size(); i++) {
            assertEquals(fired.get(i)[1], fired.get(i)[0], "fired exactly at its deadline");
            if (i > 0) {
                assertTrue(fired.get(i - 1)[1] <= fired.get(i)[1], "deadline order");
            }
        }
    }

    @Test
    void freezeStopsTimersAndTasksAndThawKeepsRemainingTime() {
        VrLoop l = loop();
        TimerHandle t = l.schedule(10, note("timer"));
        clock.advance(3);
        l.freeze();
        assertTrue(l.isFrozen());
        l.execute(note("local"));
        assertTrue(l.offer(note("queued")));
        l.offerControl(note("control"));
        clock.advance(1_000);
        l.runUntilIdle();
        assertEquals(List.of("control@2003"), log, "only control commands run while frozen");
        assertEquals(7, t.remainingNanos(), "time stands still while frozen");
        TimerHandle during = l.schedule(5, note("scheduled-while-frozen"));
        assertEquals(5, during.remainingNanos());
        l.thaw();
        assertEquals(7, t.remainingNanos());
        l.runUntilIdle();
        assertEquals(List.of("control@2003", "local@2003", "queued@2003"), log);
        clock.advance(5);
        l.runUntilIdle();
        clock.advance(2);
        l.runUntilIdle();
        assertEquals(List.of("control@2003", "local@2003", "queued@2003", "scheduled-while-frozen@2008", "timer@2010"), log);
    }

    @Test
    void aTaskThatFreezesStopsTheRestOfTheTurn() {
        VrLoop l = loop();
        l.offer(note("first"));
        l.offer(l::freeze);
        l.offer(note("after-freeze"));
        l.runUntilIdle();
        assertEquals(List.of("first@1000"), log);
        l.offerControl(l::thaw);
        l.runUntilIdle();
        assertEquals(List.of("first@1000", "after-freeze@1000"), log);
    }

    @Test
    void inboundPacketsAreBufferedWhileFrozenWithinABoundAndReplayedInOrder() {
        VrLoop l = loop(LoopOptions.DEFAULT.withFrozenBufferBytes(100));
        List<String> got = new ArrayList<>();
        l.setInboundHandler((ifIndex, buffer, offset, length) -> got.add(ifIndex + ":" + buffer.getStringWithoutLengthAscii(offset, length)));
        UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        assertTrue(l.receive(1, b, 0, b.putStringWithoutLengthAscii(0, "live")));
        l.freeze();
        for (int i = 0; i < 6; i++) {
            int n = b.putStringWithoutLengthAscii(0, "packet-" + i + "-" + "x".repeat(10));
            l.receive(i % 3, b, 0, n);
        }
        // each record is 8 + 19 bytes: 3 fit in 100 bytes, 3 are dropped
        assertEquals(3, l.counter(LoopCounter.INBOUND_BUFFERED));
        assertEquals(3, l.counter(LoopCounter.INBOUND_DROPPED));
        assertEquals(List.of("1:live"), got);
        l.thaw();
        assertEquals(List.of("1:live", "0:packet-0-xxxxxxxxxx", "1:packet-1-xxxxxxxxxx", "2:packet-2-xxxxxxxxxx"), got);
        assertEquals(3, l.counter(LoopCounter.INBOUND_REPLAYED));
        assertEquals(0, l.frozenBytes());
        l.freeze();
        assertTrue(l.receive(4, b, 0, b.putStringWithoutLengthAscii(0, "again")), "buffer reusable after a thaw");
        List<String> moved = new ArrayList<>();
        assertEquals(1, l.transferFrozen((ifIndex, buffer, offset, length) -> moved.add(ifIndex + ":"
                + buffer.getStringWithoutLengthAscii(offset, length))));
        assertEquals(List.of("4:again"), moved);
        l.receive(5, b, 0, 3);
        assertEquals(1, l.discardFrozen());
        assertEquals(4, l.counter(LoopCounter.INBOUND_DROPPED));
    }

    @Test
    void pollersRunWhileFrozenSoTheirPacketsAreBuffered() {
        VrLoop l = loop();
        List<Integer> got = new ArrayList<>();
        l.setInboundHandler((ifIndex, buffer, offset, length) -> got.add(ifIndex));
        UnsafeBuffer b = new UnsafeBuffer(new byte[32]);
        int[] next = {0};
        l.addPoller((loop, limit) -> {
            if (next[0] >= 5) {
                return 0;
            }
            loop.receive(next[0]++, b, 0, 20);
            return 1;
        });
        l.freeze();
        l.runUntilIdle();
        assertEquals(List.of(), got);
        assertEquals(5, l.counter(LoopCounter.INBOUND_BUFFERED));
        l.offerControl(l::thaw);
        l.runUntilIdle();
        assertEquals(List.of(0, 1, 2, 3, 4), got);
    }

    @Test
    void aFullQueueRefusesAndCountsAndTheCallerIsTold() {
        VrLoop l = loop(LoopOptions.DEFAULT.withTaskQueueCapacity(4));
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            if (l.offer(note("t" + i))) {
                accepted++;
            }
        }
        assertEquals(4, accepted);
        assertEquals(6, l.counter(LoopCounter.TASKS_REJECTED));
        l.runUntilIdle();
        assertEquals(4, log.size());
        assertTrue(l.offer(note("room again")));
    }

    @Test
    void tasksThatThrowAreCountedAndTheLoopCarriesOn() {
        VrLoop l = loop();
        l.execute(() -> {
            throw new IllegalStateException("boom");
        });
        l.execute(note("next"));
        l.schedule(0, () -> {
            throw new IllegalArgumentException("timer boom");
        });
        l.runUntilIdle();
        assertEquals(List.of("next@1000"), log);
        assertEquals(2, l.counter(LoopCounter.ERRORS));
        assertEquals(2, errors.size());
    }

    @Test
    void otherThreadsMustUseTheQueues() throws Exception {
        VrLoop l = loop();
        l.runUntilIdle(); // this thread now runs the loop
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> offered = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                offered.set(l.offer(note("from-other")));
                l.schedule(1, note("never"));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        other.start();
        other.join();
        assertTrue(offered.get());
        assertInstanceOf(IllegalStateException.class, thrown.get());
        l.runUntilIdle();
        assertEquals(List.of("from-other@1000"), log);
    }

    @Test
    void turnListenersRunAfterEveryBusyTurnOnly() {
        VrLoop l = loop();
        int[] turns = {0};
        l.addTurnListener(() -> turns[0]++);
        l.runUntilIdle();
        assertEquals(0, turns[0]);
        l.execute(note("a"));
        l.execute(note("b"));
        l.runUntilIdle();
        assertEquals(1, turns[0], "two tasks in one turn: one end-of-turn call");
    }

    @Test
    void closeFreesTheFrozenBufferAndRefusesWork() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getMemoryUsed();
        VrLoop l = loop(LoopOptions.DEFAULT.withFrozenBufferBytes(1 << 20));
        l.freeze();
        l.receive(0, new UnsafeBuffer(new byte[20]), 0, 20);
        assertTrue(direct.getMemoryUsed() - before >= 1 << 20);
        assertEquals(1 << 20, l.offHeapBytes());
        l.schedule(5, note("gone"));
        l.close();
        assertEquals(before, direct.getMemoryUsed());
        assertFalse(l.offer(note("late")));
        assertFalse(l.offerControl(note("late")));
        assertEquals(1, l.counter(LoopCounter.TASKS_REJECTED));
        assertEquals(0, l.doWork());
        assertThrows(IllegalStateException.class, () -> l.schedule(1, note("x")));
    }
}
