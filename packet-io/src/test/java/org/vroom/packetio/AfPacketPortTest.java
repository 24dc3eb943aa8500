package org.vroom.packetio;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The port contract on a real veth pair (in a namespace of its own), plus what only AF_PACKET has:
 * interface facts from the kernel, fanout, kernel drop counters, poll(2) readiness, and a rate
 * measurement that is printed, not asserted.
 */
class AfPacketPortTest extends PacketPortContractTest {
    private static VethLab lab;

    @BeforeAll
    static void createLab() {
        Assumptions.assumeTrue(VethLab.isRoot(), "AF_PACKET tests need root (CAP_NET_RAW, CAP_SYS_ADMIN for namespaces)");
        lab = VethLab.create();
    }

    @AfterAll
    static void deleteLab() {
        if (lab != null) {
            lab.close();
            assertFalse(VethLab.namespaces().contains(lab.namespace), "namespace left behind");
        }
    }

    @Override
    protected Link openLink(int txFrames) {
        final AfPacketPort a = AfPacketPort.open(lab.config(VethLab.A).txRing(txFrames).build());
        final AfPacketPort b;
        try {
            b = AfPacketPort.open(lab.config(VethLab.B).txRing(txFrames).build());
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        assertEquals(txFrames, a.txRingCapacity());
        return new Link() {
            @Override
            public PacketPort a() {
                return a;
            }

            @Override
            public PacketPort b() {
                return b;
            }

            @Override
            public void close() {
                a.close();
                b.close();
            }
        };
    }

    @Test
    void interfaceFactsComeFromTheKernel() {
        try (AfPacketPort a = AfPacketPort.open(lab.config(VethLab.A).build())) {
            assertEquals(VethLab.A, a.name());
            assertEquals(lab.macOf(VethLab.A), a.macAddress());
            assertEquals(lab.ifIndexOf(VethLab.A), a.ifIndex());
            assertEquals(1500, a.mtu());
            assertTrue(a.pollFd() >= 0);
            assertTrue(a.linkUp());
            // The kernel updates the operational state (IFF_RUNNING) asynchronously (linkwatch).
            VethLab.run("ip", "-n", lab.namespace, "link", "set", VethLab.B, "down");
            try {
                eventually(() -> !a.linkUp(), "veth not running while its peer is down");
            } finally {
                VethLab.run("ip", "-n", lab.namespace, "link", "set", VethLab.B, "up");
            }
            eventually(a::linkUp, "veth running again once its peer is up");
            lab.awaitOperationallyUp(); // both ends, for the tests that follow
        }
    }

    @Test
    void aPortHoldsTwoSocketsAndTwoRingMappingsUntilClosed() {
        final Resources before = Resources.snapshot();
        final AfPacketPort port = AfPacketPort.open(lab.config(VethLab.A).build());
        final Resources open;
        try {
            open = Resources.snapshot();
        } finally {
            port.close();
        }
        assertEquals(before.socketFds() + 2, open.socketFds(), "RX and TX sockets: " + before + " -> " + open);
        assertEquals(before.socketMappings() + 2, open.socketMappings(), "RX and TX rings: " + before + " -> " + open);
        assertEquals(before, Resources.snapshot());
    }

    @Test
    void openingInANamespaceLeavesTheThreadInItsOwn() throws Exception {
        final java.nio.file.Path ownNs = java.nio.file.Path.of("/proc/thread-self/ns/net");
        final java.nio.file.Path nsBefore = java.nio.file.Files.readSymbolicLink(ownNs);
        try (AfPacketPort port = AfPacketPort.open(lab.config(VethLab.A).build())) {
            assertEquals(nsBefore, java.nio.file.Files.readSymbolicLink(ownNs));
            assertEquals(lab.ifIndexOf(VethLab.A), port.ifIndex());
        }
    }

    @Test
    void theKernelStripsTheVlanTagAndThePortPutsItBack() {
        final int tci = (3 << 13) | 42;
        for (boolean restore : new boolean[] {true, false}) {
            try (AfPacketPort tx = AfPacketPort.open(lab.config(VethLab.A).build());
                 AfPacketPort rx = AfPacketPort.open(lab.config(VethLab.B).restoreVlanTag(restore).build())) {
                assertTrue(sendTestFrame(tx, rx.macAddress(), tci, 7, 200));
                tx.flush();
                final RxBatch batch = new RxBatch(4);
                final int[] flags = new int[1];
                final int[] length = new int[1];
                receiveFrames(rx, batch, 1, (f, i) -> {
                    length[0] = f.capacity();
                    flags[0] = batch.flags(i);
                    if (restore) {
                        assertEquals(7, TestFrames.check(f, rx.macAddress(), tx.macAddress(), tci));
                    }
                });
                assertEquals(restore ? 200 : 196, length[0], "restore=" + restore);
                assertEquals(restore, (flags[0] & RxBatch.FLAG_VLAN_RESTORED) != 0);
            }
        }
    }

    /**
     * A kernel stack sending through a veth leaves the UDP/TCP checksum to "hardware" (offload): the
     * frame in the ring carries only the pseudo-header sum, and the port says so.
     */
    @Test
    void framesFromAKernelStackWithChecksumOffloadAreFlaggedPartial() {
        try (VethLab host = VethLab.create();
             AfPacketPort rx = AfPacketPort.open(host.config(VethLab.B).build())) {
            VethLab.run("ip", "-n", host.namespace, "addr", "add", "198.18.0.1/24", "dev", VethLab.A);
            VethLab.run("ip", "-n", host.namespace, "neigh", "add", "198.18.0.2", "lladdr",
                String.format("%012x", rx.macAddress()).replaceAll("(..)(?!$)", "$1:"), "dev", VethLab.A, "nud", "permanent");
            final int fd = NetNamespace.call(host.namespace, VethLab.A,
                () -> Native.LIBC.socket(Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0));
            assertTrue(fd >= 0);
            final UnsafeBuffer mem = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            try {
                mem.putShort(0, (short) Native.AF_INET);                            // sockaddr_in
                mem.putShort(2, (short) Native.htons(9));
                mem.putInt(4, Integer.reverseBytes(0xc6120002));                     // 198.18.0.2
                mem.putStringWithoutLengthAscii(32, "hello");
                assertEquals(5, Native.LIBC.sendto(fd, mem.addressOffset() + 32, 5, 0, mem.addressOffset(), 16));
            } finally {
                Native.LIBC.close(fd);
            }
            final RxBatch batch = new RxBatch(8);
            final UnsafeBuffer f = new UnsafeBuffer(new byte[0]);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                assertTrue(System.nanoTime() < deadline, "no UDP frame arrived");
                final int n = rx.receive(batch);
                int found = -1;
                for (int i = 0; i < n; i++) {
                    batch.wrap(i, f);
                    if (f.capacity() >= 47 && (f.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xffff) == 0x0800
                        && f.getByte(23) == 17 && f.getInt(30, java.nio.ByteOrder.BIG_ENDIAN) == 0xc6120002) {
                        found = i;
                    }
                }
                if (found >= 0) {
                    batch.wrap(found, f);
                    assertEquals("hello", f.getStringWithoutLengthAscii(42, 5));
                    assertEquals(RxBatch.FLAG_CHECKSUM_PARTIAL, batch.flags(found) & RxBatch.FLAG_CHECKSUM_PARTIAL,
                        "flags " + batch.flags(found));
                    break;
                }
                sleepMillis(1);
            }
        }
    }

    @Test
    void fanoutRoundRobinSharesTheFramesOfOneInterface() {
        final int[] perMember = fanout(AfPacketConfig.FanoutMode.LOAD_BALANCE, 1);
        assertTrue(perMember[0] > 0 && perMember[1] > 0, "round robin reached both members: "
            + perMember[0] + "/" + perMember[1]);
    }

    @Test
    void fanoutByHashKeepsAFlowOnOneMember() {
        final int[] perMember = fanout(AfPacketConfig.FanoutMode.HASH, 2);
        assertTrue(perMember[0] == 0 || perMember[1] == 0, "one flow, one member: " + perMember[0] + "/" + perMember[1]);
    }

    /** Sends 100 identical-flow frames to two ports in one fanout group; returns what each received. */
    private int[] fanout(AfPacketConfig.FanoutMode mode, int groupId) {
        try (AfPacketPort tx = AfPacketPort.open(lab.config(VethLab.A).build());
             AfPacketPort rx1 = AfPacketPort.open(lab.config(VethLab.B).fanout(mode, groupId).build());
             AfPacketPort rx2 = AfPacketPort.open(lab.config(VethLab.B).fanout(mode, groupId).build())) {
            final int count = 100;
            for (int seq = 0; seq < count; seq++) {
                assertTrue(sendTestFrame(tx, rx1.macAddress(), -1, seq, 64));
            }
            tx.flush();
            final RxBatch batch = new RxBatch(64);
            final boolean[] seen = new boolean[count];
            final int[] perMember = new int[2];
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int total = 0;
            while (total < count) {
                assertTrue(System.nanoTime() < deadline, "received " + total + " of " + count);
                for (int m = 0; m < 2; m++) {
                    final AfPacketPort port = m == 0 ? rx1 : rx2;
                    final int n = port.receive(batch);
                    for (int i = 0; i < n; i++) {
                        final int seq = TestFrames.check(batch.wrap(i, view), rx1.macAddress(), tx.macAddress(), -1);
                        assertFalse(seen[seq], "frame " + seq + " delivered twice");
                        seen[seq] = true;
                    }
                    perMember[m] += n;
                    total += n;
                }
                Thread.onSpinWait();
            }
            assertEquals(count, perMember[0] + perMember[1]);
            return perMember;
        }
    }

    @Test
    void framesLostToAFullReceiveRingAreCountedAsDrops() {
        // Two 64 KiB blocks hold about 800 small frames; send far more without reading.
        try (AfPacketPort tx = AfPacketPort.open(lab.config(VethLab.A).build());
             AfPacketPort rx = AfPacketPort.open(lab.config(VethLab.B).rxRing(64 * 1024, 2).build())) {
            final int sent = 3000;
            int accepted = 0;
            while (accepted < sent) {
                if (sendTestFrame(tx, rx.macAddress(), -1, accepted, 64)) {
                    accepted++;
                } else {
                    tx.flush();
                    Thread.onSpinWait();
                }
            }
            tx.flush();
            final RxBatch batch = new RxBatch(256);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int idle = 0;
            // Read until the ring stays empty for a while (retire timeout is 2 ms).
            while (idle < 50) {
                assertTrue(System.nanoTime() < deadline);
                if (rx.receive(batch) == 0) {
                    idle++;
                    sleepMillis(2);
                } else {
                    idle = 0;
                }
            }
            rx.release();
            rx.refreshStatistics();
            final long received = rx.counters().rxFrames();
            final long drops = rx.counters().rxDrops();
            assertTrue(drops > 0, "drops counted: received " + received + ", drops " + drops);
            assertTrue(received > 0 && received + drops <= sent, "received " + received + " + drops " + drops + " <= " + sent);
        }
    }

    @Test
    @Timeout(60)
    void pollSetWakesWhenFramesArrive() throws Exception {
        try (AfPacketPort tx = AfPacketPort.open(lab.config(VethLab.A).build());
             AfPacketPort rx = AfPacketPort.open(lab.config(VethLab.B).build());
             PollSet poll = new PollSet(2)) {
            poll.add(rx);
            assertEquals(0, poll.await(0), "nothing yet");
            final Thread sender = new Thread(() -> {
                sleepMillis(50);
                sendTestFrame(tx, rx.macAddress(), -1, 0, 64);
                tx.flush();
            });
            sender.start();
            // A ready count > 0 means poll(2) returned because of the frame, not the 10 s timeout.
            assertEquals(1, poll.await(10_000));
            sender.join();
            assertEquals(1, rx.receive(new RxBatch(4)));
            // A ring block user space still holds keeps the descriptor readable: hand it back first.
            rx.release();

            final Thread waker = new Thread(() -> {
                sleepMillis(50);
                poll.wakeup();
            });
            waker.start();
            // Ten minutes: only wakeup() can end this wait before the class's @Timeout fails the test.
            assertEquals(0, poll.await(600_000), "wakeup() ends the wait with nothing ready");
            waker.join();
        }
    }

    /** Prints 64-byte frame rates on the veth pair; nothing asserted beyond frames having moved. */
    @Test
    void measureRatesOf64ByteFrames() throws Exception {
        final long durationNanos = TimeUnit.MILLISECONDS.toNanos(1500);
        try (AfPacketPort tx = AfPacketPort.open(lab.config(VethLab.A).build());
             AfPacketPort rx = AfPacketPort.open(lab.config(VethLab.B).rxRing(64 * 1024, 64).build())) {
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            TestFrames.write(frame, 0, rx.macAddress(), tx.macAddress(), -1, 0, 64);
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong rxNanos = new AtomicLong();
            final Thread receiver = new Thread(() -> {
                final RxBatch batch = new RxBatch(256);
                try (PollSet poll = new PollSet(1)) {
                    poll.add(rx);
                    final long start = System.nanoTime();
                    while (running.get()) {
                        if (rx.receive(batch) == 0) {
                            poll.await(5);
                        }
                    }
                    while (rx.receive(batch) > 0) {
                        // drain
                    }
                    rx.release();
                    rxNanos.set(System.nanoTime() - start);
                }
            }, "rate-rx");
            receiver.start();
            final long start = System.nanoTime();
            while (System.nanoTime() - start < durationNanos) {
                int queued = 0;
                while (queued < 64 && tx.send(frame.addressOffset(), 64)) {
                    queued++;
                }
                tx.flush();
                if (queued == 0) {
                    Thread.yield();
                }
            }
            final long txNanos = System.nanoTime() - start;
            sleepMillis(20);
            running.set(false);
            receiver.join();
            rx.refreshStatistics();
            final PortCounters t = tx.counters();
            final PortCounters r = rx.counters();
            final double txPps = t.txFrames() * 1e9 / txNanos;
            final double rxPps = r.rxFrames() * 1e9 / rxNanos.get();
            System.out.printf(Locale.ROOT, "{\"figure\":\"af_packet_veth_64B\",\"tx_pps\":%.0f,\"rx_pps\":%.0f,"
                    + "\"tx_frames\":%d,\"rx_frames\":%d,\"rx_ring_drops\":%d,\"tx_ring_full\":%d,\"tx_errors\":%d,"
                    + "\"seconds\":%.2f}%n", txPps, rxPps, t.txFrames(), r.rxFrames(), r.rxDrops(), t.txRingFull(),
                t.errors(), txNanos / 1e9);
            assertTrue(t.txFrames() > 0 && r.rxFrames() > 0, "frames moved");
            assertTrue(r.rxFrames() + r.rxDrops() <= t.txFrames());
        }
    }

    static void eventually(java.util.function.BooleanSupplier condition, String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            sleepMillis(10);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
