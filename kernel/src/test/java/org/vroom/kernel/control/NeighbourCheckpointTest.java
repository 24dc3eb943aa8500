package org.vroom.kernel.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vroom.checkpoint.Checkpointer;
import org.vroom.checkpoint.Restorer;
import org.vroom.fib.Ipv4Fib;
import org.vroom.fib.QuiescentStateDomain;
import org.vroom.kernel.dataplane.Punt;
import org.vroom.kernel.dataplane.Stats;
import org.vroom.kernel.dataplane.Vif;
import org.vroom.kernel.dataplane.VrDataPlane;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.packetio.codec.ArpFlyweight;
import org.vroom.packetio.codec.EthernetFlyweight;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.loop.VrLoop;

/**
 * The neighbour cache as a checkpoint part ("arp"): for random histories (resolutions started,
 * confirmed by ARP replies, probed, failed, forgotten, datagrams waiting), restore(snapshot + deltas)
 * into a fresh control plane on the same data plane equals the original, remaining times included.
 */
class NeighbourCheckpointTest {
    private static final int VR = 5;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void restoreOfSnapshotPlusDeltasEqualsTheOriginal(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] now = {1_000_000_000L};
        CountersManager cm = new CountersManager(new UnsafeBuffer(new byte[1 << 16]), new UnsafeBuffer(new byte[1 << 14]));
        AtomicCounter[] c = new AtomicCounter[VrCounter.COUNT];
        for (int i = 0; i < c.length; i++) {
            c[i] = cm.newCounter("vr-" + i);
        }
        Vif eth0 = new Vif(0, "eth0", 0, EthernetFlyweight.NO_VLAN, Vif.macFor(VR, 0), 0x0A000101, 24, 1500);
        Vif eth1 = new Vif(1, "eth1", 1, EthernetFlyweight.NO_VLAN, Vif.macFor(VR, 1), 0x0A000201, 24, 1500);
        try (VrDataPlane dp = new VrDataPlane(VR, "arp", 0, Ipv4Fib.dir24_8(1 << 12, 256, new QuiescentStateDomain()),
                new Vif[] {eth0, eth1}, 1 << 16, new Stats(c));
             VrLoop loop = new VrLoop("arp", () -> now[0])) {
            AtomicBuffer txMemory = new UnsafeBuffer(new byte[(1 << 20) + RingBufferDescriptor.TRAILER_LENGTH]);
            VrControlPlane original = new VrControlPlane(dp, new ManyToOneRingBuffer(txMemory), () -> { }, () -> now[0]);
            Checkpointer checkpointer = new Checkpointer(VR, "arp", List.of(original));
            List<byte[]> images = new ArrayList<>();
            UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            UnsafeBuffer datagram = new UnsafeBuffer(new byte[64]);
            int snapshotAt = rnd.nextInt(50, 150);
            for (int step = 0; step < 400; step++) {
                Vif vif = rnd.nextBoolean() ? eth0 : eth1;
                int neighbour = vif.subnet() | rnd.nextInt(2, 40);
                switch (rnd.nextInt(6)) {
                    case 0 -> original.resolve(vif, neighbour);
                    case 1 -> original.adjacencyFor(vif, neighbour);
                    case 2 -> { // an ARP reply from the neighbour, through the punt ring
                        frame.putInt(Punt.NEXT_HOP_OFFSET, 0);
                        frame.putInt(Punt.RX_FLAGS_OFFSET, 0);
                        long mac = 0x02_bb_00_00_00_00L | (neighbour & 0xFFFF);
                        int len = ArpFlyweight.writeReplyFrame(frame, Punt.HEADER_LENGTH, mac, vif.vlan, neighbour,
                                vif.mac, vif.address);
                        dp.punt.write(Punt.typeId(Punt.ARP, vif.index), frame, 0, Punt.HEADER_LENGTH + len);
                        original.poll(loop, 64);
                    }
                    case 3 -> { // a datagram of the VR's own to the neighbour: waits if it is unresolved
                        Ipv4Flyweight.writeHeader(datagram, 0, 0, 28, step, 0, 64, 17, vif.address, neighbour);
                        original.sendIp(vif.index, neighbour, datagram, 0, 28);
                    }
                    case 4 -> {
                        now[0] += rnd.nextLong(1, 5_000_000_000L);
                        original.runTimers();
                    }
                    default -> now[0] += rnd.nextLong(1, 50_000_000L);
                }
                if (step == snapshotAt) {
                    images.add(copy(checkpointer.snapshot(), checkpointer.imageLength()));
                } else if (step > snapshotAt && rnd.nextInt(25) == 0) {
                    images.add(copy(checkpointer.delta(), checkpointer.imageLength()));
                }
            }
            images.add(copy(checkpointer.delta(), checkpointer.imageLength()));
            VrControlPlane restored = new VrControlPlane(dp, new ManyToOneRingBuffer(txMemory), () -> { }, () -> now[0]);
            Restorer restorer = new Restorer(List.of(restored));
            for (byte[] image : images) {
                restorer.apply(new UnsafeBuffer(image));
            }
            String expected = original.describeState();
            assertNotEquals("id 0 []", expected, "the history built no neighbours");
            assertEquals(expected, restored.describeState(), "seed " + seed + ", " + images.size() + " images");
        }
    }

    private static byte[] copy(org.agrona.DirectBuffer image, int length) {
        byte[] b = new byte[length];
        image.getBytes(0, b);
        return b;
    }
}
