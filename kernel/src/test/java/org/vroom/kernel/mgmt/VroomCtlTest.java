package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vroomctl against a running server: output of every command and every error path with its exit code. */
class VroomCtlTest {
    @TempDir
    Path dir;
    private ApiTesting api;
    private Map<String, String> env;
    private Path tokenFile;

    @BeforeEach
    void start() throws IOException {
        api = new ApiTesting();
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, ApiTesting.TOKEN + "\n");
        env = new HashMap<>(Map.of("VROOM_API", api.server.url(), "VROOM_RUN_DIR", dir.resolve("run").toString()));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ApiTesting.Ctl ctl(String... args) {
        return api.ctl(env, args);
    }

    private ApiTesting.Ctl ok(String... args) {
        final ApiTesting.Ctl r = ctl(args);
        assertEquals(VroomCtl.OK, r.code(), () -> String.join(" ", args) + ": " + r.err());
        assertEquals("", r.err());
        return r;
    }

    private ApiTesting.Ctl fails(int code, String... args) {
        final ApiTesting.Ctl r = ctl(args);
        assertEquals(code, r.code(), () -> String.join(" ", args) + ": out " + r.out() + " err " + r.err());
        assertTrue(r.err().startsWith("vroomctl: "), r.err());
        return r;
    }

    private Path file(String name, String text) throws IOException {
        final Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void node() {
        final String out = ok("node").out();
        assertTrue(out.contains("node        lab1\n"), out);
        assertTrue(out.contains("started     2026-11-02T10:00:00Z (up 1h 2m "), out);
        assertTrue(out.contains("VRs         2\n"), out);
        assertTrue(out.contains("ports       p0 (linux veth0), p1 (linux veth1), m0 (memory, peer m1), m1 (memory,"
            + " peer m0)\n"), out);
    }

    @Test
    void vrs() {
        assertEquals("""
            NAME  ID  STATE    INTERFACES  RIB  FIB
            red   1   running  2           6    6
            blue  2   running  1           2    2
            """, ok("vrs").out());
    }

    @Test
    void vr() {
        final String out = ok("vr", "red").out();
        assertTrue(out.startsWith("VR          red\nid          1\nstate       running\n"), out);
        assertTrue(out.contains("""
            INTERFACE  PORT  VLAN  ADDRESS      MTU   MAC                BOUND
            eth0       p0    -     10.0.1.1/24  1500  02:00:00:01:00:00  yes
            eth1       p1    100   10.0.2.1/24  9000  02:00:00:01:00:01  no
            """), out);
        assertTrue(out.contains("""
            STATIC ROUTE  VIA         ACTION   INTERFACE
            0.0.0.0/0     10.0.1.254  forward  -
            10.9.0.0/16   -           drop     -
            """), out);
    }

    @Test
    void interfacesRibNeighboursCounters() {
        assertTrue(ok("interfaces", "blue").out().contains("eth0       p0    200   192.168.1.1/24"));
        assertEquals("""
               PREFIX       PROTOCOL   DIST/METRIC  NEXT HOP    INTERFACE
            *  0.0.0.0/0    static     1/0          10.0.1.254  eth0
            *  10.0.1.0/24  connected  0/0          connected   eth0
            *  10.0.1.1/32  local      0/0          connected   eth0
            *  10.0.2.0/24  connected  0/0          connected   eth1
            *  10.0.2.1/32  local      0/0          connected   eth1
            *  10.9.0.0/16  static     1/0          drop        -
            """, ok("rib", "red").out());
        final String n = ok("neighbours", "red").out();
        assertEquals("""
            ADDRESS     MAC                STATE       INTERFACE
            10.0.1.254  02:aa:bb:cc:dd:ee  reachable   eth0
            10.0.2.7    -                  incomplete  eth1
            """, n);
        assertEquals("no neighbours\n", ok("neighbors", "blue").out());
        final String c = ok("counters", "red").out();
        assertTrue(c.matches("(?s)COUNTER +VALUE\nrx_packets +201\nforwarded +20\ntx_packets +0\n.*"), c);
        assertEquals(org.vroom.kernel.stats.VrCounter.COUNT + 1, c.lines().count());
    }

    @Test
    void fib() {
        assertEquals("""
            PREFIX     KIND     NEXT HOP    INTERFACE  MAC                ADJACENCY
            0.0.0.0/0  forward  10.0.1.254  eth0       02:aa:bb:cc:dd:ee  0
            """, ok("fib", "red", "8.8.8.8").out());
        assertTrue(ok("fib", "red", "10.0.2.0/24").out().contains("10.0.2.0/24  glean  -         eth1"));
        assertEquals("no route to 8.8.8.8 (the packet would be dropped)\n", ok("fib", "blue", "8.8.8.8").out());
        assertEquals("no FIB entry for 10.0.0.0/8\n", ok("fib", "red", "10.0.0.0/8").out());
        assertEquals("FIB of red: 6 routes; give an ADDRESS or a PREFIX to see an entry\n", ok("fib", "red").out());
        final ApiTesting.Ctl bad = fails(VroomCtl.REJECTED, "fib", "red", "10.0.0.1/8");
        assertTrue(bad.err().contains("has host bits set (did you mean 10.0.0.0/8?) [prefix]"), bad.err());
    }

    @Test
    void jsonPrintsTheApiAnswer() throws IOException {
        final JsonNode printed = ApiJson.MAPPER.readTree(ok("--json", "vr", "red").out());
        assertEquals(api.get("/api/v1/vrs/red").json(), printed);
        assertEquals(api.get("/api/v1/node").json().path("name"),
            ApiJson.MAPPER.readTree(ok("node", "--json").out()).path("name"));
    }

    @Test
    void createUpdateDeleteFreezeThaw() throws IOException {
        final Path yaml = file("green.yaml", """
            # copied from a node file
            vrs:
              - name: green
                id: 7
                interfaces:
                  - name: e0
                    port: p1
                    vlan: 300
                    address: 10.7.0.1/30
                static-routes:
                  - prefix: 10.70.0.0/16
                    via: 10.7.0.2
            """);
        assertEquals("created VR green (id 7, 1 interfaces, running)\n",
            ok("--token-file", tokenFile.toString(), "create", yaml.toString()).out());
        assertEquals(300, api.get("/api/v1/vrs/green").json().path("interfaces").get(0).path("vlan").asInt());

        final Path json = file("green2.json", """
            {"name": "green", "id": 7, "interfaces": [{"name": "e0", "port": "p1", "vlan": 301, "address": "10.7.0.1/30"}]}
            """);
        env.put("VROOM_TOKEN_FILE", tokenFile.toString());
        final String update = ok("update", "green", json.toString()).out();
        assertEquals("""
            applied        interfaces[e0].vlan: vlan 300 -> vlan 301
            applied        static-routes[10.70.0.0/16]: removed (via 10.7.0.2)
            """, update);
        assertEquals("VR green: nothing changed\n", ok("update", "green", json.toString()).out());

        assertEquals("VR green is now frozen\n", ok("freeze", "green").out());
        assertEquals("VR green was already frozen\n", ok("freeze", "green").out());
        assertEquals("VR green is now running\n", ok("thaw", "green").out());
        assertEquals("deleted VR green (id 7)\n", ok("delete", "green").out());
        assertEquals(6, fails(VroomCtl.NOT_FOUND, "delete", "green").code());
    }

    @Test
    void updateThatNeedsARestart() throws IOException {
        final Path f = file("blue.yml", """
            name: blue
            id: 2
            interfaces:
              - {name: eth0, port: p0, vlan: 200, address: 192.168.1.2/24}
            """);
        env.put("VROOM_TOKEN_FILE", tokenFile.toString());
        assertEquals("""
            needs restart  interfaces[eth0].address: 192.168.1.1/24 -> 192.168.1.2/24
            VR blue must restart for the changes marked "needs restart" to take effect
            """, ok("update", "blue", f.toString()).out());
    }

    @Test
    void tokenFoundInTheDefaultRunDirectory() throws IOException {
        final Path runToken = dir.resolve("run/lab1/api.token");
        Files.createDirectories(runToken.getParent());
        Files.writeString(runToken, ApiTesting.TOKEN);
        assertEquals("VR red is now frozen\n", ok("freeze", "red").out());
    }

    @Test
    void missingDefaultTokenFile() {
        final ApiTesting.Ctl r = fails(VroomCtl.UNAUTHORIZED, "freeze", "red");
        assertTrue(r.err().contains(dir.resolve("run/lab1/api.token") + " does not exist"), r.err());
        assertEquals(0, api.node.calls("freeze"));
    }

    @Test
    void wrongTokenPrintsTheServersError() throws IOException {
        final Path wrong = file("wrong", "not-the-right-token-at-all\n");
        final ApiTesting.Ctl r = fails(VroomCtl.UNAUTHORIZED, "--token-file", wrong.toString(), "delete", "red");
        assertTrue(r.err().contains("not authorised (401): the bearer token is not valid for this node"), r.err());
        assertTrue(r.err().contains("used " + wrong), r.err());
        final Path weak = file("weak", "abc\n");
        assertTrue(fails(VroomCtl.UNAUTHORIZED, "--token-file", weak.toString(), "delete", "red").err()
            .contains("at least 16 are needed"));
        assertEquals(0, api.node.calls("deleteVr"));
    }

    @Test
    void rejectedCreatePrintsEveryProblem() throws IOException {
        final Path f = file("bad.yaml", """
            name: bad
            id: 0
            interfaces:
              - name: e0
                port: p0
                adress: 10.0.0.1/24
            """);
        final ApiTesting.Ctl r = fails(VroomCtl.REJECTED, "--token-file", tokenFile.toString(), "create",
            f.toString());
        assertTrue(r.err().startsWith("vroomctl: rejected (400): 0 is out of range 1..16777215 [id]\n"), r.err());
        assertTrue(r.err().contains("\n  interfaces[0].adress: unknown key (did you mean \"address\"?)"), r.err());
        assertTrue(r.err().contains("\n  interfaces[0].address: missing \"address\""), r.err());
        final ApiTesting.Ctl conflict = fails(VroomCtl.REJECTED, "--token-file", tokenFile.toString(), "create",
            file("dup.json", "{\"name\": \"red\", \"id\": 9}").toString());
        assertTrue(conflict.err().contains("rejected (409): a VR named red already exists [name]"), conflict.err());
    }

    @Test
    void notFound() {
        final ApiTesting.Ctl r = fails(VroomCtl.NOT_FOUND, "rib", "nosuch");
        assertEquals("vroomctl: not found: no VR named nosuch\n", r.err());
    }

    @Test
    void connectionRefused() throws IOException {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        final ApiTesting.Ctl r = api.ctl(Map.of(), "--api", "127.0.0.1:" + port, "vrs");
        assertEquals(VroomCtl.UNREACHABLE, r.code());
        assertEquals("vroomctl: cannot connect to http://127.0.0.1:" + port + ": connection refused (is the node"
            + " running? is --api right?)\n", r.err());
    }

    @Test
    void usageErrors() throws IOException {
        assertEquals(VroomCtl.USAGE, fails(VroomCtl.USAGE).code());
        assertTrue(fails(VroomCtl.USAGE, "frobnicate").err().contains("unknown command \"frobnicate\""));
        assertTrue(fails(VroomCtl.USAGE, "vr").err().contains("usage: vr NAME"));
        assertTrue(fails(VroomCtl.USAGE, "vrs", "extra").err().contains("usage: vrs"));
        assertTrue(fails(VroomCtl.USAGE, "--bogus", "vrs").err().contains("unknown option --bogus"));
        assertTrue(fails(VroomCtl.USAGE, "--timeout", "0", "vrs").err().contains("1..3600"));
        assertTrue(fails(VroomCtl.USAGE, "--api", "ftp://x", "vrs").err().contains("not an http://HOST:PORT URL"));
        assertTrue(fails(VroomCtl.USAGE, "--token-file", tokenFile.toString(), "create",
            dir.resolve("none.yaml").toString()).err().contains("none.yaml: no such file"));
        final Path broken = file("broken.yaml", "name: [unclosed\n");
        assertTrue(fails(VroomCtl.USAGE, "--token-file", tokenFile.toString(), "create", broken.toString()).err()
            .contains("not valid YAML"));
        final Path twoVrs = file("two.yaml", "vrs:\n  - {name: a, id: 1}\n  - {name: b, id: 2}\n");
        assertTrue(fails(VroomCtl.USAGE, "--token-file", tokenFile.toString(), "create", twoVrs.toString()).err()
            .contains("holds 2 VRs; this command takes exactly one VR"));
        final ApiTesting.Ctl help = ok("--help");
        assertTrue(help.out().startsWith("usage: vroomctl"), help.out());
        assertTrue(help.out().contains("exit codes: 0 ok"), help.out());
        assertEquals(0, api.node.calls("createVr"));
    }

    @Test
    void uptimeFormat() {
        assertEquals("0s", VroomCtl.uptime(0.4));
        assertEquals("1m 0s", VroomCtl.uptime(60));
        assertEquals("1h 0m 5s", VroomCtl.uptime(3605));
        assertEquals("2d 0h 0m 1s", VroomCtl.uptime(2 * 86400 + 1));
    }
}
