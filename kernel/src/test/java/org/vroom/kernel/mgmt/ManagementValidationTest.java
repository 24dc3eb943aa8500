package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** 400, 409 and 415 answers: the message says what is wrong and the field names where. */
class ManagementValidationTest {
    private static ApiTesting api;

    @BeforeAll
    static void start() throws IOException {
        api = new ApiTesting();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static JsonNode create(String body, int status) {
        return api.send("POST", "/api/v1/vrs", body, ApiTesting.TOKEN).expect(status).json();
    }

    /** A VR "v" (id 50) on port m0 with one interface whose fields are replaced by {@code itf}. */
    private static String vr(String itf, String routes) {
        return "{\"name\": \"v\", \"id\": 50, \"interfaces\": [{\"name\": \"e0\", \"port\": \"m0\", " + itf
            + "}], \"static-routes\": [" + routes + "]}";
    }

    private static void assertError(JsonNode n, String field, String messagePart) {
        assertEquals(field, n.path("field").isNull() || n.path("field").isMissingNode() ? null : n.path("field").asText(),
            n::toString);
        assertTrue(n.path("error").asText().contains(messagePart), () -> "\"" + messagePart + "\" not in " + n);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // body fragment (interface fields) | route list | field | message part
        "\"address\": \"10.0.1.300/24\" | | interfaces[0].address | octet 300 is out of range 0..255",
        "\"address\": \"10.0.1.0/24\" | | interfaces[0].address | is the network address of 10.0.1.0/24",
        "\"address\": \"127.0.0.1/8\" | | interfaces[0].address | loopback",
        "\"address\": \"10.0.1.1\" | | interfaces[0].address | missing \"/len\"",
        "\"address\": \"010.0.1.1/24\" | | interfaces[0].address | leading zero",
        "\"address\": 42 | | interfaces[0].address | expected a string, found a number (42)",
        "\"address\": \"10.0.1.1/24\", \"vlan\": 4095 | | interfaces[0].vlan | 4095 is out of range 1..4094",
        "\"address\": \"10.0.1.1/24\", \"vlan\": \"007\" | | interfaces[0].vlan | leading zero",
        "\"address\": \"10.0.1.1/24\", \"vlan\": 1.5 | | interfaces[0].vlan | expected a whole number",
        "\"address\": \"10.0.1.1/24\", \"mtu\": 67 | | interfaces[0].mtu | 67 is out of range 68..9000",
        "\"address\": \"10.0.1.1/24\", \"adress\": \"x\" | | interfaces[0].adress | did you mean \"address\"?",
        "\"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.1.2.0/8\", \"action\": \"drop\"} | static-routes[0].prefix | did you mean 10.0.0.0/8?",
        "\"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.1.0.0/16\", \"via\": \"10.0.1.9\", \"action\": \"drop\"} | static-routes[0].action | either via or action",
        "\"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.1.0.0/16\"} | static-routes[0] | missing \"via\"",
        "\"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.1.0.0/16\", \"action\": \"dropp\"} | static-routes[0].action | not an action",
        "\"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.1.0.0/16\", \"via\": \"224.0.0.5\"} | static-routes[0].via | multicast",
        "\"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.1.0.0/16\", \"action\": \"drop\", \"interface\": \"e0\"} | static-routes[0].interface | only allowed with \"via\"",
    })
    void perRecordRules(String itf, String routes, String field, String message) {
        final int before = api.node.calls("createVr");
        final JsonNode n = create(vr(itf, routes == null ? "" : routes), 400);
        assertError(n, field, message);
        assertEquals(before, api.node.calls("createVr"), "the facade is not called for a rejected body");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // cross-record rules, checked against the running node's configuration
        "\"port\": \"p9\", \"address\": \"10.0.1.1/24\" | | interfaces[0].port | unknown port",
        "\"port\": \"p0\", \"address\": \"10.0.1.1/24\" | | interfaces[0].port | already bound to red/eth0",
        "\"port\": \"p0\", \"vlan\": 200, \"address\": \"10.0.1.1/24\" | | interfaces[0].vlan | already bound to blue/eth0",
        "\"port\": \"m0\", \"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.5.0.0/16\", \"via\": \"10.0.9.1\"} | static-routes[0].via | connected subnet",
        "\"port\": \"m0\", \"address\": \"10.0.1.1/24\" | {\"prefix\": \"10.5.0.0/16\", \"via\": \"10.0.1.1\"} | static-routes[0].via | own address",
    })
    void crossRecordRules(String itf, String routes, String field, String message) {
        final String body = "{\"name\": \"v\", \"id\": 50, \"interfaces\": [{\"name\": \"e0\", " + itf
            + "}], \"static-routes\": [" + (routes == null ? "" : routes) + "]}";
        assertError(create(body, 400), field, message);
    }

    @Test
    void vrLevelProblems() {
        assertError(create("{\"id\": 50}", 400), "name", "missing \"name\"");
        assertError(create("{\"name\": \"v\"}", 400), "id", "missing \"id\"");
        assertError(create("{\"name\": \"v\", \"id\": 0}", 400), "id", "0 is out of range 1..16777215");
        assertError(create("{\"name\": \"v\", \"id\": 16777216}", 400), "id", "out of range");
        assertError(create("{\"name\": \"v\", \"id\": 99999999999999999999999}", 400), "id", "out of range");
        assertError(create("{\"name\": \"-v\", \"id\": 5}", 400), "name", "is not a valid name");
        assertError(create("{\"name\": \"" + "x".repeat(33) + "\", \"id\": 5}", 400), "name", "longer than 32");
        assertError(create("{\"name\": \"v\", \"id\": 5, \"interfaces\": {}}", 400), "interfaces",
            "expected a list, found an object");
        assertError(create("{\"name\": \"v\", \"id\": 5, \"routes\": []}", 400), "routes", "unknown key");
        assertError(create("[1, 2]", 400), null, "expected a JSON object describing a VR");
    }

    @Test
    void everyProblemIsListed() {
        final JsonNode n = create("{\"name\": \"v\", \"id\": -1, \"interfaces\": [{\"name\": \"e0\", \"port\": \"m0\","
            + " \"address\": \"1.2.3.4/33\"}]}", 400);
        assertEquals("id", n.path("field").asText());
        assertEquals(2, n.path("problems").size(), n::toString);
        assertEquals("interfaces[0].address", n.path("problems").get(1).path("field").asText());
        assertTrue(n.path("problems").get(1).path("error").asText().contains("out of range 0..32"), n::toString);
    }

    @Test
    void overlappingSubnetsWithinTheNewVr() {
        final JsonNode n = create("{\"name\": \"v\", \"id\": 50, \"interfaces\": ["
            + "{\"name\": \"e0\", \"port\": \"m0\", \"address\": \"10.0.1.1/24\"},"
            + "{\"name\": \"e1\", \"port\": \"m1\", \"address\": \"10.0.1.2/16\"}]}", 400);
        assertTrue(n.path("field").asText().startsWith("interfaces[1]"), n::toString);
        assertTrue(n.path("error").asText().contains("overlap"), n::toString);
    }

    @Test
    void malformedJson() {
        assertTrue(create("{\"name\": ", 400).path("error").asText().startsWith("the body is not valid JSON"));
        assertTrue(create("{\"name\": \"a\", \"name\": \"b\", \"id\": 3}", 400).path("error").asText()
            .contains("Duplicate field"));
        assertTrue(create("{} {}", 400).path("error").asText().startsWith("the body is not valid JSON"));
        assertTrue(create("[".repeat(100) + "]".repeat(100), 400).path("error").asText().contains("nesting"),
            "deep nesting is refused");
        assertEquals("missing request body: expected a JSON object",
            api.send("POST", "/api/v1/vrs", null, ApiTesting.TOKEN).expect(400).json().path("error").asText());
    }

    @Test
    void duplicateNameOrIdIsAConflict() {
        assertError(create("{\"name\": \"red\", \"id\": 50}", 409), "name", "a VR named red already exists");
        assertError(create("{\"name\": \"v\", \"id\": 2}", 409), "id", "VR id 2 is already used by VR blue");
    }

    @Test
    void reconfigureRules() {
        JsonNode n = api.send("PUT", "/api/v1/vrs/blue", "{\"name\": \"azure\"}", ApiTesting.TOKEN).expect(400).json();
        assertError(n, "name", "cannot be renamed");
        n = api.send("PUT", "/api/v1/vrs/blue", "{\"id\": 1}", ApiTesting.TOKEN).expect(409).json();
        assertError(n, "id", "already used by VR red");
        n = api.send("PUT", "/api/v1/vrs/blue", "{\"interfaces\": [{\"name\": \"eth0\", \"port\": \"p0\","
            + " \"address\": \"192.168.1.1/24\"}]}", ApiTesting.TOKEN).expect(400).json();
        assertError(n, "interfaces[0].port", "already bound to red/eth0");
        api.send("PUT", "/api/v1/vrs/nosuch", "{}", ApiTesting.TOKEN).expect(404);
    }

    @Test
    void vrNameInTheUrl() {
        assertError(api.get("/api/v1/vrs/bad%20name").expect(400).json(), "name", "is not a valid name");
        assertError(api.get("/api/v1/vrs/a%2Fb/rib").expect(400).json(), "name", "\"a/b\" is not a valid name");
        assertError(api.get("/api/v1/vrs/" + "a".repeat(40) + "/rib").expect(400).json(), "name", "longer than 32");
        api.get("/api/v1/vrs/nosuch").expect(404);
    }

    @Test
    void fibQuery() {
        assertError(api.get("/api/v1/vrs/red/fib").expect(400).json(), "prefix", "?prefix=a.b.c.d/len");
        assertError(api.get("/api/v1/vrs/red/fib?prefix=10.0.0.0/8&address=10.0.0.1").expect(400).json(), "address",
            "not both");
        assertError(api.get("/api/v1/vrs/red/fib?prefix=10.0.1.1/24").expect(400).json(), "prefix",
            "did you mean 10.0.1.0/24?");
        assertError(api.get("/api/v1/vrs/red/fib?address=10.0.1").expect(400).json(), "address", "expected 4 octets");
        assertError(api.get("/api/v1/vrs/red/fib?adress=10.0.1.1").expect(400).json(), "adress",
            "unknown query parameter");
        assertError(api.get("/api/v1/vrs/red/fib?address=10.0.1.1&address=10.0.1.2").expect(400).json(), "address",
            "more than once");
        assertError(api.get("/api/v1/vrs/red/rib?x=1").expect(400).json(), "x", "takes none");
    }

    @Test
    void bodyMustBeJson() {
        final JsonNode n = api.send("POST", "/api/v1/vrs", "name: v", ApiTesting.TOKEN, "application/yaml")
            .expect(415).json();
        assertTrue(n.path("error").asText().contains("send application/json"), n::toString);
        api.send("POST", "/api/v1/vrs", "{\"name\": \"ok1\", \"id\": 61}", ApiTesting.TOKEN,
            "application/json; charset=utf-8").expect(201);
        api.send("POST", "/api/v1/vrs", "{\"name\": \"ok2\", \"id\": 62}", ApiTesting.TOKEN, null).expect(201);
        api.send("DELETE", "/api/v1/vrs/ok1", null, ApiTesting.TOKEN).expect(200);
        api.send("DELETE", "/api/v1/vrs/ok2", null, ApiTesting.TOKEN).expect(200);
    }
}
