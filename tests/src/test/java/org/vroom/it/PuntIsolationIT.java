package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vroom.it.LabFixture.COUNTER_WAIT;
import static org.vroom.it.LabFixture.assertAlive;
import static org.vroom.it.LabFixture.assertPing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.lab.ExecResult;
import org.vroom.lab.Host;
import org.vroom.lab.Icmp;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.VroomNode;
import org.vroom.packetio.AfPacketConfig;
import org.vroom.packetio.AfPacketPort;

/**
 * Control-plane isolation on real interfaces: h1 floods red's own address with junk UDP (about
 * 100,000 frames a second from an AF_PACKET socket in h1's namespace) while h3 pings blue's address,
 * which is the same. Both VRs' control planes share one thread; red's punts are policed, so blue
 * loses no ping and answers promptly, and red's counters show the flood.
 *
 * <pre>
 *   h1 10.0.1.2 ==p0== [VR red  (id 1) 10.0.1.1]   (flooded)
 *   h3 10.0.1.2 ==p2== [VR blue (id 2) 10.0.1.1]   (pinged)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PuntIsolationIT {
    private static final int FLOOD_PPS = 100_000;
    /** Frames per 1 ms tick of the flood, flushed together. */
    private static final int FLOOD_PER_TICK = FLOOD_PPS / 1000;
    private static final int PINGS = 50;
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/");

    private Lab lab;
    private Host h1;
    private Host h3;
    private VroomNode node;
    private String redMac;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        lab = new Lab();
        Host r = LabFixture.routerHost(lab, "r");
        h1 = LabFixture.endHost(lab, "h1", r, "p0", "10.0.1.2/24", "10.0.1.1");
        h3 = LabFixture.endHost(lab, "h3", r, "p2", "10.0.1.2/24", "10.0.1.1");
        VroomNode.Spec spec = VroomNode.spec("r").port("p0", "p0").port("p2", "p2");
        spec.vr("red", 1).iface("eth0", "p0", "10.0.1.1/24");
        spec.vr("blue", 2).iface("eth0", "p2", "10.0.1.1/24");
        node = VroomNode.start(r, spec);
        redMac = spec.vr("red").mac("eth0");
    }

    @AfterAll
    void tearDown() {
        LabFixture.close(lab);
    }

    @AfterEach
    void nodeSurvived() {
        if (node != null) {
            assertAlive(node);
        }
    }

    private Supplier<String> diag() {
        return () -> LabFixture.neighbourTables(h1, h3) + node.diagnostics();
    }

    /** Sends junk to red from h1's eth0 at about {@link #FLOOD_PPS} until stopped; counts what the ring took. */
    private static final class Flood implements Runnable {
        private final AfPacketPort port;
        private final UnsafeBuffer frame;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong ringFull = new AtomicLong();
        private volatile Throwable failure;

        Flood(Host h1, byte[] junk) {
            port = AfPacketPort.open(AfPacketConfig.builder("eth0").networkNamespace(h1.netns()).promiscuous(false)
                    .build());
            frame = new UnsafeBuffer(junk);
        }

        @Override
        public void run() {
            try {
                long tick = System.nanoTime();
                while (!stop.get()) {
                    long n = 0;
                    long full = 0;
                    for (int i = 0; i < FLOOD_PER_TICK; i++) {
                        if (port.send(frame, 0, frame.capacity())) {
                            n++;
                        } else {
                            full++;
                        }
                    }
                    port.flush();
                    sent.addAndGet(n);
                    ringFull.addAndGet(full);
                    tick += 1_000_000L;
                    long wait = tick - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    } else if (wait < -100_000_000L) {
                        tick = System.nanoTime(); // fell far behind: do not try to catch up in one go
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                port.close();
            }
        }
    }

    @Test
    void floodingRedsAddressLosesNoneOfBluesPings() throws Exception {
        // resolve both sides before the flood
        assertPing(h1, "10.0.1.1", 1, 64, diag());
        assertPing(h3, "10.0.1.1", 1, 64, diag());
        long redPoliced = node.vr("red", VrCounter.PUNT_POLICED);
        long redPunted = node.vr("red", VrCounter.PUNTED);
        long redRx = node.vr("red", VrCounter.RX_PACKETS);
        long bluePoliced = node.vr("blue", VrCounter.PUNT_POLICED);
        long blueFull = node.vr("blue", VrCounter.PUNT_QUEUE_FULL);
        long bluePunted = node.vr("blue", VrCounter.PUNTED);
        long p0Drops = node.port("p0", PortCounter.RX_RING_DROPS);

        Flood flood = new Flood(h1, Frames.udp(redMac, h1.mac("eth0"), "10.0.1.2", "10.0.1.1", 18));
        Thread t = new Thread(flood, "punt-flood");
        long start = System.nanoTime();
        ExecResult ping;
        long elapsed;
        try {
            t.start();
            Thread.sleep(500); // the flood is on before the first ping
            ping = h3.tryExec(Duration.ofSeconds(20), "ping", "-n", "-c", Integer.toString(PINGS), "-i", "0.05",
                    "-W", "1", "10.0.1.1");
            Thread.sleep(200);
        } finally {
            flood.stop.set(true);
            t.join(5_000);
            elapsed = System.nanoTime() - start;
        }
        if (flood.failure != null) {
            fail("the flood failed", flood.failure);
        }
        if (!ping.stdout().contains("packets transmitted")) {
            fail("ping did not run: " + ping.commandLine() + " exit " + ping.exitCode() + "\n" + ping.stdout()
                    + ping.stderr());
        }
        Icmp.PingResult result = Icmp.parse(ping.stdout());
        long policed = node.awaitVr("red", VrCounter.PUNT_POLICED, v -> v > redPoliced, COUNTER_WAIT) - redPoliced;
        long sent = flood.sent.get();
        Matcher m = RTT.matcher(ping.stdout());
        boolean rtt = m.find();
        double maxRttMs = rtt ? Double.parseDouble(m.group(3)) : -1;
        String rttText = rtt ? m.group(1) + "/" + m.group(2) + "/" + m.group(3) : "?";
        String figures = String.format("flood %d frames in %.2f s (%.0f/s, %d ring-full); red rx %d punted %d policed %d;"
                        + " p0 rx ring drops %d; blue %d/%d pings, rtt min/avg/max %s ms",
                sent, elapsed / 1e9, sent / (elapsed / 1e9), flood.ringFull.get(),
                node.vr("red", VrCounter.RX_PACKETS) - redRx, node.vr("red", VrCounter.PUNTED) - redPunted, policed,
                node.port("p0", PortCounter.RX_RING_DROPS) - p0Drops, result.received(), result.transmitted(),
                rttText);
        System.out.println("PuntIsolationIT: " + figures);
        Supplier<String> msg = () -> figures + "\n" + ping.stdout() + diag().get();

        assertEquals(PINGS, result.transmitted(), msg);
        assertTrue(result.allReceived(), msg);
        assertTrue(maxRttMs >= 0 && maxRttMs < 1000, msg);
        assertTrue(policed > 0, () -> "red's flood was not policed: " + msg.get());
        assertEquals(bluePoliced, node.vr("blue", VrCounter.PUNT_POLICED), msg);
        assertEquals(blueFull, node.vr("blue", VrCounter.PUNT_QUEUE_FULL), msg);
        assertTrue(node.vr("blue", VrCounter.PUNTED) - bluePunted >= PINGS, msg);
        // red itself is not cut off once the flood stops
        assertPing(h1, "10.0.1.1", 2, 64, diag());
    }
}
