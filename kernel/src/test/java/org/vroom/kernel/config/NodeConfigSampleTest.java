package org.vroom.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped sample loads into exactly the records it describes; defaults; the public entry points. */
class NodeConfigSampleTest {
    private static final String SAMPLE = "/org/vroom/kernel/config/sample-node.yaml";

    static String sampleText() throws IOException {
        try (InputStream in = NodeConfigSampleTest.class.getResourceAsStream(SAMPLE)) {
            assertNotNull(in, "sample-node.yaml is on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int ip(String dotted) {
        return Ipv4.parseAddress(dotted);
    }

    /** The sample, written out as records by hand. */
    private static NodeConfig expectedSample() {
        final VrConfig red = new VrConfig("red", 1,
            List.of(
                new InterfaceConfig("eth0", "p0", 100, ip("10.0.1.1"), 24, 1500),
                new InterfaceConfig("eth1", "m0", 0, ip("10.0.2.1"), 24, 1500)),
            List.of(
                new StaticRouteConfig(0, 0, ip("10.0.1.254"), null, RouteAction.FORWARD),
                new StaticRouteConfig(ip("192.0.2.0"), 24, 0, null, RouteAction.DROP),
                new StaticRouteConfig(ip("198.51.100.0"), 24, ip("10.0.2.9"), "eth1", RouteAction.FORWARD)));
        final VrConfig blue = new VrConfig("blue", 2,
            List.of(
                new InterfaceConfig("eth0", "p0", 0, ip("10.0.1.1"), 24, 1500),
                new InterfaceConfig("lo0", "m1", 7, ip("192.168.255.1"), 32, 1500)),
            List.of(new StaticRouteConfig(ip("203.0.113.0"), 24, 0, null, RouteAction.REJECT)));
        return new NodeConfig("box1", 1,
            new ManagementConfig("127.0.0.1", 7878, Path.of("/etc/vroom/token")),
            List.of(PortConfig.linux("p0", "veth0"), PortConfig.memory("m0", "m1"), PortConfig.memory("m1", "m0")),
            List.of(red, blue));
    }

    @Test
    void sampleParsesIntoTheExpectedRecords() throws Exception {
        assertEquals(expectedSample(), NodeConfigLoader.parse(sampleText(), "sample-node.yaml"));
    }

    @Test
    void sampleLoadsFromAFile(@TempDir Path dir) throws Exception {
        final Path file = dir.resolve("node.yaml");
        Files.writeString(file, sampleText());
        assertEquals(expectedSample(), NodeConfigLoader.load(file));
    }

    @Test
    void sampleModelPassesProgrammaticValidation() throws Exception {
        NodeConfigLoader.validate(expectedSample());
    }

    @Test
    void recordsAreImmutable() throws Exception {
        final NodeConfig config = NodeConfigLoader.parse(sampleText(), "sample-node.yaml");
        assertThrows(UnsupportedOperationException.class, () -> config.vrs().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.ports().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.vrs().get(0).interfaces().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.vrs().get(0).staticRoutes().clear());
    }

    @Test
    void lookupsAndDerivedValues() throws Exception {
        final NodeConfig config = NodeConfigLoader.parse(sampleText(), "sample-node.yaml");
        final VrConfig red = config.findVr("red").orElseThrow();
        final InterfaceConfig eth0 = red.findInterface("eth0").orElseThrow();
        assertEquals("10.0.1.0/24", eth0.subnet().toString());
        assertTrue(eth0.inSubnet(ip("10.0.1.254")));
        assertTrue(eth0.isTagged());
        assertTrue(config.findPort("m0").orElseThrow().isMemory());
        assertTrue(config.findVr("green").isEmpty());
        assertEquals("127.0.0.1:7878", config.management().listen());
        assertEquals("InterfaceConfig[name=eth0, port=p0, vlan=100, address=10.0.1.1/24, mtu=1500]", eth0.toString());
        assertEquals("StaticRouteConfig[198.51.100.0/24 via 10.0.2.9 interface eth1]",
            red.staticRoutes().get(2).toString());
        assertEquals("StaticRouteConfig[192.0.2.0/24 drop]", red.staticRoutes().get(1).toString());
    }

    @Test
    void everythingOptionalTakesItsDefault() throws Exception {
        final NodeConfig config = ConfigTesting.parse("""
            ports:
              - name: p0
                interface: veth0
            vrs:
              - name: red
                id: 7
                interfaces:
                  - name: eth0
                    port: p0
                    address: 10.0.1.1/24
            """);
        assertEquals(NodeConfigLoader.defaultNodeName(), config.name());
        assertEquals(1, config.workers());
        assertEquals(ManagementConfig.DEFAULT, config.management());
        assertNull(config.management().tokenFile());
        final InterfaceConfig eth0 = config.vrs().get(0).interfaces().get(0);
        assertEquals(InterfaceConfig.UNTAGGED, eth0.vlan());
        assertEquals(1500, eth0.mtu());
        assertEquals(List.of(), config.vrs().get(0).staticRoutes());
    }

    @Test
    void emptyValuesCountAsAbsent() throws Exception {
        final NodeConfig config = ConfigTesting.parse("""
            node:
              name:
              workers: ~
              management:
            ports:
            vrs: []
            """);
        assertEquals(NodeConfigLoader.defaultNodeName(), config.name());
        assertEquals(1, config.workers());
        assertEquals(ManagementConfig.DEFAULT, config.management());
        assertEquals(List.of(), config.ports());
        assertEquals(List.of(), config.vrs());
    }

    @Test
    void quotedNumbersAndFlowStyleAreAccepted() throws Exception {
        final NodeConfig config = ConfigTesting.parse("""
            node: {name: "yes", workers: "4", management: {listen: "[::1]:9000"}}
            ports: [{name: p0, interface: "eth0.100"}]
            vrs: [{name: red, id: "16777215", interfaces: [{name: e, port: p0, address: 10.0.0.1/31, mtu: 9000}]}]
            """);
        assertEquals("yes", config.name());
        assertEquals(4, config.workers());
        assertEquals(new ManagementConfig("::1", 9000, null), config.management());
        assertEquals("[::1]:9000", config.management().listen());
        assertEquals("eth0.100", config.ports().get(0).linuxInterface());
        assertEquals(VrConfig.MAX_ID, config.vrs().get(0).id());
        assertEquals(9000, config.vrs().get(0).interfaces().get(0).mtu());
    }

    @Test
    void listenAcceptsHostNamesAndAllAddresses() throws Exception {
        assertEquals(new ManagementConfig("0.0.0.0", 1, null), ConfigTesting.parse("""
            node: {management: {listen: "0.0.0.0:1"}}
            """).management());
        assertEquals(new ManagementConfig("mgmt-1.example.org", 65535, null), ConfigTesting.parse("""
            node: {management: {listen: "mgmt-1.example.org:65535"}}
            """).management());
    }

    @Test
    void defaultNodeNameIsTheHostName() throws IOException {
        final String name = NodeConfigLoader.defaultNodeName();
        assertNull(Text.nameProblem(name, Text.MAX_NODE_NAME));
        final Path proc = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(proc)) {
            final String host = Files.readString(proc).trim();
            if (Text.nameProblem(host, Text.MAX_NODE_NAME) == null) {
                assertEquals(host, name);
            }
        }
    }

    @Test
    void loadReportsUnreadableFiles(@TempDir Path dir) {
        final Path missing = dir.resolve("missing.yaml");
        assertEquals(List.of(missing + ": cannot read: no such file"),
            assertThrows(ConfigException.class, () -> NodeConfigLoader.load(missing)).problems());
        assertTrue(assertThrows(ConfigException.class, () -> NodeConfigLoader.load(dir)).problems().get(0)
            .startsWith(dir + ": cannot read: "));
    }

    @Test
    void loadNamesTheFileInEveryMessage(@TempDir Path dir) throws IOException {
        final Path file = dir.resolve("box.yaml");
        Files.writeString(file, "node:\n  workers: 0\n");
        final ConfigException e = assertThrows(ConfigException.class, () -> NodeConfigLoader.load(file));
        assertEquals(List.of(file + ":2: node.workers: 0 is out of range 1..64"), e.problems());
        assertEquals(e.problems().get(0), e.getMessage());
    }

    @Test
    void loadSkipsAUtf8ByteOrderMark(@TempDir Path dir) throws Exception {
        final Path file = dir.resolve("bom.yaml");
        Files.writeString(file, "\uFEFFnode:\n  workers: 2\n");
        assertEquals(2, NodeConfigLoader.load(file).workers());
    }
}
