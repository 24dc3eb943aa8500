package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.it.LabFixture.assertAlive;
import static org.vroom.it.LabFixture.assertPing;

import java.time.Duration;
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
 * A router port that goes administratively down and up again in the router's namespace (an operator's
 * {@code ip link set p1 down/up}, a driver reset): the node forwards again once the port is back, and
 * its worker still sleeps in poll(2) when there is nothing to do.
 *
 * <pre>
 *   h1 10.0.1.2 ==eth0|p0== [ VR red 10.0.1.1 | 10.0.2.1 ] ==p1|eth0== h2 10.0.2.2
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortFlapIT {
    private static final String WORKER_THREAD = "worker-0";
    /** Measured here: an idle worker uses about 1% of a CPU, a spinning one 70-100%. */
    private static final double IDLE_CPU_LIMIT = 0.25;
    private static final Duration CPU_WINDOW = Duration.ofSeconds(2);

    private Lab lab;
    private Host r;
    private Host h1;
    private Host h2;
    private VroomNode node;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        lab = new Lab();
        r = LabFixture.routerHost(lab, "r");
        h1 = LabFixture.endHost(lab, "h1", r, "p0", "10.0.1.2/24", "10.0.1.1");
        h2 = LabFixture.endHost(lab, "h2", r, "p1", "10.0.2.2/24", "10.0.2.1");
        VroomNode.Spec spec = VroomNode.spec("r").port("p0", "p0").port("p1", "p1");
        spec.vr("red", 1).iface("eth0", "p0", "10.0.1.1/24").iface("eth1", "p1", "10.0.2.1/24");
        node = VroomNode.start(r, spec);
    }

    @AfterAll
    void tearDown() {
        LabFixture.close(lab);
    }

    @AfterEach
    void nodeSurvived() {
        if (node != null) {
            r.linkUp("p1");
            assertAlive(node);
        }
    }

    private Supplier<String> diag() {
        return () -> LabFixture.neighbourTables(h1, h2) + node.diagnostics();
    }

    private void flapP1() {
        r.linkDown("p1");
        Icmp.PingResult down = LabFixture.ping(h1, "10.0.2.2", 2);
        assertEquals(0, down.received(), () -> "h2 answered through a port that is down\n" + down.output()
                + diag().get());
        r.linkUp("p1");
    }

    @Test
    void forwardingResumesWhenAPortComesBack() {
        assertPing(h1, "10.0.2.2", 2, 63, diag());
        double idle = LabFixture.cpuShare(node.process().pid(), WORKER_THREAD, CPU_WINDOW);
        assertTrue(idle < IDLE_CPU_LIMIT, () -> "an idle worker should block in poll(2), it used "
                + Math.round(idle * 100) + "% of a CPU" + diag().get());
        flapP1();
        // the veth carrier comes back at once; allow one lost echo while it does
        Icmp.PingResult back = LabFixture.ping(h1, "10.0.2.2", 4);
        assertTrue(back.received() >= 3, () -> "forwarding did not resume after p1 came back\n" + back.output()
                + diag().get());
        assertPing(h2, "10.0.1.2", 2, 63, diag());
    }

    @Test
    void theIdleWorkerStillSleepsAfterAPortFlap() {
        flapP1();
        assertPing(h1, "10.0.2.2", 2, 63, diag());
        double idle = LabFixture.cpuShare(node.process().pid(), WORKER_THREAD, CPU_WINDOW);
        assertTrue(idle < IDLE_CPU_LIMIT, () -> "after a flap of p1 the idle worker used " + Math.round(idle * 100)
                + "% of a CPU: it no longer blocks in poll(2)" + diag().get());
    }
}
