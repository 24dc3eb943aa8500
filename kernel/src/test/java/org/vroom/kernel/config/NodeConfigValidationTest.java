package org.vroom.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vroom.kernel.config.ConfigTesting.assertOnlyProblem;
import static org.vroom.kernel.config.ConfigTesting.parse;
import static org.vroom.kernel.config.ConfigTesting.problems;

import java.util.List;

import org.junit.jupiter.api.Test;

/** One test per cross-record rule, each with the exact message and line; plus the cases each rule allows. */
class NodeConfigValidationTest {

    // --- ports ---

    @Test
    void portNamesAreUnique() {
        assertOnlyProblem("node.yaml:4: ports[1].name: duplicate port name \"p0\" (first at line 2)", """
            ports:
              - name: p0
                interface: veth0
              - name: p0
                interface: veth1
            """);
    }

    @Test
    void aLinuxInterfaceBacksOnePort() {
        assertOnlyProblem("node.yaml:5: ports[1].interface: Linux interface \"veth0\" is already used by port p0 "
            + "(line 3)", """
            ports:
              - name: p0
                interface: veth0
              - name: p1
                interface: veth0
            """);
    }

    @Test
    void memoryPeerMustExist() {
        assertOnlyProblem("node.yaml:3: ports[0].memory: unknown port \"m9\" (no memory ports are defined)", """
            ports:
              - name: m0
                memory: m9
            """);
        assertOnlyProblem("node.yaml:3: ports[0].memory: unknown port \"m2\" (did you mean \"m1\"?)", """
            ports:
              - name: m0
                memory: m2
              - name: m1
                memory: m0
            """);
    }

    @Test
    void memoryPeerMustBeAMemoryPort() {
        assertOnlyProblem("node.yaml:5: ports[1].memory: port p0 (line 2) is not a memory port: it uses Linux "
            + "interface veth0", """
            ports:
              - name: p0
                interface: veth0
              - name: m0
                memory: p0
            """);
    }

    @Test
    void memoryPeersPointBackAtEachOther() {
        assertOnlyProblem("node.yaml:3: ports[0].memory: port m1 (line 4) is wired to m2, not back to m0", """
            ports:
              - name: m0
                memory: m1
              - name: m1
                memory: m2
              - name: m2
                memory: m1
            """);
    }

    @Test
    void aMemoryPortIsNotWiredToItself() {
        assertOnlyProblem("node.yaml:3: ports[0].memory: a memory port cannot be wired to itself", """
            ports:
              - name: m0
                memory: m0
            """);
    }

    // --- VRs ---

    @Test
    void vrNamesAreUnique() {
        assertOnlyProblem("node.yaml:4: vrs[1].name: duplicate VR name \"red\" (first at line 2)", """
            vrs:
              - name: red
                id: 1
              - name: red
                id: 2
            """);
    }

    @Test
    void vrIdsAreUnique() {
        assertOnlyProblem("node.yaml:5: vrs[1].id: id 7 is already used by VR red (line 3)", """
            vrs:
              - name: red
                id: 7
              - name: blue
                id: 7
            """);
    }

    @Test
    void interfaceNamesAreUniqueWithinAVr() throws Exception {
        assertOnlyProblem("node.yaml:7: vrs[0].interfaces[1].name: duplicate interface name \"eth0\" in VR red "
            + "(first at line 6)", """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: eth0, port: p0, vlan: 1, address: 10.0.1.1/24}
                  - {name: eth0, port: p0, vlan: 2, address: 10.0.2.1/24}
            """);
        // The same interface name in two VRs is fine.
        parse("""
            ports: [{name: p0, interface: veth0}]
            vrs:
              - {name: red, id: 1, interfaces: [{name: eth0, port: p0, vlan: 1, address: 10.0.1.1/24}]}
              - {name: blue, id: 2, interfaces: [{name: eth0, port: p0, vlan: 2, address: 10.0.1.1/24}]}
            """);
    }

    @Test
    void interfacePortMustExist() {
        assertOnlyProblem("node.yaml:8: vrs[0].interfaces[0].port: unknown port \"p1\" (did you mean \"p0\"?)", """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - name: eth0
                    address: 10.0.1.1/24
                    port: p1
            """);
        assertOnlyProblem("node.yaml:6: vrs[0].interfaces[0].port: unknown port \"uplink\" (defined ports: p0, m0, "
            + "m1)", """
            ports: [{name: p0, interface: veth0}, {name: m0, memory: m1}, {name: m1, memory: m0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: eth0, port: uplink, address: 10.0.1.1/24}
            """);
    }

    @Test
    void aPortAndVlanBindToOneInterfaceInTheWholeNode() {
        assertOnlyProblem("node.yaml:11: vrs[1].interfaces[0].vlan: port p0 VLAN 100 is already bound to "
            + "red/eth0 (line 6)", """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: eth0, port: p0, vlan: 100, address: 10.0.1.1/24}
              - name: blue
                id: 2
                interfaces:
                  - name: eth0
                    vlan: 100
                    port: p0
                    address: 10.0.2.1/24
            """);
        assertOnlyProblem("node.yaml:7: vrs[0].interfaces[1].port: port p0 (untagged) is already bound to "
            + "red/a (line 6)", """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: a, port: p0, address: 10.0.1.1/24}
                  - {name: b, port: p0, address: 10.0.2.1/24}
            """);
    }

    @Test
    void untaggedAndTaggedBindingsMayShareAPort() throws Exception {
        final NodeConfig config = parse("""
            ports: [{name: p0, interface: veth0}, {name: p1, interface: veth1}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: untagged, port: p0, address: 10.0.1.1/24}
                  - {name: tagged, port: p0, vlan: 100, address: 10.0.2.1/24}
              - name: blue
                id: 2
                interfaces:
                  - {name: other-vlan, port: p0, vlan: 101, address: 10.0.1.1/24}
                  - {name: same-vlan-other-port, port: p1, vlan: 100, address: 10.0.2.1/24}
            """);
        assertEquals(2, config.vrs().size());
    }

    @Test
    void subnetsWithinAVrDoNotOverlap() {
        assertOnlyProblem("node.yaml:7: vrs[0].interfaces[1].address: subnet 10.0.1.0/25 overlaps subnet "
            + "10.0.1.0/24 of interface eth0 (line 6); the subnets of one VR must not overlap", """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: eth0, port: p0, vlan: 1, address: 10.0.1.1/24}
                  - {name: eth1, port: p0, vlan: 2, address: 10.0.1.9/25}
            """);
        assertOnlyProblem("node.yaml:7: vrs[0].interfaces[1].address: subnet 10.0.0.0/8 overlaps subnet "
            + "10.0.1.0/24 of interface eth0 (line 6); the subnets of one VR must not overlap", """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: eth0, port: p0, vlan: 1, address: 10.0.1.1/24}
                  - {name: eth1, port: p0, vlan: 2, address: 10.9.9.9/8}
            """);
    }

    // --- static routes ---

    private static final String RED = """
        ports: [{name: p0, interface: veth0}]
        vrs:
          - name: red
            id: 1
            interfaces:
              - {name: eth0, port: p0, vlan: 1, address: 10.0.1.1/24}
              - {name: eth1, port: p0, vlan: 2, address: 10.0.2.1/24}
            static-routes:
        """;

    @Test
    void nextHopLiesInAConnectedSubnet() {
        assertOnlyProblem("node.yaml:10: vrs[0].static-routes[0].via: next hop 10.0.3.1 is not in a connected "
            + "subnet of VR red (connected: 10.0.1.0/24 on eth0, 10.0.2.0/24 on eth1)", RED + """
                  - prefix: 0.0.0.0/0
                    via: 10.0.3.1
            """);
        assertOnlyProblem("node.yaml:6: vrs[0].static-routes[0].via: next hop 10.0.3.1 is not in a connected "
            + "subnet of VR red (it has no interfaces)", """
            vrs:
              - name: red
                id: 1
                static-routes:
                  - prefix: 0.0.0.0/0
                    via: 10.0.3.1
            """);
    }

    @Test
    void nextHopLiesInThePinnedInterfacesSubnet() {
        assertOnlyProblem("node.yaml:10: vrs[0].static-routes[0].via: next hop 10.0.1.9 is not in the subnet of "
            + "interface eth1 (10.0.2.0/24)", RED + """
                  - prefix: 0.0.0.0/0
                    via: 10.0.1.9
                    interface: eth1
            """);
    }

    @Test
    void pinnedInterfaceMustExist() {
        assertOnlyProblem("node.yaml:11: vrs[0].static-routes[0].interface: VR red has no interface \"eth2\" "
            + "(did you mean \"eth0\"?)", RED + """
                  - prefix: 0.0.0.0/0
                    via: 10.0.1.9
                    interface: eth2
            """);
        assertOnlyProblem("node.yaml:11: vrs[0].static-routes[0].interface: VR red has no interface \"uplink\" "
            + "(defined interfaces: eth0, eth1)", RED + """
                  - prefix: 0.0.0.0/0
                    via: 10.0.1.9
                    interface: uplink
            """);
    }

    @Test
    void nextHopIsNotTheVrsOwnOrASubnetsSpecialAddress() {
        assertEquals(List.of(
            "node.yaml:10: vrs[0].static-routes[0].via: next hop 10.0.1.1 is this VR's own address on eth0",
            "node.yaml:12: vrs[0].static-routes[1].via: next hop 10.0.2.255 is the broadcast address of "
                + "10.0.2.0/24 on eth1",
            "node.yaml:14: vrs[0].static-routes[2].via: next hop 10.0.2.0 is the network address of 10.0.2.0/24 "
                + "on eth1"), problems(RED + """
                  - prefix: 10.10.0.0/16
                    via: 10.0.1.1
                  - prefix: 10.11.0.0/16
                    via: 10.0.2.255
                  - prefix: 10.12.0.0/16
                    via: 10.0.2.0
            """));
    }

    @Test
    void routePrefixesAreUniqueWithinAVr() throws Exception {
        assertOnlyProblem("node.yaml:11: vrs[0].static-routes[2].prefix: duplicate route 0.0.0.0/0 in VR red "
            + "(first at line 9)", RED + """
                  - {prefix: 0.0.0.0/0, via: 10.0.1.254}
                  - {prefix: 10.9.0.0/16, action: drop}
                  - {prefix: 0.0.0.0/0, via: 10.0.2.254}
            """);
        // The same prefix with different lengths, and in different VRs, is fine.
        parse(RED + """
                  - {prefix: 10.9.0.0/16, action: drop}
                  - {prefix: 10.9.0.0/24, action: reject}
              - name: blue
                id: 2
                static-routes: [{prefix: 10.9.0.0/16, action: drop}]
            """);
    }

    @Test
    void validRoutesOfEveryKindLoad() throws Exception {
        final VrConfig red = parse(RED + """
                  - {prefix: 0.0.0.0/0, via: 10.0.1.254}
                  - {prefix: 10.8.0.0/16, via: 10.0.2.9, interface: eth1}
                  - {prefix: 10.9.0.0/16, action: drop}
                  - {prefix: 10.9.9.9/32, action: reject}
            """).vrs().get(0);
        assertEquals(List.of(
            new StaticRouteConfig(0, 0, Ipv4.parseAddress("10.0.1.254"), null, RouteAction.FORWARD),
            new StaticRouteConfig(Ipv4.parseAddress("10.8.0.0"), 16, Ipv4.parseAddress("10.0.2.9"), "eth1",
                RouteAction.FORWARD),
            new StaticRouteConfig(Ipv4.parseAddress("10.9.0.0"), 16, 0, null, RouteAction.DROP),
            new StaticRouteConfig(Ipv4.parseAddress("10.9.9.9"), 32, 0, null, RouteAction.REJECT)), red.staticRoutes());
    }

    @Test
    void aBrokenValueDoesNotCascade() {
        // eth0's address is broken: the route via 10.0.1.254 cannot be judged and is not reported,
        // and the unknown port p9 is reported once.
        assertEquals(List.of(
            "node.yaml:6: vrs[0].interfaces[0].address: \"10.0.1.1/24x\" is not an IPv4 prefix (a.b.c.d/len): "
                + "unexpected character 'x' in the prefix length",
            "node.yaml:7: vrs[0].interfaces[1].port: unknown port \"p9\" (did you mean \"p0\"?)"), problems("""
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: eth0, port: p0, address: 10.0.1.1/24x}
                  - {name: eth1, port: p9, address: 10.0.2.1/24}
                static-routes:
                  - {prefix: 0.0.0.0/0, via: 10.0.1.254}
            """));
    }

    // --- programmatic configs ---

    @Test
    void validateChecksConfigsBuiltInCode() {
        final InterfaceConfig eth0 = new InterfaceConfig("eth0", "p0", 0, Ipv4.parseAddress("10.0.1.1"), 24, 1500);
        final NodeConfig config = new NodeConfig("box1", 1, ManagementConfig.DEFAULT,
            List.of(PortConfig.linux("p0", "veth0")),
            List.of(new VrConfig("red", 1, List.of(eth0), List.of()),
                new VrConfig("blue", 1, List.of(eth0), List.of(StaticRouteConfig.forward(
                    Ipv4.parsePrefix("0.0.0.0/0"), Ipv4.parseAddress("192.0.2.1"))))));
        final ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.validate(config));
        assertEquals(List.of(
            "vrs[1].id: id 1 is already used by VR red",
            "vrs[1].static-routes[0].via: next hop 192.0.2.1 is not in a connected subnet of VR blue (connected: "
                + "10.0.1.0/24 on eth0)",
            "vrs[1].interfaces[0].port: port p0 (untagged) is already bound to red/eth0"), e.problems());
    }

    @Test
    void recordsRefuseInvalidFields() {
        final int a = Ipv4.parseAddress("10.0.1.1");
        assertThrows(IllegalArgumentException.class, () -> new InterfaceConfig("eth0", "p0", 4095, a, 24, 1500));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceConfig("eth0", "p0", 0, a, 24, 67));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceConfig("eth0", "p0", 0, a, 0, 1500));
        assertThrows(IllegalArgumentException.class,
            () -> new InterfaceConfig("eth0", "p0", 0, Ipv4.parseAddress("10.0.1.0"), 24, 1500));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceConfig("e th0", "p0", 0, a, 24, 1500));
        assertThrows(IllegalArgumentException.class, () -> new PortConfig("p0", "veth0", "m1"));
        assertThrows(IllegalArgumentException.class, () -> new PortConfig("p0", null, null));
        assertThrows(IllegalArgumentException.class, () -> PortConfig.linux("p0", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> new StaticRouteConfig(a, 24, 0, null, RouteAction.DROP));
        assertThrows(IllegalArgumentException.class, () -> new StaticRouteConfig(0, 0, 0, null, RouteAction.FORWARD));
        assertThrows(IllegalArgumentException.class, () -> new StaticRouteConfig(0, 0, a, null, RouteAction.DROP));
        assertThrows(IllegalArgumentException.class, () -> new StaticRouteConfig(0, 0, 0, "eth0", RouteAction.DROP));
        assertThrows(IllegalArgumentException.class, () -> new VrConfig("red", 0, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
            () -> new NodeConfig("box1", 65, ManagementConfig.DEFAULT, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ManagementConfig("h", 0, null));
        assertThrows(IllegalArgumentException.class,
            () -> new ManagementConfig("h", 1, java.nio.file.Path.of("relative")));
    }
}
