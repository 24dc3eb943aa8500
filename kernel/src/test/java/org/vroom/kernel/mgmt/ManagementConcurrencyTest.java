package org.vroom.kernel.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 50 requests in parallel: reads and changes mixed, then 50 racing creates of one VR. */
class ManagementConcurrencyTest {
    private static CompletableFuture<HttpResponse<String>> send(ApiTesting api, String method, String path,
                                                                String body) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url(path))).timeout(Duration.ofSeconds(30));
        if (!method.equals("GET")) {
            b.header("Authorization", "Bearer " + ApiTesting.TOKEN).header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return api.client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fiftyMixedRequests() throws Exception {
        try (ApiTesting api = new ApiTesting()) {
            final List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            final List<Integer> expected = new ArrayList<>();
            final String[] reads = {"/api/v1/node", "/api/v1/vrs", "/api/v1/vrs/red", "/api/v1/vrs/red/rib",
                "/api/v1/vrs/blue/interfaces", "/api/v1/vrs/red/fib?address=10.0.2.9", "/api/v1/vrs/red/neighbours",
                "/api/v1/vrs/blue/counters", "/metrics", "/api/v1/vrs/nosuch"};
            for (int i = 0; i < 50; i++) {
                if (i % 2 == 0) {
                    final int n = i / 2;
                    // 25 creates on distinct VLANs of m0: all must succeed
                    futures.add(send(api, "POST", "/api/v1/vrs", "{\"name\": \"c" + n + "\", \"id\": " + (100 + n)
                        + ", \"interfaces\": [{\"name\": \"e0\", \"port\": \"m0\", \"vlan\": " + (10 + n)
                        + ", \"address\": \"10.50." + n + ".1/24\"}]}"));
                    expected.add(201);
                } else {
                    final String path = reads[(i / 2) % reads.length];
                    futures.add(send(api, "GET", path, null));
                    expected.add(path.endsWith("nosuch") ? 404 : 200);
                }
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < futures.size(); i++) {
                final HttpResponse<String> r = futures.get(i).get();
                assertEquals(expected.get(i), r.statusCode(), r.uri() + ": " + r.body());
            }
            final var vrs = api.get("/api/v1/vrs").json().path("vrs");
            assertEquals(27, vrs.size());
            assertEquals(25, api.node.calls("createVr"));
        }
    }

    @Test
    void racingCreatesOfOneVrYieldOneWinner() throws Exception {
        try (ApiTesting api = new ApiTesting(new FakeNode(), b -> b.threads(4))) {
            final List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                // same name, different ids and the same binding: one wins, the others conflict
                futures.add(send(api, "POST", "/api/v1/vrs", "{\"name\": \"dup\", \"id\": " + (200 + i)
                    + ", \"interfaces\": [{\"name\": \"e0\", \"port\": \"m1\", \"vlan\": 7, \"address\": \"10.60.0.1/24\"}]}"));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            final Map<Integer, Integer> byStatus = new HashMap<>();
            for (CompletableFuture<HttpResponse<String>> f : futures) {
                byStatus.merge(f.get().statusCode(), 1, Integer::sum);
            }
            assertEquals(Map.of(201, 1, 409, 49), byStatus);
            assertEquals(1, api.node.calls("createVr"), "validation and creation are one step per request");
            assertTrue(api.get("/api/v1/vrs/dup").expect(200).json().path("id").asInt() >= 200);
        }
    }
}
