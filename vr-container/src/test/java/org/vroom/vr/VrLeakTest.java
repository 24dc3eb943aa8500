package org.vroom.vr;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.vroom.vr.loop.DeterministicScheduler;
import org.vroom.vr.loop.LoopCounter;
import org.vroom.vr.loop.LoopOptions;
import org.vroom.vr.loop.ManualClock;
import org.vroom.vr.shadow.DataPlaneHypervisor;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.ResourceScope;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.SimpleCounter;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.vr.VirtualRouterTest.ip;

/**
 * Creates 1,000 VRs (4 interfaces, 10 static routes, a protocol instance that leaves its timer and
 * handler behind on stop), runs them, freezes half of them with packets buffered off-heap, then stops
 * and destroys all, and shows nothing stays behind: every VR object becomes unreachable, off-heap
 * memory and open scopes return exactly to where they were, and the heap does not grow. Prints the
 * figures (create+start time per VR, heap per live VR, retained bytes per VR).
 */
class VrLeakTest {
    static final int VRS = 1_000;
    static final long SECOND = 1_000_000_000L;

    /** A node stand-in that keeps nothing per VR except counts. */
    static final class CountingHost implements VrHost {
        static final AtomicLong ROUTES = new AtomicLong();
        static final AtomicLong OPEN_COUNTERS = new AtomicLong();

        @Override
        public SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
            return SendStatus.SENT;
        }

        @Override
        public DataPlaneHypervisor hypervisor() {
            return (vrId, batch) -> ROUTES.addAndGet(batch.routeCount());
        }

        @Override
        public Counter counter(String name) {
            OPEN_COUNTERS.incrementAndGet();
            SimpleCounter c = new SimpleCounter(name);
            return new Counter() {
                private boolean closed;

                @Override
                public String name() {
                    return c.name();
                }

                @Override
                public void increment() {
                    c.increment();
                }

                @Override
                public void add(long delta) {
                    c.add(delta);
                }

                @Override
                public long get() {
                    return c.get();
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        OPEN_COUNTERS.decrementAndGet();
                    }
                }
            };
        }
    }

    static VrConfig config(int id) {
        List<InterfaceConfig> ifs = List.of(
                InterfaceConfig.of("eth0", ip("10.0.0.1"), 24),
                InterfaceConfig.of("eth1", ip("10.0.1.1"), 24),
                InterfaceConfig.of("eth2", ip("10.0.2.1"), 30),
                InterfaceConfig.of("lo0", ip("10.255.0.1"), 32));
        List<StaticRouteConfig> statics = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statics.add(StaticRouteConfig.forward(ip("172.16.0.0") + (i << 8), 24, ip("10.0.0.254") - (i % 3)));
        }
        return new VrConfig(id, "vr" + id, ifs, statics,
                List.of(new HelloProtocol.Config("hello", ip("192.168.0.0") + (id << 8), 24, SECOND, false)), 8);
    }

    @Test
    void createAndDestroyManyVrsWithoutLeaks() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        ManualClock clock = new ManualClock();
        DeterministicScheduler scheduler = new DeterministicScheduler(clock);
        LoopOptions options = LoopOptions.DEFAULT.withFrozenBufferBytes(64 * 1024);

        cycle(scheduler, clock, options, 200, 10_000, new ArrayList<>()); // warm-up: classes, JIT, caches
        long heapBefore = usedHeap(memory);
        long directBefore = direct.getMemoryUsed();
        long scopesBefore = ResourceScope.openScopes();
        long countersBefore = CountingHost.OPEN_COUNTERS.get();

        List<WeakReference<VirtualRouter>> refs = new ArrayList<>();
        long[] figures = cycle(scheduler, clock, options, VRS, 1, refs);
        long heapAfter = usedHeap(memory);

        int alive = 0;
        for (WeakReference<VirtualRouter> r : refs) {
            if (r.get() != null) {
                alive++;
            }
        }
        double createStartMicros = figures[0] / 1e3 / VRS;
        double livePerVr = (double) figures[1] / VRS;
        double retainedPerVr = (double) (heapAfter - heapBefore) / VRS;
        System.out.printf("VR lifecycle x%d: create+start %.1f us/VR, heap per live VR %.0f bytes, off-heap while"
                        + " frozen %d bytes/VR, retained after destroy %.0f bytes/VR (heap %+d bytes), direct %+d bytes,"
                        + " open scopes %+d, reachable VRs %d%n",
                VRS, createStartMicros, livePerVr, figures[2] / (VRS / 2), retainedPerVr, heapAfter - heapBefore,
                direct.getMemoryUsed() - directBefore, ResourceScope.openScopes() - scopesBefore, alive);

        assertEquals(0, alive, "every destroyed VR is garbage");
        assertEquals(directBefore, direct.getMemoryUsed(), "off-heap back to where it was");
        assertEquals(scopesBefore, ResourceScope.openScopes(), "every scope closed");
        assertEquals(countersBefore, CountingHost.OPEN_COUNTERS.get(), "every counter freed");
        assertTrue(figures[2] >= (long) (VRS / 2) * 64 * 1024, "the frozen VRs did allocate off-heap buffers");
        assertTrue(heapAfter - heapBefore < 2L * 1024 * 1024,
                "heap grew by " + (heapAfter - heapBefore) + " bytes over " + VRS + " VRs");
    }

    /**
     * Creates and starts {@code n} VRs, runs them for a simulated second, freezes every other one with a
     * packet buffered, thaws, stops and destroys them all. Returns {create+start ns, heap of the live VRs,
     * off-heap of the frozen ones}.
     */
    private static long[] cycle(DeterministicScheduler scheduler, ManualClock clock, LoopOptions options, int n, int firstId,
                                List<WeakReference<VirtualRouter>> refs) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        long routesBefore = CountingHost.ROUTES.get();
        long heap0 = n == VRS ? usedHeap(memory) : 0;
        List<VirtualRouter> vrs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            VirtualRouter vr = VirtualRouter.create(config(firstId + i), new CountingHost(), clock, options);
            scheduler.add(vr.loop());
            vr.start();
            vrs.add(vr);
        }
        long createStart = System.nanoTime() - t0;
        scheduler.advance(SECOND);
        long live = n == VRS ? usedHeap(memory) - heap0 : 0;
        assertEquals(n * 20L, CountingHost.ROUTES.get() - routesBefore, "4 interfaces give 10 routes, plus 10 statics");

        long direct0 = direct.getMemoryUsed();
        UnsafeBuffer packet = new UnsafeBuffer(new byte[40]);
        packet.putByte(0, (byte) 0x45);
        for (int i = 0; i < n; i += 2) {
            VirtualRouter vr = vrs.get(i);
            vr.freeze();
            vr.loop().receive(0, packet, 0, 40);
        }
        long frozenOffHeap = direct.getMemoryUsed() - direct0;
        for (int i = 0; i < n; i += 2) {
            VirtualRouter vr = vrs.get(i);
            if (i % 4 == 0) {
                vr.thaw();
                assertEquals(1, vr.loop().counter(LoopCounter.INBOUND_REPLAYED));
            }
        }
        scheduler.advance(SECOND);
        for (VirtualRouter vr : vrs) {
            vr.stop(); // frozen ones too
            vr.destroy();
            scheduler.remove(vr.loop());
            refs.add(new WeakReference<>(vr));
        }
        vrs.clear();
        HelloProtocol.INSTANCES.clear();
        assertEquals(direct0, direct.getMemoryUsed(), "frozen buffers freed at destroy, not left to the GC");
        return new long[] {createStart, live, frozenOffHeap};
    }

    private static long usedHeap(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
