package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.lab.Host;
import org.vroom.packetio.AfPacketConfig;
import org.vroom.packetio.AfPacketPort;
import org.vroom.packetio.RxBatch;

/**
 * A host's interface driven frame by frame from the test JVM: an {@link AfPacketPort} opened inside the
 * host's namespace, so the test sends frames the host's stack would never build (malformed, 802.1Q
 * tagged on a box without the 8021q module) and reads what comes back, tags included. One thread.
 */
final class RawPort implements AutoCloseable {
    private final AfPacketPort port;
    private final RxBatch batch = new RxBatch(64);
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[0]);

    RawPort(Host host, String ifName) {
        port = AfPacketPort.open(AfPacketConfig.builder(ifName).networkNamespace(host.netns()).promiscuous(false)
                .build());
    }

    /** The interface's MAC as {@code aa:bb:cc:dd:ee:ff}. */
    String mac() {
        return org.vroom.lab.VroomNode.formatMac(port.macAddress());
    }

    /** Sends every frame, waiting (briefly) for ring space, and checks the kernel took them all. */
    void send(List<byte[]> frames) {
        for (byte[] f : frames) {
            buf.wrap(f);
            int tries = 0;
            while (!port.send(buf, 0, f.length)) {
                port.flush(); // ring full: kick it and let the kernel drain it
                assertTrue(++tries < 1_000, "the TX ring of " + port.name() + " never drained");
                sleepMillis(1);
            }
            port.flush();
        }
        for (int i = 0; port.txQueued() > 0 && i < 1_000; i++) {
            port.flush();
            sleepMillis(1);
        }
        assertEquals(0, port.txQueued(), "frames left in the TX ring of " + port.name());
    }

    void send(byte[] frame) {
        send(List.of(frame));
    }

    /** Drops every frame received so far. */
    void drain() {
        while (port.receive(batch) > 0) {
            port.release();
        }
    }

    /** Frames received within {@code timeout} that {@code match} accepts (stops at the first when {@code first}). */
    List<byte[]> receive(Predicate<byte[]> match, Duration timeout, boolean first) {
        List<byte[]> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int n = port.receive(batch);
            for (int i = 0; i < n; i++) {
                byte[] f = new byte[batch.length(i)];
                buf.wrap(batch.address(i), batch.length(i));
                buf.getBytes(0, f);
                if (match.test(f)) {
                    out.add(f);
                    if (first) {
                        port.release();
                        return out;
                    }
                }
            }
            port.release();
            if (n == 0) {
                sleepMillis(1);
            }
        }
        return out;
    }

    /** The first frame {@code match} accepts within {@code timeout}, or null. */
    byte[] receiveFirst(Predicate<byte[]> match, Duration timeout) {
        List<byte[]> l = receive(match, timeout, true);
        return l.isEmpty() ? null : l.get(0);
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        port.close();
    }
}
