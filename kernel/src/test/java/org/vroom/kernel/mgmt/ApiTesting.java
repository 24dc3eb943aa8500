package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A server on an ephemeral loopback port over a {@link FakeNode}, and an HTTP client for it. */
final class ApiTesting implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789abcdef";

    final FakeNode node;
    final ManagementServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    ApiTesting() throws IOException {
        this(new FakeNode(), b -> b);
    }

    ApiTesting(FakeNode node, java.util.function.UnaryOperator<ManagementServer.Builder> options) throws IOException {
        this.node = node;
        this.server = options.apply(ManagementServer.builder(node, ApiToken.of(TOKEN)).listen("127.0.0.1", 0))
            .build().start();
    }

    /** An answer: status, headers and body text. */
    record Reply(int status, HttpResponse<String> response) {
        String body() {
            return response.body();
        }

        JsonNode json() {
            try {
                return ApiJson.MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + response.body(), e);
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** Asserts the status, showing the body when it differs. */
        Reply expect(int expected) {
            assertEquals(expected, status, () -> "status; body: " + body());
            return this;
        }
    }

    String url(String path) {
        return server.url() + path;
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    Reply send(String method, String path, String body, String token) {
        return send(method, path, body, token, "application/json");
    }

    Reply send(String method, String path, String body, String token, String contentType) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", token.startsWith("Basic ") ? token : "Bearer " + token);
        }
        if (body != null) {
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            final HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** vroomctl's result: exit code, stdout, stderr. */
    record Ctl(int code, String out, String err) {
    }

    Ctl ctl(java.util.Map<String, String> env, String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = VroomCtl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Ctl(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
