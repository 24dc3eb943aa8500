package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.it.LabFixture.COUNTER_WAIT;
import static org.vroom.it.LabFixture.assertAlive;

import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.kernel.stats.PortCounter;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.lab.Host;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.VroomNode;

/**
 * Port + VLAN binding: one trunk port carries two VRs with the same address plan on VLANs 100 and 200.
 * This kernel has no 8021q module, so the trunk's far end (h1) is driven frame by frame from the test
 * ({@link RawPort}): it sends tagged ARP and echo requests and checks the tags, MACs and TTLs of what
 * comes back.
 *
 * <pre>
 *                      VLAN 100 -> [VR red  (id 1) 10.0.1.1 | 10.0.2.1] ==p1== h2 10.0.2.2
 *   h1 (raw) ==eth0|p0==<
 *                      VLAN 200 -> [VR blue (id 2) 10.0.1.1 | 10.0.2.1] ==p2== h3 10.0.2.2
 *   MTU 9000 on p0, p1, h1, h2 and red's interfaces; 1500 elsewhere
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VlanTrunkIT {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(2);
    private static final Duration SILENCE = Duration.ofMillis(500);
    private static final int JUMBO = 9000;

    private Lab lab;
    private Host h1;
    private Host h2;
    private Host h3;
    private VroomNode node;
    private RawPort trunk;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        lab = new Lab();
        Host r = LabFixture.routerHost(lab, "r");
        h1 = lab.host("h1").disableIpv6();
        lab.link(h1, "eth0", r, "p0");
        h2 = LabFixture.endHost(lab, "h2", r, "p1", "10.0.2.2/24", "10.0.2.1");
        h3 = LabFixture.endHost(lab, "h3", r, "p2", "10.0.2.2/24", "10.0.2.1");
        // red's side carries jumbo frames (MTU 9000), blue's the standard 1500
        h1.mtu("eth0", JUMBO);
        h2.mtu("eth0", JUMBO);
        r.mtu("p0", JUMBO).mtu("p1", JUMBO);
        VroomNode.Spec spec = VroomNode.spec("r").port("p0", "p0").port("p1", "p1").port("p2", "p2");
        spec.vr("red", 1).iface("eth0", "p0", 100, "10.0.1.1/24", JUMBO).iface("eth1", "p1", 0, "10.0.2.1/24", JUMBO);
        spec.vr("blue", 2).iface("eth0", "p0", 200, "10.0.1.1/24").iface("eth1", "p2", "10.0.2.1/24");
        node = VroomNode.start(r, spec);
        trunk = new RawPort(h1, "eth0");
    }

    @AfterAll
    void tearDown() {
        try {
            if (trunk != null) {
                trunk.close();
            }
        } finally {
            LabFixture.close(lab);
        }
    }

    @AfterEach
    void nodeSurvived() {
        if (node != null) {
            assertAlive(node);
        }
    }

    private Supplier<String> diag() {
        return () -> LabFixture.neighbourTables(h2, h3) + node.diagnostics();
    }

    /** Sends a tagged ARP request for 10.0.1.1 and returns the reply (tagged view), or null. */
    private byte[] arp(int vlan) {
        trunk.drain();
        byte[] request = Frames.arpRequest(trunk.mac(), "10.0.1.2", "10.0.1.1");
        trunk.send(vlan < 0 ? request : Frames.tagged(request, vlan));
        return trunk.receiveFirst(f -> Frames.isArpReplyFrom(Frames.untagged(f), "10.0.1.1"),
                vlan < 0 ? SILENCE : REPLY_WAIT);
    }

    /** Sends a tagged echo request from 10.0.1.2 and returns the reply (tagged view), or null. */
    private byte[] echo(int vlan, String vrMac, String dst, int id) {
        trunk.drain();
        trunk.send(Frames.tagged(Frames.echoRequest(vrMac, trunk.mac(), "10.0.1.2", dst, id, 1, 64, 32), vlan));
        return trunk.receiveFirst(f -> Frames.isEchoReplyFrom(Frames.untagged(f), dst, id), REPLY_WAIT);
    }

    @Test
    void eachVlanOfTheTrunkAnswersArpWithItsOwnVrsMac() {
        VroomNode.Spec s = node.spec();
        byte[] red = arp(100);
        assertNotNull(red, () -> "no ARP reply on VLAN 100" + diag().get());
        assertEquals(100, Frames.vlan(red), diag());
        assertEquals(s.vr("red").mac("eth0"), Frames.arpSenderMac(Frames.untagged(red)), diag());
        assertEquals(s.vr("red").mac("eth0"), Frames.sourceMac(red), diag());

        byte[] blue = arp(200);
        assertNotNull(blue, () -> "no ARP reply on VLAN 200" + diag().get());
        assertEquals(200, Frames.vlan(blue), diag());
        assertEquals(s.vr("blue").mac("eth0"), Frames.arpSenderMac(Frames.untagged(blue)), diag());

        long unbound = node.port("p0", PortCounter.RX_UNBOUND);
        assertNull(arp(-1), () -> "an untagged request was answered: nothing is bound untagged on p0" + diag().get());
        assertNull(arp(300), () -> "a request on VLAN 300 was answered" + diag().get());
        assertEquals(unbound + 2, node.awaitPort("p0", PortCounter.RX_UNBOUND, v -> v >= unbound + 2, COUNTER_WAIT),
                diag());
    }

    @Test
    void echoRequestsOnEachVlanAreRoutedByTheirOwnVr() {
        VroomNode.Spec s = node.spec();
        String redMac = s.vr("red").mac("eth0");
        String blueMac = s.vr("blue").mac("eth0");
        assertNotNull(arp(100), diag()); // each VR learns h1 from its request
        assertNotNull(arp(200), diag());

        long redFwd = node.vr("red", VrCounter.FORWARDED);
        long blueFwd = node.vr("blue", VrCounter.FORWARDED);
        byte[] r = echo(100, redMac, "10.0.2.2", 0x0100);
        assertNotNull(r, () -> "no echo reply from h2 on VLAN 100" + diag().get());
        assertEquals(100, Frames.vlan(r), diag());
        assertEquals(redMac, Frames.sourceMac(r), diag());
        assertEquals(63, Frames.ttl(Frames.untagged(r)), diag());
        assertEquals(redFwd + 2, node.awaitVr("red", VrCounter.FORWARDED, v -> v >= redFwd + 2, COUNTER_WAIT), diag());
        assertEquals(blueFwd, node.vr("blue", VrCounter.FORWARDED), () -> "blue forwarded VLAN 100 traffic"
                + diag().get());

        byte[] b = echo(200, blueMac, "10.0.2.2", 0x0200);
        assertNotNull(b, () -> "no echo reply from h3 on VLAN 200" + diag().get());
        assertEquals(200, Frames.vlan(b), diag());
        assertEquals(blueMac, Frames.sourceMac(b), diag());
        assertEquals(63, Frames.ttl(Frames.untagged(b)), diag());
        assertEquals(blueFwd + 2, node.awaitVr("blue", VrCounter.FORWARDED, v -> v >= blueFwd + 2, COUNTER_WAIT),
                diag());
        assertEquals(redFwd + 2, node.vr("red", VrCounter.FORWARDED), diag());

        byte[] own = echo(100, redMac, "10.0.1.1", 0x0101);
        assertNotNull(own, () -> "red did not answer on VLAN 100" + diag().get());
        assertEquals(100, Frames.vlan(own), diag());
        assertEquals(64, Frames.ttl(Frames.untagged(own)), diag());
        assertTrue(node.vr("red", VrCounter.ICMP_ECHO_REPLIES) >= 1, diag());
    }

    /** Forwarding from an untagged interface to a tagged one needs room for the tag: small packets. */
    @Test
    void packetsFromAnUntaggedPortLeaveTheTrunkTagged() {
        assertNotNull(arp(100), diag()); // red learns h1 (10.0.1.2) on VLAN 100
        trunk.drain();
        LabFixture.ping(h2, "10.0.1.2", 1, "-s", "1000");
        byte[] f = trunk.receiveFirst(x -> Frames.isEchoRequestTo(Frames.untagged(x), "10.0.1.2"), REPLY_WAIT);
        assertNotNull(f, () -> "h2's echo request never left the trunk" + diag().get());
        assertEquals(100, Frames.vlan(f), diag());
        assertEquals(1028, Frames.ipTotalLength(Frames.untagged(f)), diag());
        assertEquals(63, Frames.ttl(Frames.untagged(f)), diag());
    }

    @Test
    void jumboPacketsFromAnUntaggedPortLeaveTheTrunkTagged() {
        assertNotNull(arp(100), diag());
        trunk.drain();
        LabFixture.ping(h2, "10.0.1.2", 1, "-M", "do", "-s", "3000");
        byte[] f = trunk.receiveFirst(x -> Frames.isEchoRequestTo(Frames.untagged(x), "10.0.1.2"), REPLY_WAIT);
        assertNotNull(f, () -> "h2's 3028-byte echo request never left the trunk" + diag().get());
        assertEquals(100, Frames.vlan(f), diag());
        assertEquals(3028, Frames.ipTotalLength(Frames.untagged(f)), diag());
    }
}
