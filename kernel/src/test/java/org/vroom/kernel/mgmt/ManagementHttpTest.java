package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP-level behaviour: 404, 405, 413, 414, 431, 403, pipelining, slow facade calls, 504. */
class ManagementHttpTest {
    private static ApiTesting api;

    @BeforeAll
    static void start() throws IOException {
        api = new ApiTesting();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void unknownPathIs404() {
        for (String path : new String[] {"/", "/api", "/api/v1", "/api/v2/node", "/api/v1/vrs/red/routes",
            "/api/v1/vrs/red/rib/extra", "/metrics/x", "/api/v1/vrs//rib"}) {
            final JsonNode n = api.get(path).expect(404).json();
            assertTrue(n.path("error").asText().startsWith("no such endpoint"), path + ": " + n);
        }
        assertEquals("no VR named nosuch", api.get("/api/v1/vrs/nosuch/rib").expect(404).json().path("error").asText());
        api.send("POST", "/api/v1/vrs/nosuch/freeze", null, ApiTesting.TOKEN).expect(404);
        api.send("DELETE", "/api/v1/vrs/nosuch", null, ApiTesting.TOKEN).expect(404);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        ApiTesting.Reply r = api.send("DELETE", "/api/v1/node", null, ApiTesting.TOKEN).expect(405);
        assertEquals("GET", r.header("Allow"));
        r = api.send("POST", "/api/v1/vrs/red", "{}", ApiTesting.TOKEN).expect(405);
        assertEquals("DELETE, GET, PUT", r.header("Allow"));
        assertTrue(r.json().path("error").asText().contains("method POST is not allowed"));
        r = api.get("/api/v1/vrs/red/freeze").expect(405);
        assertEquals("POST", r.header("Allow"));
        assertEquals("GET", api.send("PUT", "/metrics", "{}", null).expect(405).header("Allow"));
        assertEquals("GET, POST", api.send("PATCH", "/api/v1/vrs", "{}", null).expect(405).header("Allow"));
        assertEquals(0, api.node.calls("freeze"));
    }

    @Test
    void bodyOverOneMebibyteIs413() {
        final String big = "{\"name\": \"" + "x".repeat(1 << 20) + "\"}";
        final ApiTesting.Reply r = api.send("POST", "/api/v1/vrs", big, ApiTesting.TOKEN).expect(413);
        assertTrue(r.json().path("error").asText().contains("larger than 1048576 bytes"), r.body());
        // just under the limit is read (and rejected for what it says, not for its size)
        final String under = "{\"name\": \"v\", \"id\": 5, \"x\": \"" + "y".repeat((1 << 20) - 100) + "\"}";
        api.send("POST", "/api/v1/vrs", under, ApiTesting.TOKEN).expect(400);
        api.get("/api/v1/node").expect(200);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws IOException {
        final StringBuilder req = new StringBuilder("POST /api/v1/vrs HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: Bearer " + ApiTesting.TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        final String chunk = "z".repeat(64 * 1024);
        for (int i = 0; i < 17; i++) {
            req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        req.append("0\r\n\r\n");
        final List<Raw> replies = raw(req.toString(), 1);
        assertEquals(413, replies.get(0).status);
    }

    @Test
    void hugeRequestLineAndHeaders() throws IOException {
        assertEquals(414, raw("GET /api/v1/vrs/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 1)
            .get(0).status);
        assertEquals(431, raw("GET /api/v1/node HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(10000)
            + "\r\n\r\n", 1).get(0).status);
        assertEquals(400, raw("NOT HTTP AT ALL\r\n\r\n", 1).get(0).status);
        final Raw broken = raw("GET /api/v1/vrs/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n", 1).get(0);
        assertEquals(400, broken.status, broken.body);
        api.get("/api/v1/node").expect(200);
    }

    @Test
    void hostHeaderMustBeLoopback() throws IOException {
        for (String host : new String[] {"localhost", "localhost:7878", "127.0.0.1", "127.1.2.3:80", "[::1]:7878",
            "LOCALHOST"}) {
            assertEquals(200, raw("GET /api/v1/node HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 1).get(0).status, host);
        }
        for (String host : new String[] {"evil.example", "evil.example:7878", "10.1.2.3", "127.0.0.1.evil.example",
            "[2001:db8::1]"}) {
            final Raw r = raw("GET /api/v1/node HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 1).get(0);
            assertEquals(403, r.status, host);
            assertTrue(r.body.contains("is not allowed"), r.body);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        final StringBuilder req = new StringBuilder();
        final String[] paths = {"/api/v1/vrs/red/rib", "/api/v1/node", "/api/v1/vrs/blue", "/api/v1/nope",
            "/api/v1/vrs/red/neighbours", "/metrics", "/api/v1/vrs/blue/counters", "/api/v1/vrs", "/api/v1/vrs/red",
            "/api/v1/vrs/blue/interfaces", "/api/v1/vrs/red/fib?address=10.0.1.9", "/api/v1/node"};
        for (String p : paths) {
            req.append("GET ").append(p).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        final List<Raw> replies = raw(req.toString(), paths.length);
        assertEquals(paths.length, replies.size());
        assertTrue(replies.get(0).body.contains("\"routes\""));
        assertTrue(replies.get(1).body.contains("\"vrCount\""));
        assertTrue(replies.get(2).body.contains("\"name\":\"blue\""));
        assertEquals(404, replies.get(3).status);
        assertTrue(replies.get(4).body.contains("\"neighbours\""));
        assertTrue(replies.get(5).body.startsWith("# HELP"));
        assertTrue(replies.get(6).body.contains("\"counters\""));
        assertTrue(replies.get(7).body.contains("\"vrs\""));
        assertTrue(replies.get(9).body.contains("192.168.1.1/24"));
        assertTrue(replies.get(10).body.contains("\"glean\""));
        assertTrue(replies.get(11).body.contains("\"vrCount\""));
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        final List<Raw> replies = raw("GET /api/v1/node HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 1);
        assertEquals("close", replies.get(0).header("connection"));
        final List<Raw> http10 = raw("GET /api/v1/node HTTP/1.0\r\n\r\n", 1);
        assertEquals(200, http10.get(0).status);
    }

    @Test
    void aSlowVrCallDoesNotStallTheServer() throws Exception {
        final FakeNode node = new FakeNode();
        node.neighboursGate = new CountDownLatch(1);
        try (ApiTesting slow = new ApiTesting(node, b -> b)) {
            final Thread t = new Thread(() -> slow.get("/api/v1/vrs/red/neighbours").expect(200));
            t.start();
            assertTrue(node.neighboursEntered.await(10, TimeUnit.SECONDS));
            // the first call is blocked in the facade; the server still answers
            for (int i = 0; i < 5; i++) {
                slow.get("/api/v1/node").expect(200);
                slow.get("/metrics").expect(200);
            }
            node.neighboursGate.countDown();
            t.join(10_000);
            assertFalse(t.isAlive());
        }
    }

    @Test
    void aHungCallIsAnswered504AndInterrupted() throws Exception {
        final FakeNode node = new FakeNode();
        node.neighboursGate = new CountDownLatch(1);
        try (ApiTesting hung = new ApiTesting(node, b -> b.timeout(Duration.ofMillis(300)))) {
            final ApiTesting.Reply r = hung.get("/api/v1/vrs/red/neighbours").expect(504);
            assertTrue(r.json().path("error").asText().contains("did not answer within 300 ms"));
            // the executor thread was interrupted and is free again
            for (int i = 0; i < 50 && !node.neighboursInterrupted; i++) {
                Thread.sleep(20);
            }
            assertTrue(node.neighboursInterrupted);
            hung.get("/api/v1/vrs").expect(200);
            assertEquals(1, hung.server.responses(504));
        } finally {
            node.neighboursGate.countDown();
        }
    }

    // --- a raw HTTP/1.1 client, for what java.net.http will not send ---

    /** One raw response. */
    record Raw(int status, List<String> headers, String body) {
        String header(String name) {
            for (String h : headers) {
                final int colon = h.indexOf(':');
                if (h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                }
            }
            return null;
        }
    }

    /** Sends {@code request} as is and reads up to {@code count} responses (or until the server closes). */
    static List<Raw> raw(String request, int count) throws IOException {
        try (Socket s = new Socket("127.0.0.1", api.server.port())) {
            s.setSoTimeout(20_000);
            final OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it has read everything (413, 414, 431)
            }
            final InputStream in = s.getInputStream();
            final List<Raw> replies = new ArrayList<>();
            while (replies.size() < count) {
                final String statusLine = line(in);
                if (statusLine == null) {
                    break;
                }
                final List<String> headers = new ArrayList<>();
                int length = 0;
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    headers.add(h);
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                final byte[] body = in.readNBytes(length);
                replies.add(new Raw(Integer.parseInt(statusLine.split(" ")[1]), headers,
                    new String(body, StandardCharsets.UTF_8)));
            }
            return replies;
        }
    }

    private static String line(InputStream in) throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                final String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
