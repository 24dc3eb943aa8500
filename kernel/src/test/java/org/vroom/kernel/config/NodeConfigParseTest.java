package org.vroom.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.kernel.config.ConfigTesting.assertOnlyProblem;
import static org.vroom.kernel.config.ConfigTesting.problems;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Structure, kinds, ranges and text forms of single values; every message with its line. */
class NodeConfigParseTest {

    @Test
    void emptyFile() {
        assertOnlyProblem("node.yaml: the file is empty; expected a mapping with keys node, ports and vrs", "");
        assertOnlyProblem("node.yaml: the file is empty; expected a mapping with keys node, ports and vrs",
            "# only a comment\n\n");
    }

    @Test
    void rootMustBeAMapping() {
        assertOnlyProblem("node.yaml:1: expected a mapping with keys node, ports and vrs at the top of the file, "
            + "found a list", "- node\n- ports\n");
        assertOnlyProblem("node.yaml:1: expected a mapping with keys node, ports and vrs at the top of the file, "
            + "found a single value (\"hello\")", "hello\n");
    }

    @Test
    void unknownKeyWithSuggestion() {
        assertOnlyProblem("node.yaml:6: vrs[0].interfaces[0].adress: unknown key (did you mean \"address\"?)", """
            vrs:
              - name: red
                id: 1
                interfaces:
                  - name: eth0
                    adress: 10.0.1.1/24
                    address: 10.0.1.1/24
                    port: p0
            ports: [{name: p0, interface: veth0}]
            """);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "static_routes | static-routes",
        "Interfaces | interfaces",
        "intefaces | interfaces",
        "nmae | name",
        "di | id",
    })
    void unknownVrKeysSuggestTheClosest(String typo, String meant) {
        final String yaml = "vrs:\n  - name: red\n    id: 1\n    " + typo + ": []\n";
        assertEquals(List.of("node.yaml:4: vrs[0]." + typo + ": unknown key (did you mean \"" + meant + "\"?)"),
            problems(yaml).stream().filter(p -> p.contains("unknown key")).toList());
    }

    @Test
    void unknownKeyWithoutACloseMatchListsTheKeys() {
        assertOnlyProblem("node.yaml:3: node.threads: unknown key (expected one of: name, workers, management)", """
            node:
              name: box1
              threads: 4
            """);
        assertOnlyProblem("node.yaml:1: routers: unknown key (expected one of: node, ports, vrs)", "routers: []\n");
    }

    @Test
    void duplicateKeys() {
        assertOnlyProblem("node.yaml:3: node.workers: duplicate key (first at line 2)", """
            node:
              workers: 2
              workers: 3
            """);
    }

    @Test
    void missingRequiredKeys() {
        assertEquals(List.of(
            "node.yaml:2: vrs[0]: missing \"id\"",
            "node.yaml:4: vrs[0].interfaces[0]: missing \"name\"",
            "node.yaml:4: vrs[0].interfaces[0]: missing \"port\"",
            "node.yaml:5: vrs[0].interfaces[0].address: missing value"), problems("""
            vrs:
              - name: red
                interfaces:
                  - mtu: 1500
                    address:
            """));
    }

    @Test
    void wrongKindsOfValue() {
        assertEquals(List.of(
            "node.yaml:2: node.name: expected a single value, found a list",
            "node.yaml:3: node.management: expected the management section (listen, token-file), "
                + "found a single value (\"127.0.0.1:7878\")",
            "node.yaml:4: ports: expected a list, found a mapping",
            "node.yaml:7: vrs[0]: expected a VR (name, id, interfaces, static-routes), found a single value (\"red\")"),
            problems("""
                node:
                  name: [a, b]
                  management: 127.0.0.1:7878
                ports:
                  name: p0
                vrs:
                  - red
                """));
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        final List<String> problems = problems("""
            ports:
              - name: p0
               interface: veth0
            """);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("node.yaml:3: YAML syntax error: "), problems::toString);
        assertTrue(problems.get(0).endsWith("; check the indentation"), problems::toString);
        assertEquals(List.of("node.yaml:2: YAML syntax error: expected ',' or '}', but got <stream end> (while "
            + "parsing a flow mapping started at line 1)"), problems("node: {workers: 1\n"));
        assertEquals(List.of("node.yaml:3: YAML syntax error: found unexpected end of stream (while scanning a "
            + "quoted scalar started at line 2)"), problems("node:\n  name: \"abc\n"));
    }

    @Test
    void keysMustBePlainText() {
        assertOnlyProblem("node.yaml:1: keys must be plain text, found a list", "? [a, b]\n: c\n");
    }

    @Test
    void problemsAreCappedAndCounted() {
        final StringBuilder yaml = new StringBuilder("ports:\n");
        for (int i = 0; i < 130; i++) {
            yaml.append("  - {name: -p").append(i).append(", interface: veth").append(i).append("}\n");
        }
        final List<String> problems = problems(yaml.toString());
        assertEquals(Problems.MAX + 1, problems.size());
        assertEquals("node.yaml:2: ports[0].name: \"-p0\" is not a valid name (letters, digits, '_', '.', '-'; "
            + "starting with a letter or digit)", problems.get(0));
        assertEquals("node.yaml: ... and 30 more problems", problems.get(Problems.MAX));
    }

    @Test
    void tabsAreASyntaxError() {
        assertEquals(List.of("node.yaml:2: YAML syntax error: found character '\\t(TAB)' that cannot start any "
            + "token. (Do not use \\t(TAB) for indentation) (while scanning for the next token)"),
            problems("node:\n\tworkers: 1\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 | 0 is out of range 1..64",
        "65 | 65 is out of range 1..64",
        "-1 | -1 is out of range 1..64",
        "010 | \"010\" has a leading zero (octal or decimal?)",
        "0x10 | \"0x10\" is not a whole number",
        "1_000 | \"1_000\" is not a whole number",
        "1.5 | \"1.5\" is not a whole number",
        "four | \"four\" is not a whole number",
        "'+4' | \"+4\" is not a whole number",
        "99999999999999999999 | \"99999999999999999999\" is not a whole number in range",
    })
    void workersRange(String value, String message) {
        assertOnlyProblem("node.yaml:2: node.workers: " + message, "node:\n  workers: " + value + "\n");
    }

    @Test
    void workersBounds() throws Exception {
        assertEquals(64, ConfigTesting.parse("node:\n  workers: 64\n").workers());
        assertEquals(1, ConfigTesting.parse("node:\n  workers: 1\n").workers());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'box 1' | \"box 1\" is not a valid name (letters, digits, '_', '.', '-'; starting with a letter or digit)",
        "-box | \"-box\" is not a valid name (letters, digits, '_', '.', '-'; starting with a letter or digit)",
        "'a\tb' | \"a\\tb\" is not a valid name (letters, digits, '_', '.', '-'; starting with a letter or digit)",
    })
    void nodeName(String value, String message) {
        assertOnlyProblem("node.yaml:2: node.name: " + message, "node:\n  name: " + value + "\n");
    }

    @Test
    void namesAreLimitedInLength() {
        final String longName = "a".repeat(33);
        assertOnlyProblem("node.yaml:2: ports[0].name: \"" + longName + "\" is longer than 32 characters",
            "ports:\n  - name: " + longName + "\n    interface: veth0\n");
        final String longNode = "b".repeat(65);
        assertOnlyProblem("node.yaml:1: node.name: \"" + longNode.substring(0, 60) + "...\" is longer than 64 characters",
            "node: {name: " + longNode + "}\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1 | \"127.0.0.1\" is not host:port (e.g. 127.0.0.1:7878)",
        "127.0.0.1:0 | \"127.0.0.1:0\": port 0 is out of range 1..65535",
        "127.0.0.1:65536 | \"127.0.0.1:65536\": port 65536 is out of range 1..65535",
        "127.0.0.1:http | \"127.0.0.1:http\": \"http\" is not a port number (1..65535)",
        "127.0.0.1:08080 | \"127.0.0.1:08080\": \"08080\" is not a port number (1..65535)",
        "127.0.0.1: | \"127.0.0.1:\": \"\" is not a port number (1..65535)",
        ":7878 | \":7878\": missing host (e.g. 127.0.0.1:7878, or 0.0.0.0:7878 for all addresses)",
        "127.0.0.300:7878 | \"127.0.0.300\" is not an IPv4 address (a.b.c.d): octet 300 is out of range 0..255",
        "::1:7878 | \"::1:7878\": an IPv6 host must be in brackets, e.g. [::1]:7878",
        "[::g]:7878 | \"[::g]:7878\": \"::g\" is not an IPv6 address",
        "[1:2:3]:7878 | \"[1:2:3]:7878\": \"1:2:3\" is not an IPv6 address",
        "bad_host:7878 | \"bad_host:7878\": \"bad_host\" is not a valid host name or address",
        "-x.org:7878 | \"-x.org:7878\": \"-x.org\" is not a valid host name or address",
    })
    void managementListen(String listen, String message) {
        assertOnlyProblem("node.yaml:3: node.management.listen: " + message,
            "node:\n  management:\n    listen: \"" + listen + "\"\n");
    }

    @Test
    void tokenFileMustBeAbsolute() {
        assertOnlyProblem("node.yaml:4: node.management.token-file: \"etc/token\" is not an absolute path", """
            node:
              management:
                listen: 127.0.0.1:7878
                token-file: etc/token
            """);
    }

    @Test
    void portsNeedExactlyOneOfInterfaceAndMemory() {
        assertEquals(List.of(
            "node.yaml:2: ports[0]: missing \"interface\" (a Linux interface) or \"memory\" (the peer of an "
                + "in-memory port)",
            "node.yaml:5: ports[1]: set either interface or memory, not both"), problems("""
            ports:
              - name: p0
              - name: p1
                interface: veth1
                memory: p0
            """));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "averyveryverylongname | \"averyveryverylongname\" is longer than 15 bytes (Linux IFNAMSIZ)",
        "eth0:1 | \"eth0:1\" is not a valid Linux interface name (no '/', ':' or white space)",
        "a/b | \"a/b\" is not a valid Linux interface name (no '/', ':' or white space)",
        "'a b' | \"a b\" is not a valid Linux interface name (no '/', ':' or white space)",
        "'..' | \"..\" is not a valid Linux interface name",
    })
    void linuxInterfaceNames(String name, String message) {
        assertOnlyProblem("node.yaml:3: ports[0].interface: " + message,
            "ports:\n  - name: p0\n    interface: " + name + "\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "vlan: 0 | vlan: 0 is out of range 1..4094",
        "vlan: 4095 | vlan: 4095 is out of range 1..4094",
        "vlan: -5 | vlan: -5 is out of range 1..4094",
        "mtu: 67 | mtu: 67 is out of range 68..9000",
        "mtu: 9001 | mtu: 9001 is out of range 68..9000",
        "address: 10.0.1.300/24 | address: \"10.0.1.300/24\" is not an IPv4 prefix (a.b.c.d/len): octet 300 is "
            + "out of range 0..255",
        "address: 10.0.1.1 | address: \"10.0.1.1\" is not an IPv4 prefix (a.b.c.d/len): missing \"/len\"",
        "address: 10.0.1.1/33 | address: \"10.0.1.1/33\" is not an IPv4 prefix (a.b.c.d/len): prefix length 33 is "
            + "out of range 0..32",
        "address: 10.0.1.1/0 | address: prefix length 0 is out of range 1..32 for an interface address",
        "address: 10.0.1.0/24 | address: 10.0.1.0 is the network address of 10.0.1.0/24 (pick a host address, or "
            + "use /31 or /32)",
        "address: 10.0.1.255/24 | address: 10.0.1.255 is the broadcast address of 10.0.1.0/24 (pick a host "
            + "address, or use /31 or /32)",
        "address: 10.0.1.3/30 | address: 10.0.1.3 is the broadcast address of 10.0.1.0/30 (pick a host address, "
            + "or use /31 or /32)",
        "address: 127.0.0.1/8 | address: 127.0.0.1 is a loopback address (127.0.0.0/8)",
        "address: 224.0.0.5/24 | address: 224.0.0.5 is a multicast address (224.0.0.0/4)",
        "address: 0.0.0.1/24 | address: 0.0.0.1 is in 0.0.0.0/8 (\"this network\")",
    })
    void interfaceValues(String line, String message) {
        // Line 6 of the snippet is the line under test.
        final String yaml = """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - %s
                    name: eth0
                    port: p0
            """.formatted(line.startsWith("address") ? line : line + "\n        address: 10.0.1.1/24");
        assertOnlyProblem("node.yaml:6: vrs[0].interfaces[0]." + message, yaml);
    }

    @Test
    void slash31And32AddressesMayUseTheirWholeSubnet() throws Exception {
        final NodeConfig config = ConfigTesting.parse("""
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces:
                  - {name: a, port: p0, vlan: 1, address: 10.0.0.0/31}
                  - {name: b, port: p0, vlan: 2, address: 10.0.0.3/31}
                  - {name: c, port: p0, vlan: 3, address: 10.0.1.0/32}
                  - {name: d, port: p0, vlan: 4, address: 240.0.0.1/24}
            """);
        assertEquals(4, config.vrs().get(0).interfaces().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "id: 0 | id: 0 is out of range 1..16777215",
        "id: 16777216 | id: 16777216 is out of range 1..16777215",
        "id: one | id: \"one\" is not a whole number",
    })
    void vrIdRange(String line, String message) {
        assertOnlyProblem("node.yaml:3: vrs[0]." + message, "vrs:\n  - name: red\n    " + line + "\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "prefix: 10.1.2.3/8 | prefix: \"10.1.2.3/8\" has host bits set (did you mean 10.0.0.0/8?)",
        "prefix: 10.0.0.0 | prefix: \"10.0.0.0\" is not an IPv4 prefix (a.b.c.d/len): missing \"/len\"",
        "via: 10.0.1.256 | via: \"10.0.1.256\" is not an IPv4 address (a.b.c.d): octet 256 is out of range 0..255",
        "via: 127.0.0.1 | via: next hop 127.0.0.1 is a loopback address (127.0.0.0/8)",
        "action: blackhole | action: \"blackhole\" is not an action (expected drop or reject)",
        "action: drp | action: \"drp\" is not an action (expected drop or reject) (did you mean \"drop\"?)",
        "action: forward | action: \"forward\" is not written as an action: give \"via\" (the next hop) instead",
    })
    void routeValues(String line, String message) {
        final String[] kv = line.split(": ", 2);
        final String rest = switch (kv[0]) {
            case "prefix" -> "        via: 10.0.1.254\n";
            default -> "        prefix: 10.9.0.0/16\n";
        };
        final String yaml = """
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces: [{name: eth0, port: p0, address: 10.0.1.1/24}]
                static-routes:
                  - %s
            %s""".formatted(line, rest);
        assertOnlyProblem("node.yaml:7: vrs[0].static-routes[0]." + message, yaml);
    }

    @Test
    void routesNeedExactlyOneOfViaAndAction() {
        assertEquals(List.of(
            "node.yaml:7: vrs[0].static-routes[0]: missing \"via\" (the next hop) or \"action\" (drop or reject)",
            "node.yaml:10: vrs[0].static-routes[1]: set either via or action, not both",
            "node.yaml:13: vrs[0].static-routes[2].interface: only allowed with \"via\" (it pins the next hop's "
                + "interface)"), problems("""
            ports: [{name: p0, interface: veth0}]
            vrs:
              - name: red
                id: 1
                interfaces: [{name: eth0, port: p0, address: 10.0.1.1/24}]
                static-routes:
                  - prefix: 10.1.0.0/16
                  - prefix: 10.2.0.0/16
                    via: 10.0.1.2
                    action: drop
                  - prefix: 10.3.0.0/16
                    action: reject
                    interface: eth0
            """));
    }

    @Test
    void manyProblemsAreReportedTogetherInLineOrder() throws IOException {
        final String yaml;
        try (InputStream in = getClass().getResourceAsStream("/config/many-problems.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> NodeConfigLoader.parse(yaml, "many-problems.yaml"));
        assertEquals(List.of(
            "many-problems.yaml:3: node.workers: 65 is out of range 1..64",
            "many-problems.yaml:4: node.managment: unknown key (did you mean \"management\"?)",
            "many-problems.yaml:9: ports[1].name: duplicate port name \"p0\" (first at line 7)",
            "many-problems.yaml:12: ports[2].memory: unknown port \"m9\" (no memory ports are defined)",
            "many-problems.yaml:17: vrs[0].interfaces[0]: missing \"address\"",
            "many-problems.yaml:18: vrs[0].interfaces[0].adress: unknown key (did you mean \"address\"?)",
            "many-problems.yaml:21: vrs[0].interfaces[1].vlan: 4095 is out of range 1..4094",
            "many-problems.yaml:22: vrs[0].interfaces[1].address: \"10.0.1.300/24\" is not an IPv4 prefix "
                + "(a.b.c.d/len): octet 300 is out of range 0..255",
            "many-problems.yaml:25: vrs[0].static-routes[0].prefix: \"10.1.2.3/8\" has host bits set (did you "
                + "mean 10.0.0.0/8?)",
            "many-problems.yaml:27: vrs[1].name: duplicate VR name \"red\" (first at line 14)",
            "many-problems.yaml:28: vrs[1].id: id 1 is already used by VR red (line 15)"), e.problems());
        assertTrue(e.getMessage().startsWith("11 configuration problems:\n  many-problems.yaml:3: "), e::getMessage);
    }
}
