package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The per-packet paths allocate nothing: decode every good vector, rewrite TTLs, answer echo requests
 * and ARP requests, build ICMP errors and tunnel packets, many times over, and compare the thread's
 * allocated-bytes counter before and after (after a warm-up, so class loading and JIT do not count).
 */
class NoAllocationTest {
    @Test
    void perPacketPathsDoNotAllocate() {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
            "needs com.sun.management.ThreadMXBean to count allocated bytes");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
            "thread allocation accounting is off in this JVM");

        final List<Vectors.Vector> good = Vectors.all("good");
        final UnsafeBuffer[] frames = new UnsafeBuffer[good.size()];
        final byte[][] pristine = new byte[good.size()][];
        for (int i = 0; i < frames.length; i++) {
            pristine[i] = good.get(i).bytes();
            frames[i] = new UnsafeBuffer(new byte[pristine[i].length]);
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
        final Work work = new Work(out);
        final long threadId = Thread.currentThread().threadId();

        long result = 0;
        for (int round = 0; round < 3_000; round++) { // warm-up: class loading, interpreter, C1, C2
            result += work.run(frames, pristine);
        }
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int round = 0; round < 3_000; round++) {
            result += work.run(frames, pristine);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        System.out.println("NoAllocationTest: " + allocated + " bytes allocated over " + 3_000L * frames.length
            + " frames (result " + result + ")");
        // a few bytes of slack for the counter call itself; one allocation per frame would be > 1 MB
        assertTrue(allocated < 1024, allocated + " bytes allocated");
        assertEquals(0, work.failures);
    }

    private static final class Work {
        private final FrameDecoder decoder = new FrameDecoder();
        private final Ipv4Flyweight scratchIp = new Ipv4Flyweight();
        private final TunnelEncoder encoder = new TunnelEncoder(0x0A000001, 0x0A000002, TunnelFlyweight.DEFAULT_PORT,
            64, true);
        private final UnsafeBuffer out;
        private int failures;

        Work(UnsafeBuffer out) {
            this.out = out;
        }

        long run(UnsafeBuffer[] frames, byte[][] pristine) {
            long acc = 0;
            for (int i = 0; i < frames.length; i++) {
                final UnsafeBuffer frame = frames[i];
                frame.putBytes(0, pristine[i]);
                final int code = decoder.decode(frame, 0, frame.capacity());
                if (code != ValidationResult.OK) {
                    failures++;
                    continue;
                }
                final EthernetFlyweight eth = decoder.ethernet();
                acc += eth.etherType() + eth.vlanId();
                if (decoder.has(FrameDecoder.LAYER_ARP)) {
                    eth.turnAround(0x0200_0000_0AFEL);
                    acc += decoder.arp().toReply(0x0200_0000_0AFEL) ? 1 : 0;
                }
                if (decoder.has(FrameDecoder.LAYER_IPV4)) {
                    final Ipv4Flyweight ip = decoder.ipv4();
                    acc += Ipv4Addresses.classifySource(ip.source()) + Ipv4Addresses.classifyDestination(ip.destination());
                    acc += IcmpFlyweight.errorSuppression(ip, eth.isDestinationMulticast());
                    acc += IcmpFlyweight.writeErrorDatagram(out, 0, 0x0A000001, 1, IcmpFlyweight.TYPE_TIME_EXCEEDED, 0,
                        0, ip);
                    acc += scratchIp.wrap(out, 0, out.capacity()).validate();
                    acc += ip.decrementTtl();
                    ip.rewriteDestination(0x0A000003);
                    if (decoder.has(FrameDecoder.LAYER_ICMP)) {
                        acc += decoder.icmp().echoRequestToReply() ? 1 : 0;
                    }
                    if (decoder.has(FrameDecoder.LAYER_UDP)) {
                        acc += decoder.udp().computeChecksum(ip.source(), ip.destination());
                    }
                }
                acc += encoder.encapsulate(out, 14, frame, 0, frame.capacity(), 0, 7, 1, i);
            }
            return acc;
        }
    }
}
