package org.vroom.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.it.LabFixture.COUNTER_WAIT;
import static org.vroom.it.LabFixture.assertAlive;
import static org.vroom.it.LabFixture.assertPing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vroom.kernel.stats.VrCounter;
import org.vroom.lab.Host;
import org.vroom.lab.Icmp;
import org.vroom.lab.Lab;
import org.vroom.lab.LabAssumptions;
import org.vroom.lab.VlanShim;
import org.vroom.lab.VroomNode;

/**
 * One node, three VRs with the same address plan sharing two trunk ports through VLANs: the hosts of
 * each VR reach each other through their own VR only. This kernel has no 8021q module, so the hosts
 * sit on untagged access ports of a user-space 802.1Q switch ({@link VlanShim}) in namespace sw, which
 * tags their frames onto the router's trunks.
 *
 * <pre>
 *   hKa 10.0.1.2 --aK--[sw]--t0==p0 VLAN 100+K--[VR vrK (id K) 10.0.1.1 | 10.0.2.1]--p1 VLAN 200+K==t1--[sw]--bK-- hKb 10.0.2.2
 *   for K = 1, 2, 3; every VR and every host pair has the same addresses
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VlanVrsIT {
    private static final int VRS = 3;

    private Lab lab;
    private final List<Host> aHosts = new ArrayList<>();
    private final List<Host> bHosts = new ArrayList<>();
    private VroomNode node;
    private VlanShim shim;

    @BeforeAll
    void setUp() {
        LabAssumptions.assumeRoot();
        LabAssumptions.assumeCommand("ping", "iputils-ping");
        lab = new Lab();
        Host r = LabFixture.routerHost(lab, "r");
        Host sw = lab.host("sw").disableIpv6();
        lab.link(r, "p0", sw, "t0");
        lab.link(r, "p1", sw, "t1");
        List<VlanShim.Access> access = new ArrayList<>();
        VroomNode.Spec spec = VroomNode.spec("r").port("p0", "p0").port("p1", "p1");
        for (int k = 1; k <= VRS; k++) {
            aHosts.add(LabFixture.endHost(lab, "h" + k + "a", sw, "a" + k, "10.0.1.2/24", "10.0.1.1"));
            bHosts.add(LabFixture.endHost(lab, "h" + k + "b", sw, "b" + k, "10.0.2.2/24", "10.0.2.1"));
            access.add(new VlanShim.Access("a" + k, "t0", 100 + k));
            access.add(new VlanShim.Access("b" + k, "t1", 200 + k));
            spec.vr(vr(k), k).iface("eth0", "p0", 100 + k, "10.0.1.1/24").iface("eth1", "p1", 200 + k, "10.0.2.1/24");
        }
        shim = VlanShim.start(sw, access);
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

    private static String vr(int k) {
        return "vr" + k;
    }

    private Host a(int k) {
        return aHosts.get(k - 1);
    }

    private Host b(int k) {
        return bHosts.get(k - 1);
    }

    private Supplier<String> diag() {
        return () -> {
            List<Host> all = new ArrayList<>(aHosts);
            all.addAll(bHosts);
            return LabFixture.neighbourTables(all.toArray(Host[]::new)) + shim.describe() + node.diagnostics();
        };
    }

    private long[] forwarded() {
        long[] f = new long[VRS + 1];
        for (int k = 1; k <= VRS; k++) {
            f[k] = node.vr(vr(k), VrCounter.FORWARDED);
        }
        return f;
    }

    @Test
    void eachHostPairTalksThroughItsOwnVrOnly() {
        VroomNode.Spec s = node.spec();
        for (int k = 1; k <= VRS; k++) {
            long[] before = forwarded();
            assertPing(a(k), "10.0.2.2", 3, 63, diag());
            int vr = k;
            long moved = node.awaitVr(vr(k), VrCounter.FORWARDED, v -> v >= before[vr] + 6, COUNTER_WAIT) - before[k];
            assertEquals(6, moved, () -> vr(vr) + " forwards h" + vr + "a's 3 requests and h" + vr + "b's 3 replies"
                    + diag().get());
            for (int other = 1; other <= VRS; other++) {
                if (other != k) {
                    int o = other;
                    assertEquals(before[other], node.vr(vr(other), VrCounter.FORWARDED),
                            () -> vr(o) + " forwarded traffic of h" + vr + "a" + diag().get());
                }
            }
            // each host resolved its own VR's MAC for the gateway address all VRs share
            assertEquals(s.vr(vr(k)).mac("eth0"), LabFixture.neighbourMac(a(k), "10.0.1.1"), diag());
            assertEquals(s.vr(vr(k)).mac("eth1"), LabFixture.neighbourMac(b(k), "10.0.2.1"), diag());
        }
        assertEquals(0, shim.droppedFrames(), () -> "frames on a VLAN without an access port" + diag().get());
    }

    @Test
    void withOneVrsPeerDownOnlyThatVrLosesIt() {
        for (int down = 1; down <= VRS; down++) {
            Host gone = b(down);
            try {
                gone.linkDown("eth0");
                for (int k = 1; k <= VRS; k++) {
                    Icmp.PingResult p = LabFixture.ping(a(k), "10.0.2.2", 2);
                    int from = k;
                    int d = down;
                    if (k == down) {
                        assertEquals(0, p.received(), () -> "h" + from + "a reached a 10.0.2.2 other than h" + from
                                + "b while h" + d + "b was down\n" + p.output() + diag().get());
                    } else {
                        assertTrue(p.allReceived(), () -> "h" + from + "a lost h" + from + "b when h" + d
                                + "b went down\n" + p.output() + diag().get());
                        assertTrue(p.ttls().stream().allMatch(t -> t == 63), () -> p.output() + diag().get());
                    }
                }
            } finally {
                gone.linkUp("eth0");
                gone.route("default", "10.0.2.1");
            }
        }
        for (int k = 1; k <= VRS; k++) {
            assertPing(a(k), "10.0.2.2", 1, 63, diag());
        }
    }
}
