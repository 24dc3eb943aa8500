package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vroom.kernel.config.ManagementConfig;

/** 401 on every state-changing endpoint without a token or with a wrong one; token files. */
class ManagementAuthTest {
    private static ApiTesting api;

    @BeforeAll
    static void start() throws IOException {
        api = new ApiTesting();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** Every state-changing endpoint, with a body that would otherwise succeed. */
    static List<String[]> changing() {
        return List.of(
            new String[] {"POST", "/api/v1/vrs", "{\"name\": \"x\", \"id\": 90}", "createVr"},
            new String[] {"PUT", "/api/v1/vrs/red", "{}", "reconfigureVr"},
            new String[] {"DELETE", "/api/v1/vrs/red", null, "deleteVr"},
            new String[] {"POST", "/api/v1/vrs/red/freeze", null, "freeze"},
            new String[] {"POST", "/api/v1/vrs/red/thaw", null, "thaw"});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("changing")
    void refusedWithoutOrWithAWrongToken(String method, String path, String body, String facadeMethod) {
        final long failuresBefore = api.server.responses(401);
        for (String token : new String[] {null, "wrong-token-0123456789abcdef", ApiTesting.TOKEN + "x",
            ApiTesting.TOKEN.substring(1), "Basic " + ApiTesting.TOKEN, ""}) {
            final ApiTesting.Reply r = api.send(method, path, body, token).expect(401);
            assertEquals("Bearer realm=\"vroom\"", r.header("WWW-Authenticate"));
            assertFalse(r.json().path("error").asText().isEmpty());
            assertFalse(r.body().contains(ApiTesting.TOKEN), "the token is never echoed");
        }
        assertEquals(failuresBefore + 6, api.server.responses(401));
        assertEquals(0, api.node.calls(facadeMethod), "the facade is not called without a valid token");
        // auth comes before looking at the VR: an unknown VR is also 401 without a token
        api.send(method, path.replace("red", "nosuch"), body, null).expect(401);
    }

    @Test
    void messagesSayWhatIsMissing() {
        assertTrue(api.send("POST", "/api/v1/vrs/red/freeze", null, null).expect(401).json().path("error").asText()
            .contains("Authorization: Bearer <token>"));
        assertTrue(api.send("POST", "/api/v1/vrs/red/freeze", null, "Basic abc").expect(401).json().path("error")
            .asText().contains("is not \"Bearer <token>\""));
        assertTrue(api.send("POST", "/api/v1/vrs/red/freeze", null, "nope-nope-nope-nope").expect(401).json()
            .path("error").asText().contains("not valid for this node"));
    }

    @Test
    void readsNeedNoToken() {
        api.get("/api/v1/vrs").expect(200);
        api.get("/metrics").expect(200);
    }

    @Test
    void tokenComparison() {
        final ApiToken t = ApiToken.of("abcdefghijklmnop");
        assertTrue(t.matches("abcdefghijklmnop"));
        assertFalse(t.matches("abcdefghijklmnoq"));
        assertFalse(t.matches("abcdefghijklmno"));
        assertFalse(t.matches(null));
        assertFalse(t.matches(""));
        assertEquals("tok", ApiToken.bearer("Bearer tok"));
        assertEquals("tok", ApiToken.bearer("bearer   tok "));
        assertEquals(null, ApiToken.bearer("Basic dG9r"));
        assertEquals(null, ApiToken.bearer(null));
        assertThrows(IllegalArgumentException.class, () -> ApiToken.of("short"));
        assertThrows(IllegalArgumentException.class, () -> ApiToken.of("has a space in it!!"));
    }

    @Test
    void generatedTokenFileIsPrivateAndRemovedOnClose(@TempDir Path dir) throws IOException {
        final Path run = dir.resolve("run/lab1");
        final ManagementServer server = ManagementServer.forNode(new FakeNode(),
            new ManagementConfig("127.0.0.1", 1, null), run);
        final Path file = run.resolve(ApiToken.FILE_NAME);
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
        final String token = ApiToken.read(file);
        assertEquals(43, token.length(), "32 random bytes in base64url");
        assertTrue(server.token().matches(token));
        assertTrue(server.token().generated());
        // a second start generates a different token
        final ManagementServer second = ManagementServer.forNode(new FakeNode(),
            new ManagementConfig("127.0.0.1", 1, null), run);
        assertNotEquals(token, ApiToken.read(file));
        assertFalse(second.token().matches(token));
        server.close(); // never started: closing still cleans up
        assertFalse(Files.exists(file));
        second.close();
    }

    @Test
    void configuredTokenFileIsReadOrCreatedAndKept(@TempDir Path dir) throws IOException {
        final Path file = dir.resolve("etc/token");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "  configured-token-0123456789\nignored second line\n");
        try (ManagementServer server = ManagementServer.forNode(new FakeNode(),
            new ManagementConfig("127.0.0.1", 1, file), dir.resolve("run")).start()) {
            assertTrue(server.token().matches("configured-token-0123456789"));
            assertFalse(server.token().generated());
        }
        assertTrue(Files.exists(file), "a configured token file is kept");

        final Path created = dir.resolve("etc2/token");
        try (ManagementServer server = ManagementServer.forNode(new FakeNode(),
            new ManagementConfig("127.0.0.1", 1, created), dir.resolve("run"))) {
            assertTrue(server.token().generated());
            assertTrue(server.token().matches(ApiToken.read(created)));
        }
        assertTrue(Files.exists(created), "a configured token file is kept even when generated");

        Files.writeString(file, "short\n");
        final IOException e = assertThrows(IOException.class, () -> ManagementServer.forNode(new FakeNode(),
            new ManagementConfig("127.0.0.1", 1, file), dir.resolve("run")));
        assertTrue(e.getMessage().contains(file + ": the token has 5 characters; at least 16"), e.getMessage());
    }

    @Test
    void bindFailureNamesTheAddress() throws IOException {
        final ManagementServer clash = ManagementServer.builder(new FakeNode(), ApiToken.of(ApiTesting.TOKEN))
            .listen("127.0.0.1", api.server.port()).build();
        final IOException e = assertThrows(IOException.class, clash::start);
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + api.server.port()), e.getMessage());
        clash.close();
        api.get("/api/v1/node").expect(200);
    }
}
