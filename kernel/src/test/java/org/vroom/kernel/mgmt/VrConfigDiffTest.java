package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.RouteAction;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;

class VrConfigDiffTest {
    private static String render(List<VrConfigDiff.Change> changes) {
        final StringBuilder sb = new StringBuilder();
        for (VrConfigDiff.Change c : changes) {
            sb.append(c.impact()).append(' ').append(c.change().path()).append(": ").append(c.change().description())
                .append('\n');
        }
        return sb.toString();
    }

    @Test
    void identicalConfigurationsDoNotDiffer() {
        assertTrue(VrConfigDiff.between(FakeNode.red(), FakeNode.red()).isEmpty());
        assertTrue(VrConfigDiff.proposal(List.of()).unchanged());
    }

    @Test
    void everyKindOfChange() {
        final VrConfig red = FakeNode.red();
        final VrConfig wanted = new VrConfig("red", 9, List.of(
            FakeNode.itf("eth1", "p0", 0, "10.0.2.1/24", 1500),
            FakeNode.itf("eth2", "m0", 0, "10.0.3.1/24", 1500)), List.of(
            StaticRouteConfig.discard(Ipv4.parsePrefix("0.0.0.0/0"), RouteAction.REJECT),
            StaticRouteConfig.forward(Ipv4.parsePrefix("10.8.0.0/16"), Ipv4.parseAddress("10.0.2.9"))));
        assertEquals("""
            RESTART id: id 1 -> 9
            RESTART interfaces[eth0]: removed (port p0, 10.0.1.1/24, mtu 1500)
            RESTART interfaces[eth1]: moves from position 1 to 0 (its MAC changes)
            IN_PLACE interfaces[eth1].port: p1 -> p0
            IN_PLACE interfaces[eth1].vlan: vlan 100 -> untagged
            IN_PLACE interfaces[eth1].mtu: 9000 -> 1500
            RESTART interfaces[eth2]: added (port m0, 10.0.3.1/24, mtu 1500)
            IN_PLACE static-routes[10.9.0.0/16]: removed (drop)
            IN_PLACE static-routes[0.0.0.0/0]: via 10.0.1.254 -> reject
            IN_PLACE static-routes[10.8.0.0/16]: added (via 10.0.2.9)
            """, render(VrConfigDiff.between(red, wanted)));
        final ReconfigureResult r = VrConfigDiff.proposal(VrConfigDiff.between(red, wanted));
        assertEquals(6, r.applied().size());
        assertEquals(4, r.needsRestart().size());
    }
}
