package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vroom.it.LabFixture.assertAlive;
import static org.vroom.it.LabFixture.assertPing;

import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.lab.Host;
import org.vroom.lab.Icmp;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.VroomNode;

/**
 * Jumbo frames: every link and both VR interfaces at MTU 9000 (the largest the node file allows).
 *
 * <pre>
 *   h1 10.0.1.2 ==eth0|p0== [ VR red 10.0.1.1 | 10.0.2.1 ] ==p1|eth0== h2 10.0.2.2     all MTU 9000
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JumboFramesIT {
    private static final int MTU = 9000;

    private Lab lab;
    private Host h1;
    private Host h2;
    private VroomNode node;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        lab = new Lab();
        Host r = LabFixture.routerHost(lab, "r");
        h1 = LabFixture.endHost(lab, "h1", r, "p0", "10.0.1.2/24", "10.0.1.1");
        h2 = LabFixture.endHost(lab, "h2", r, "p1", "10.0.2.2/24", "10.0.2.1");
        h1.mtu("eth0", MTU);
        h2.mtu("eth0", MTU);
        r.mtu("p0", MTU).mtu("p1", MTU);
        VroomNode.Spec spec = VroomNode.spec("r").port("p0", "p0").port("p1", "p1");
        spec.vr("red", 1).iface("eth0", "p0", 0, "10.0.1.1/24", MTU).iface("eth1", "p1", 0, "10.0.2.1/24", MTU);
        node = VroomNode.start(r, spec);
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
        return () -> LabFixture.neighbourTables(h1, h2) + node.diagnostics();
    }

    @Test
    void jumboPacketsAreForwardedOnceTheNeighboursAreResolved() {
        assertPing(h1, "10.0.2.2", 1, 63, diag());
        assertPing(h2, "10.0.1.2", 1, 63, diag());
        // 8,000 bytes of ICMP data: 8,028-byte datagrams, not fragmented by the hosts (MTU 9000)
        assertPing(h1, "10.0.2.2", 3, 63, diag(), "-M", "do", "-s", "8000");
        assertPing(h2, "10.0.1.2", 3, 63, diag(), "-M", "do", "-s", "8000");
    }

    @Test
    void theVrAnswersAJumboEchoRequest() {
        assertPing(h1, "10.0.1.1", 2, 64, diag(), "-M", "do", "-s", "3000");
    }

    @Test
    void aJumboPacketToAnUnresolvedNeighbourIsSentAfterArp() {
        h2.addr("eth0", "10.0.2.5/24"); // never resolved by the VR: the first echo request waits for ARP
        Icmp.PingResult p = LabFixture.ping(h1, "10.0.2.5", 1, "-M", "do", "-s", "3000");
        assertEquals(1, p.received(), () -> p.output() + diag().get());
    }
}
