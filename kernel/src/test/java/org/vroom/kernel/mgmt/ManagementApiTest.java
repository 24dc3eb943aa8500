package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every endpoint's happy path against the fake node. */
class ManagementApiTest {
    private ApiTesting api;

    @BeforeEach
    void start() throws IOException {
        api = new ApiTesting();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static List<String> texts(JsonNode array, String key) {
        final List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(key).asText()));
        return out;
    }

    @Test
    void node() {
        final ApiTesting.Reply r = api.get("/api/v1/node").expect(200);
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
        final JsonNode n = r.json();
        assertEquals("lab1", n.path("name").asText());
        assertEquals("2026-11-02T10:00:00Z", n.path("startedAt").asText());
        assertTrue(n.path("uptimeSeconds").asDouble() >= 3723, n.toString());
        assertEquals(1, n.path("workers").asInt());
        assertEquals(2, n.path("vrCount").asInt());
        assertEquals(List.of("p0", "p1", "m0", "m1"), texts(n.path("ports"), "name"));
        assertEquals("linux", n.path("ports").get(0).path("type").asText());
        assertEquals("veth0", n.path("ports").get(0).path("interface").asText());
        assertEquals("memory", n.path("ports").get(2).path("type").asText());
        assertEquals("m1", n.path("ports").get(2).path("peer").asText());
        assertEquals("127.0.0.1:7878", n.path("management").path("listen").asText());
    }

    @Test
    void vrList() {
        final JsonNode n = api.get("/api/v1/vrs").expect(200).json();
        assertEquals(List.of("red", "blue"), texts(n.path("vrs"), "name"));
        final JsonNode red = n.path("vrs").get(0);
        assertEquals(1, red.path("id").asInt());
        assertEquals("running", red.path("state").asText());
        assertEquals(2, red.path("interfaces").asInt());
        assertEquals(6, red.path("ribRoutes").asInt()); // 2 connected, 2 local, 2 static
        assertEquals(6, red.path("fibRoutes").asInt());
    }

    @Test
    void vrDetailHasInterfacesStateAndConfig() {
        final JsonNode n = api.get("/api/v1/vrs/red").expect(200).json();
        assertEquals("red", n.path("name").asText());
        assertEquals("running", n.path("state").asText());
        final JsonNode eth1 = n.path("interfaces").get(1);
        assertEquals("eth1", eth1.path("name").asText());
        assertEquals("p1", eth1.path("port").asText());
        assertEquals(100, eth1.path("vlan").asInt());
        assertEquals("10.0.2.1/24", eth1.path("address").asText());
        assertEquals(9000, eth1.path("mtu").asInt());
        assertEquals("02:00:00:01:00:01", eth1.path("mac").asText());
        assertFalse(eth1.path("bound").asBoolean());
        assertTrue(n.path("interfaces").get(0).path("vlan").isNull());
        final JsonNode config = n.path("config");
        assertEquals(1, config.path("id").asInt());
        assertEquals("0.0.0.0/0", config.path("static-routes").get(0).path("prefix").asText());
        assertEquals("10.0.1.254", config.path("static-routes").get(0).path("via").asText());
        assertEquals("drop", config.path("static-routes").get(1).path("action").asText());
    }

    @Test
    void interfaces() {
        final JsonNode n = api.get("/api/v1/vrs/blue/interfaces").expect(200).json();
        assertEquals("blue", n.path("vr").asText());
        assertEquals(1, n.path("interfaces").size());
        assertEquals("192.168.1.1/24", n.path("interfaces").get(0).path("address").asText());
        assertEquals(200, n.path("interfaces").get(0).path("vlan").asInt());
    }

    @Test
    void rib() {
        final JsonNode n = api.get("/api/v1/vrs/red/rib").expect(200).json();
        final JsonNode routes = n.path("routes");
        assertEquals(List.of("0.0.0.0/0", "10.0.1.0/24", "10.0.1.1/32", "10.0.2.0/24", "10.0.2.1/32", "10.9.0.0/16"),
            texts(routes, "prefix"));
        final JsonNode dflt = routes.get(0);
        assertEquals("static", dflt.path("protocol").asText());
        assertEquals(1, dflt.path("distance").asInt());
        assertEquals("forward", dflt.path("action").asText());
        assertEquals("10.0.1.254", dflt.path("nextHops").get(0).path("address").asText());
        assertEquals("eth0", dflt.path("nextHops").get(0).path("interface").asText());
        assertTrue(dflt.path("best").asBoolean());
        assertTrue(routes.get(1).path("nextHops").get(0).path("address").isNull()); // connected
        assertEquals("drop", routes.get(5).path("action").asText());
        assertEquals(0, routes.get(5).path("nextHops").size());
    }

    @Test
    void fibByPrefixAndByAddress() {
        JsonNode n = api.get("/api/v1/vrs/red/fib?prefix=0.0.0.0/0").expect(200).json();
        assertTrue(n.path("found").asBoolean());
        assertEquals("0.0.0.0/0", n.path("query").path("prefix").asText());
        JsonNode e = n.path("entry");
        assertEquals("forward", e.path("kind").asText());
        assertEquals("10.0.1.254", e.path("nextHop").asText());
        assertEquals("eth0", e.path("interface").asText());
        assertEquals("02:aa:bb:cc:dd:ee", e.path("mac").asText());

        n = api.get("/api/v1/vrs/red/fib?address=10.0.2.77").expect(200).json();
        assertEquals("10.0.2.77", n.path("query").path("address").asText());
        e = n.path("entry");
        assertEquals("10.0.2.0/24", e.path("prefix").asText());
        assertEquals("glean", e.path("kind").asText());
        assertTrue(e.path("nextHop").isNull());
        assertTrue(e.path("mac").isNull());

        n = api.get("/api/v1/vrs/red/fib?address=10.9.3.4").expect(200).json();
        assertEquals("drop", n.path("entry").path("kind").asText());

        n = api.get("/api/v1/vrs/red/fib?prefix=172.16.0.0/12").expect(200).json();
        assertFalse(n.path("found").asBoolean());
        assertTrue(n.path("entry").isNull());
        n = api.get("/api/v1/vrs/blue/fib?address=8.8.8.8").expect(200).json();
        assertFalse(n.path("found").asBoolean(), "blue has no default route");
    }

    @Test
    void neighbours() {
        final JsonNode n = api.get("/api/v1/vrs/red/neighbours").expect(200).json();
        final JsonNode list = n.path("neighbours");
        assertEquals(2, list.size());
        assertEquals("10.0.1.254", list.get(0).path("address").asText());
        assertEquals("02:aa:bb:cc:dd:ee", list.get(0).path("mac").asText());
        assertEquals("reachable", list.get(0).path("state").asText());
        assertEquals("eth0", list.get(0).path("interface").asText());
        assertTrue(list.get(1).path("mac").isNull());
        assertEquals(0, api.get("/api/v1/vrs/blue/neighbours").expect(200).json().path("neighbours").size());
    }

    @Test
    void countersAreSummedOverShards() {
        final JsonNode n = api.get("/api/v1/vrs/blue/counters").expect(200).json();
        assertEquals(2, n.path("id").asInt());
        final JsonNode c = n.path("counters");
        assertEquals(2 * 200 + 1, c.path("rx_packets").asLong()); // shards 200 and 201
        assertEquals(40, c.path("forwarded").asLong());
        assertEquals(0, c.path("drop_ttl_expired").asLong());
        assertEquals(org.vroom.kernel.stats.VrCounter.COUNT, c.size());
    }

    @Test
    void createThenGetThenDelete() {
        final String body = """
            {"name": "green", "id": 7,
             "interfaces": [{"name": "e0", "port": "p1", "vlan": 300, "address": "10.7.0.1/30"}],
             "static-routes": [{"prefix": "10.70.0.0/16", "via": "10.7.0.2"}, {"prefix": "10.71.0.0/16", "action": "reject"}]}
            """;
        final ApiTesting.Reply created = api.send("POST", "/api/v1/vrs", body, ApiTesting.TOKEN).expect(201);
        assertEquals("/api/v1/vrs/green", created.header("Location"));
        final JsonNode c = created.json();
        assertEquals("green", c.path("name").asText());
        assertEquals(7, c.path("id").asInt());
        assertEquals(1500, c.path("interfaces").get(0).path("mtu").asInt(), "default MTU");
        assertEquals("10.7.0.2", c.path("config").path("static-routes").get(0).path("via").asText());

        assertEquals(List.of("red", "blue", "green"), texts(api.get("/api/v1/vrs").json().path("vrs"), "name"));
        assertEquals(3, api.get("/api/v1/node").json().path("vrCount").asInt());
        final JsonNode g = api.get("/api/v1/vrs/green").expect(200).json();
        assertEquals(300, g.path("interfaces").get(0).path("vlan").asInt());

        final JsonNode d = api.send("DELETE", "/api/v1/vrs/green", null, ApiTesting.TOKEN).expect(200).json();
        assertTrue(d.path("deleted").asBoolean());
        assertEquals(7, d.path("id").asInt());
        api.get("/api/v1/vrs/green").expect(404);
        assertEquals(1, api.node.calls("createVr"));
        assertEquals(1, api.node.calls("deleteVr"));
    }

    @Test
    void createAcceptsNumbersAsStrings() {
        api.send("POST", "/api/v1/vrs", """
            {"name": "g2", "id": "8", "interfaces": [{"name": "e0", "port": "m0", "vlan": "5", "address": "10.8.0.1/24", "mtu": "1400"}]}
            """, ApiTesting.TOKEN).expect(201);
        final JsonNode i = api.get("/api/v1/vrs/g2/interfaces").json().path("interfaces").get(0);
        assertEquals(5, i.path("vlan").asInt());
        assertEquals(1400, i.path("mtu").asInt());
    }

    @Test
    void reconfigureSaysWhatAppliedAndWhatNeedsARestart() {
        final String body = """
            {"interfaces": [
               {"name": "eth0", "port": "p0", "address": "10.0.1.1/24", "mtu": 1400},
               {"name": "eth1", "port": "p1", "vlan": 101, "address": "10.0.2.2/24", "mtu": 9000}],
             "static-routes": [{"prefix": "0.0.0.0/0", "via": "10.0.1.253"}, {"prefix": "10.10.0.0/16", "action": "drop"}]}
            """;
        final JsonNode n = api.send("PUT", "/api/v1/vrs/red", body, ApiTesting.TOKEN).expect(200).json();
        assertFalse(n.path("unchanged").asBoolean());
        assertTrue(n.path("restartRequired").asBoolean());
        assertEquals(List.of("interfaces[eth0].mtu", "interfaces[eth1].vlan", "static-routes[10.9.0.0/16]",
            "static-routes[0.0.0.0/0]", "static-routes[10.10.0.0/16]"), texts(n.path("applied"), "path"));
        assertEquals(List.of("interfaces[eth1].address"), texts(n.path("needsRestart"), "path"));
        assertEquals("10.0.2.1/24 -> 10.0.2.2/24", n.path("needsRestart").get(0).path("change").asText());
        assertEquals("1500 -> 1400", n.path("applied").get(0).path("change").asText());
        // the id was kept, the new configuration is live
        final JsonNode config = api.get("/api/v1/vrs/red").json().path("config");
        assertEquals(1, config.path("id").asInt());
        assertEquals("10.0.1.253", config.path("static-routes").get(0).path("via").asText());

        final JsonNode again = api.send("PUT", "/api/v1/vrs/red", body, ApiTesting.TOKEN).expect(200).json();
        assertTrue(again.path("unchanged").asBoolean());
        assertFalse(again.path("restartRequired").asBoolean());
    }

    @Test
    void freezeAndThawAreIdempotent() {
        JsonNode n = api.send("POST", "/api/v1/vrs/red/freeze", null, ApiTesting.TOKEN).expect(200).json();
        assertEquals("frozen", n.path("state").asText());
        assertTrue(n.path("changed").asBoolean());
        n = api.send("POST", "/api/v1/vrs/red/freeze", null, ApiTesting.TOKEN).expect(200).json();
        assertFalse(n.path("changed").asBoolean());
        assertEquals("frozen", api.get("/api/v1/vrs/red").json().path("state").asText());
        assertEquals("running", api.get("/api/v1/vrs/blue").json().path("state").asText());
        n = api.send("POST", "/api/v1/vrs/red/thaw", null, ApiTesting.TOKEN).expect(200).json();
        assertEquals("running", n.path("state").asText());
        assertTrue(n.path("changed").asBoolean());
        n = api.send("POST", "/api/v1/vrs/red/thaw", null, ApiTesting.TOKEN).expect(200).json();
        assertFalse(n.path("changed").asBoolean());
    }

    @Test
    void metrics() {
        final ApiTesting.Reply r = api.get("/metrics").expect(200);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("Content-Type"));
        final String text = r.body();
        assertTrue(text.contains("vroom_vr_rx_packets_total{vr=\"red\",vr_id=\"1\"} 201\n"), text);
        assertTrue(text.contains("vroom_port_rx_frames_total{port=\"p0\"} 1000\n"), text);
        assertTrue(text.contains("vroom_vr_state{state=\"running\",vr=\"red\",vr_id=\"1\"} 1\n")
            || text.contains("vroom_vr_state{vr=\"red\",vr_id=\"1\",state=\"running\"} 1\n"), text);
        assertTrue(text.contains("vroom_node_vrs 2\n"), text);
        assertTrue(text.contains("# HELP vroom_vr_drop_ttl_expired_total packets dropped because their TTL expired\n"),
            text);
    }

    @Test
    void trailingSlashIsAccepted() {
        api.get("/api/v1/vrs/").expect(200);
    }

    @Test
    void facadeRunsOnManagementThreadsOnly() {
        api.get("/api/v1/node").expect(200);
        api.get("/api/v1/vrs/red/neighbours").expect(200);
        api.send("POST", "/api/v1/vrs/red/freeze", null, ApiTesting.TOKEN).expect(200);
        assertFalse(api.node.threads.isEmpty());
        for (String t : api.node.threads) {
            assertTrue(t.startsWith("vroom-mgmt-") && !t.startsWith("vroom-mgmt-io"), "facade called on " + t);
        }
    }
}
