package org.vroom.vr.testkit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.InterfaceConfig;
import org.vroom.vr.VrConfig;
import org.vroom.vr.spi.VrContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimNetworkImpairmentTest {
    static final int A = Ipv4Addresses.parse("10.0.0.1");
    static final int B = Ipv4Addresses.parse("10.0.0.2");

    /** Sends 2000 numbered datagrams from a to b over an impaired link; returns the numbers b received, in order. */
    static List<Integer> run(LinkImpairment impairment, boolean replaceReceiverHalfway) {
        try (SimNetwork net = new SimNetwork(1)) {
            net.addRouter(VrConfig.of(1, "a", List.of(InterfaceConfig.of("eth0", A, 24)), List.of())).start();
            net.addRouter(VrConfig.of(2, "b", List.of(InterfaceConfig.of("eth0", B, 24)), List.of())).start();
            SimNetwork.Segment link = net.link("a", "eth0", "b", "eth0").impair(impairment);
            List<Integer> got = new ArrayList<>();
            Runnable listen = () -> net.router("b").context().registerProtocol(253,
                    (ifIndex, buffer, offset, length) -> got.add(buffer.getInt(offset + 20)));
            listen.run();
            UnsafeBuffer d = new UnsafeBuffer(new byte[24]);
            for (int i = 0; i < 2000; i++) {
                if (replaceReceiverHalfway && i == 1000) {
                    net.removeRouter("b");
                    got.clear();
                    net.addRouter(VrConfig.of(2, "b", List.of(InterfaceConfig.of("eth0", B, 24)), List.of())).start();
                    listen.run();
                }
                Ipv4Flyweight.writeHeader(d, 0, 0, 24, i, 0, 64, 253, A, B);
                d.putInt(20, i);
                VrContext a = net.router("a").context();
                a.sendIp(0, B, d, 0, 24);
                net.advance(100_000);
            }
            net.advance(1_000_000_000L);
            assertEquals(impairment.loss() == 0, link.lost() == 0);
            return got;
        }
    }

    @Test
    void faultsAreDeterministicPerSeedAndRoughlyAsLikelyAsAsked() {
        LinkImpairment faults = new LinkImpairment(7, 0.05, 0.05, 0.05, 1_000_000, 3_000_000);
        List<Integer> first = run(faults, false);
        assertEquals(first, run(faults, false), "same seed, same faults");
        assertNotEquals(first, run(new LinkImpairment(8, 0.05, 0.05, 0.05, 1_000_000, 3_000_000), false));
        int lost = (int) java.util.stream.IntStream.range(0, 2000).filter(i -> !first.contains(i)).count();
        long duplicates = first.size() - first.stream().distinct().count();
        int inversions = 0;
        for (int i = 1; i < first.size(); i++) {
            if (first.get(i) < first.get(i - 1)) {
                inversions++;
            }
        }
        assertTrue(lost > 50 && lost < 170, "lost " + lost);
        assertTrue(duplicates > 50 && duplicates < 170, "duplicated " + duplicates);
        assertTrue(inversions > 20, "reordered " + inversions);
        assertEquals(java.util.stream.IntStream.range(0, 2000).boxed().toList(),
                run(LinkImpairment.latency(1_000_000), false), "latency alone keeps everything in order");
    }

    @Test
    void aVrAddedAgainUnderItsNameRejoinsItsSegments() {
        List<Integer> got = run(LinkImpairment.NONE, true);
        assertEquals(1000, got.size(), "the new b hears what is sent after it was added");
        assertEquals(1000, got.get(0));
    }
}
