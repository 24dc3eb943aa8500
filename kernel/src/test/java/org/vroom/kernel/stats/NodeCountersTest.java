package org.vroom.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.stats.CountersFileException.Reason;

class NodeCountersTest {
    @TempDir
    Path dir;

    private NodeCounters.Config config(final String name) {
        return new NodeCounters.Config(name).directory(dir).maxCounters(128);
    }

    @Test
    void countersWrittenByTheNodeAreReadByAnIndependentMappingOfTheFile() {
        try (NodeCounters node = NodeCounters.create(config("lab1"))) {
            final CounterSet<PortCounter> eth0 = node.ports("eth0");
            final CounterSet<VrCounter> blue = node.vr(7, "blue");
            final AtomicCounter depth = node.counter(CounterTypes.NODE, "punt queue depth", 42L, -5L);
            eth0.get(PortCounter.RX_FRAMES).incrementRelease();
            eth0.get(PortCounter.RX_FRAMES).incrementRelease();
            eth0.get(PortCounter.RX_BYTES).getAndAddRelease(128);
            blue.get(VrCounter.DROP_TTL_EXPIRED).setRelease(9);
            depth.setRelease(3);

            assertEquals(dir.resolve("lab1.counters"), node.file());
            final CountersFileReader reader = CountersFileReader.open(dir, "lab1");
            final CountersSnapshot snap = reader.snapshot();

            assertEquals("lab1", snap.header().nodeName());
            assertEquals(ProcessHandle.current().pid(), snap.header().pid());
            assertEquals(NodeStatus.RUNNING, snap.status());
            assertEquals(128, snap.header().maxCounters());
            assertEquals(PortCounter.values().length + VrCounter.values().length + 1, snap.counters().size());
            assertEquals(0, snap.corruptRecords());

            assertEquals(2, snap.value(CounterTypes.PORT, "eth0", "rx_frames"));
            assertEquals(128, snap.value(CounterTypes.PORT, "eth0", "rx_bytes"));
            assertEquals(0, snap.value(CounterTypes.PORT, "eth0", "tx_frames"));
            assertEquals(9, snap.value(CounterTypes.VR, "blue", "drop_ttl_expired"));

            final CounterRecord rx = snap.byId(eth0.get(PortCounter.RX_FRAMES).id());
            assertEquals("rx_frames port=eth0", rx.label());
            assertEquals(CounterTypes.PORT, rx.typeId());
            assertEquals("port", rx.kind());
            assertEquals("eth0", rx.entityName());
            assertEquals(0, rx.entityId());
            assertEquals(PortCounter.RX_FRAMES.code(), rx.metricCode());
            assertEquals("port eth0", rx.group());

            final CounterRecord ttl = snap.byId(blue.get(VrCounter.DROP_TTL_EXPIRED).id());
            assertEquals("drop_ttl_expired vr=7 name=blue", ttl.label());
            assertEquals(7, ttl.entityId());
            assertEquals("blue", ttl.entityName());
            assertEquals(VrCounter.DROP_TTL_EXPIRED.code(), ttl.metricCode());
            assertEquals("vr 7 blue", ttl.group());

            final CounterRecord d = snap.byId(depth.id());
            assertEquals("punt queue depth", d.label());
            assertEquals("node", d.kind());
            assertArrayEquals(new long[] {42L, -5L}, d.keys());
            assertEquals(3, d.value());

            // registration ids are distinct per allocation
            final Set<Long> registrations = new HashSet<>();
            snap.counters().forEach(r -> registrations.add(r.registrationId()));
            assertEquals(snap.counters().size(), registrations.size());

            // the reader sees later writes live, without re-opening
            eth0.get(PortCounter.RX_FRAMES).setRelease(1_000_000_007L);
            assertEquals(1_000_000_007L, reader.value(eth0.get(PortCounter.RX_FRAMES).id()));
        }
    }

    @Test
    void talliesBecomeVisibleOnlyWhenPublished() {
        try (NodeCounters node = NodeCounters.create(config("tally"))) {
            final CounterSet<VrCounter> vr = node.vr(3, "red");
            final CountersFileReader reader = CountersFileReader.open(node.file());
            for (int i = 0; i < 5; i++) {
                vr.add(VrCounter.RX_PACKETS);
            }
            vr.add(VrCounter.FORWARDED, 4);
            assertEquals(0, reader.snapshot().value(CounterTypes.VR, "red", "rx_packets"));
            assertEquals(2, vr.publish());
            assertEquals(0, vr.publish(), "tallies are cleared by publish");
            assertEquals(5, reader.snapshot().value(CounterTypes.VR, "red", "rx_packets"));
            assertEquals(4, reader.snapshot().value(CounterTypes.VR, "red", "forwarded"));
            vr.add(VrCounter.RX_PACKETS, 2);
            vr.publish();
            assertEquals(7, reader.snapshot().value(CounterTypes.VR, "red", "rx_packets"));
        }
    }

    @Test
    void aSecondLiveNodeWithTheSameNameIsRefused() {
        try (NodeCounters first = NodeCounters.create(config("dup"))) {
            final CountersFileException e =
                assertThrows(CountersFileException.class, () -> NodeCounters.create(config("dup")));
            assertEquals(Reason.NODE_RUNNING, e.reason());
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + first.pid()), e.getMessage());
            // the first node is untouched
            assertEquals(first.pid(), CountersFileReader.open(first.file()).header().pid());
            assertEquals(NodeStatus.RUNNING, CountersFileReader.open(first.file()).status());
        }
        // after a clean close the name is free again
        try (NodeCounters again = NodeCounters.create(config("dup"))) {
            assertEquals(NodeStatus.RUNNING, CountersFileReader.open(again.file()).status());
        }
    }

    @Test
    void aFileWhoseHeaderNamesALiveProcessIsRefusedEvenWithoutTheLock() throws Exception {
        final Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        assumeTrue(parent.isPresent() && parent.get().isAlive(), "needs a live parent process");
        final long pid = parent.get().pid();
        StatsFixtures.writeFile(dir.resolve("other.counters"), "other", pid, ProcessLiveness.startTicks(pid), 16);

        final CountersFileException e =
            assertThrows(CountersFileException.class, () -> NodeCounters.create(config("other")));
        assertEquals(Reason.NODE_RUNNING, e.reason());
        assertTrue(e.getMessage().contains("live pid " + pid), e.getMessage());
        assertEquals(pid, CountersFileReader.open(dir.resolve("other.counters")).header().pid(), "file left alone");
    }

    @Test
    void aStaleFileOfADeadProcessIsReplaced() throws Exception {
        final long deadPid = StatsFixtures.deadPid();
        final Path file = dir.resolve("phoenix.counters");
        StatsFixtures.writeFile(file, "phoenix", deadPid, 12345, 16);
        final CountersFileReader old = CountersFileReader.open(file);
        assertEquals(NodeStatus.STALE, old.status());

        try (NodeCounters node = NodeCounters.create(config("phoenix"))) {
            node.ports("eth1").get(PortCounter.TX_FRAMES).setRelease(77);
            final CountersFileReader fresh = CountersFileReader.open(file);
            assertEquals(ProcessHandle.current().pid(), fresh.header().pid());
            assertEquals(128, fresh.header().maxCounters());
            assertEquals(NodeStatus.RUNNING, fresh.status());
            assertEquals(77, fresh.snapshot().value(CounterTypes.PORT, "eth1", "tx_frames"));
            // the old reader still sees the old (replaced, consistent) file and knows it was replaced
            assertTrue(old.isReplaced());
            assertEquals(deadPid, old.header().pid());
            assertTrue(old.snapshot().counters().isEmpty());
        }
    }

    @Test
    void aRecycledPidDoesNotMakeADeadNodeLookAlive() throws Exception {
        final long self = ProcessHandle.current().pid();
        final long realTicks = ProcessLiveness.currentStartTicks();
        assumeTrue(realTicks != ProcessLiveness.UNKNOWN_START_TICKS, "needs /proc");
        assertTrue(ProcessLiveness.isAlive(self, realTicks));
        assertFalse(ProcessLiveness.isAlive(self, realTicks + 1), "same pid, other start time");
        assertFalse(ProcessLiveness.isAlive(StatsFixtures.deadPid(), ProcessLiveness.UNKNOWN_START_TICKS));
        assertFalse(ProcessLiveness.isAlive(-1, 0));
        // a file naming a live pid with another start time is stale and gets replaced
        final Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        assumeTrue(parent.isPresent(), "needs a parent process");
        final long pid = parent.get().pid();
        StatsFixtures.writeFile(dir.resolve("reuse.counters"), "reuse", pid, ProcessLiveness.startTicks(pid) + 7, 16);
        assertEquals(NodeStatus.STALE, CountersFileReader.open(dir.resolve("reuse.counters")).status());
        try (NodeCounters node = NodeCounters.create(config("reuse"))) {
            assertEquals(self, CountersFileReader.open(node.file()).header().pid());
        }
    }

    @Test
    void freedCountersDisappearAndTheirIdsAreReusedOnlyAfterTheTimeout() {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_000_000);
        try (NodeCounters node = NodeCounters.create(config("free").freeToReuseTimeoutMs(1_000).epochClock(clock))) {
            final CountersFileReader reader = CountersFileReader.open(node.file());
            final CounterSet<VrCounter> one = node.vr(1, "one");
            final AtomicCounter single = node.counter(CounterTypes.NODE, "single");
            final Set<Integer> oneIds = ids(one);
            one.get(VrCounter.FORWARDED).setRelease(500);
            assertEquals(VrCounter.values().length + 1, node.allocatedCount());

            one.close();
            one.close(); // idempotent
            assertTrue(one.isClosed());
            node.free(single);
            node.free(single);
            assertEquals(0, node.allocatedCount());
            final CountersSnapshot afterFree = reader.snapshot();
            assertTrue(afterFree.counters().isEmpty(), "freed counters are not listed");
            assertEquals(-1, afterFree.value(CounterTypes.VR, "one", "forwarded"));

            final CounterSet<VrCounter> two = node.vr(2, "two");
            final Set<Integer> twoIds = ids(two);
            twoIds.retainAll(oneIds);
            assertTrue(twoIds.isEmpty(), "ids are not reused before the timeout: " + twoIds);

            clock.advance(1_000);
            final CounterSet<VrCounter> three = node.vr(3, "three");
            assertEquals(oneIds, ids(three), "ids are reused after the timeout");
            assertEquals(0, three.get(VrCounter.FORWARDED).get(), "a reused counter starts at zero");
            final CountersSnapshot snap = reader.snapshot();
            assertEquals(0, snap.value(CounterTypes.VR, "three", "forwarded"));
            assertEquals(-1, snap.value(CounterTypes.VR, "one", "forwarded"));
            final CounterRecord reused = snap.byId(three.get(VrCounter.FORWARDED).id());
            assertNotEquals(0, reused.registrationId());
        }
    }

    @Test
    void aFullFileRefusesAWholeSetAndLeavesNothingBehind() {
        try (NodeCounters node = NodeCounters.create(config("small").maxCounters(10))) {
            node.ports("eth0");
            assertEquals(8, node.allocatedCount());
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> node.vr(1, "big"));
            assertTrue(e.getMessage().contains("full"), e.getMessage());
            assertEquals(8, node.allocatedCount());
            assertEquals(2, node.available());
            node.counter(CounterTypes.NODE, "a");
            node.counter(CounterTypes.NODE, "b");
            assertThrows(IllegalStateException.class, () -> node.counter(CounterTypes.NODE, "c"));
        }
    }

    @Test
    void anEntityShardCannotBeAllocatedTwiceWhileLive() {
        try (NodeCounters node = NodeCounters.create(config("twice").freeToReuseTimeoutMs(0))) {
            final CounterSet<PortCounter> eth0 = node.ports("eth0");
            assertThrows(IllegalStateException.class, () -> node.ports("eth0"));
            final CounterSet<PortCounter> shard1 = node.ports("eth0", 1);
            assertEquals(1, shard1.shard());
            final CounterSet<VrCounter> vr = node.vr(5, "x");
            assertThrows(IllegalStateException.class, () -> node.vr(5, "renamed"), "VRs are identified by id");
            node.free(eth0);
            vr.close();
            assertNotNull(node.ports("eth0"));
            assertNotNull(node.vr(5, "renamed"));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        try (NodeCounters node = NodeCounters.create(config("args"))) {
            assertThrows(IllegalArgumentException.class, () -> node.counter(CounterTypes.PORT, "x"));
            assertThrows(IllegalArgumentException.class, () -> node.counter(0, "x"));
            assertThrows(IllegalArgumentException.class, () -> node.counter(CounterTypes.NODE, ""));
            assertThrows(IllegalArgumentException.class, () -> node.counter(CounterTypes.NODE, "é"));
            assertThrows(IllegalArgumentException.class, () -> node.counter(CounterTypes.NODE, "x", new long[14]));
            assertNotNull(node.counter(CounterTypes.NODE, "x", new long[13]));
            assertThrows(IllegalArgumentException.class, () -> node.ports("has space"));
            assertThrows(IllegalArgumentException.class, () -> node.ports("x".repeat(65)));
            assertThrows(IllegalArgumentException.class, () -> node.vr(0, "zero"));
            assertThrows(IllegalArgumentException.class,
                () -> node.entity(PortCounter.class, CounterTypes.NODE, 0, "eth0", 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new NodeCounters.Config("../etc"));
        assertThrows(IllegalArgumentException.class, () -> new NodeCounters.Config(".hidden"));
        assertThrows(IllegalArgumentException.class, () -> new NodeCounters.Config(""));
    }

    @Test
    void closeDeletesTheFileByDefaultAndRefusesFurtherAllocation() throws Exception {
        final NodeCounters node = NodeCounters.create(config("bye"));
        final CounterSet<PortCounter> eth0 = node.ports("eth0");
        final CountersFileReader reader = CountersFileReader.open(node.file());
        node.close();
        node.close();
        assertFalse(Files.exists(node.file()));
        assertTrue(Files.exists(dir.resolve("bye.lock")), "the lock file stays (see NodeCounters)");
        assertEquals(NodeStatus.CLOSED, reader.status(), "a reader still mapping it sees the clean close");
        assertTrue(reader.isReplaced());
        assertThrows(IllegalStateException.class, () -> node.ports("eth1"));
        eth0.get(PortCounter.RX_FRAMES).incrementRelease(); // a late write must not crash
        eth0.close();
    }

    @Test
    void closeCanKeepTheFileMarkedStopped() {
        final Path file;
        try (NodeCounters node = NodeCounters.create(config("keep").deleteOnClose(false))) {
            node.ports("eth0").get(PortCounter.RX_BYTES).setRelease(99);
            file = node.file();
        }
        final CountersFileReader reader = CountersFileReader.open(file);
        assertEquals(NodeStatus.CLOSED, reader.status());
        assertEquals(99, reader.snapshot().value(CounterTypes.PORT, "eth0", "rx_bytes"));
        try (NodeCounters again = NodeCounters.create(config("keep"))) {
            assertEquals(file, again.file());
            assertEquals(NodeStatus.RUNNING, CountersFileReader.open(file).status());
            assertEquals(-1, CountersFileReader.open(file).snapshot().value(CounterTypes.PORT, "eth0", "rx_bytes"));
        }
    }

    @Test
    void defaultDirectoryIsDevShmWhenWritable() {
        final String saved = System.getProperty(CountersLayout.DIR_PROPERTY);
        try {
            System.clearProperty(CountersLayout.DIR_PROPERTY);
            final Path shm = Path.of("/dev/shm");
            final Path expected = Files.isDirectory(shm) && Files.isWritable(shm)
                ? shm.resolve("vroom") : Path.of(System.getProperty("java.io.tmpdir")).resolve("vroom");
            assertEquals(expected, CountersLayout.defaultDirectory());
            System.setProperty(CountersLayout.DIR_PROPERTY, dir.toString());
            assertEquals(dir, CountersLayout.defaultDirectory());
        } finally {
            if (saved == null) {
                System.clearProperty(CountersLayout.DIR_PROPERTY);
            } else {
                System.setProperty(CountersLayout.DIR_PROPERTY, saved);
            }
        }
    }

    @Test
    void concurrentAllocationFromSeveralThreadsGivesDistinctCountersAndShardsSumUp() throws Exception {
        try (NodeCounters node = NodeCounters.create(config("conc").maxCounters(4096))) {
            final int threads = 4;
            final int vrsPerThread = 10;
            final int adds = 20_000;
            final ConcurrentLinkedQueue<Integer> ids = new ConcurrentLinkedQueue<>();
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int shard = t;
                final Thread worker = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int v = 1; v <= vrsPerThread; v++) {
                        final CounterSet<VrCounter> set = node.vr(shard * 100 + v, "vr" + (shard * 100 + v));
                        for (final VrCounter kind : VrCounter.values()) {
                            ids.add(set.get(kind).id());
                        }
                    }
                    // every thread writes its own shard of one shared port
                    final CounterSet<PortCounter> eth0 = node.ports("eth0", shard);
                    for (int i = 0; i < adds; i++) {
                        eth0.add(PortCounter.RX_FRAMES);
                        if ((i & 63) == 63) {
                            eth0.publish();
                        }
                    }
                    eth0.publish();
                }, "alloc-" + t);
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            for (final Thread worker : workers) {
                worker.join(30_000);
            }
            assertEquals(threads * vrsPerThread * VrCounter.values().length, ids.size());
            assertEquals(ids.size(), new HashSet<>(ids).size(), "no counter id handed out twice");
            assertEquals(ids.size() + threads * PortCounter.values().length, node.allocatedCount());
            final CountersSnapshot snap = CountersFileReader.open(node.file()).snapshot();
            assertEquals((long) threads * adds, snap.value(CounterTypes.PORT, "eth0", "rx_frames"));
        }
    }

    private static Set<Integer> ids(final CounterSet<?> set) {
        final Set<Integer> ids = new HashSet<>();
        for (final Object kind : set.kinds().getEnumConstants()) {
            ids.add(get(set, kind).id());
        }
        return ids;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicCounter get(final CounterSet set, final Object kind) {
        return set.get((Enum) kind);
    }
}
