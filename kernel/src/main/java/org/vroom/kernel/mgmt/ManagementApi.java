package org.vroom.kernel.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.vroom.kernel.config.ConfigException;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.NodeConfigLoader;
import org.vroom.kernel.config.PortConfig;
import org.vroom.kernel.config.VrConfig;
import org.vroom.kernel.stats.CounterRecord;
import org.vroom.kernel.stats.CounterTypes;

/**
 * The endpoints: routing, authentication, validation and the JSON of every answer. A pure function of
 * the request and the facade, with no Netty in it; {@link ApiChannelHandler} calls
 * {@link #handle(ApiRequest)} on a management executor thread.
 *
 * <p>Order of checks: Host header (DNS-rebinding guard when the server listens on loopback), path
 * (404), method (405 with {@code Allow}), bearer token on state-changing methods (401), path and query
 * parameters (400), body (415, 400), then the facade (404, 409, 400, 501, 503 from its
 * {@link ManagementException}s; 500 for anything else, logged).
 */
final class ManagementApi {
    private static final System.Logger LOG = System.getLogger(ManagementApi.class.getName());
    static final String PREFIX = "/api/v1";

    private final NodeManagement node;
    private final ApiToken token;
    private final ManagementStats stats;
    private final boolean loopbackOnly;
    /**
     * Serialises state-changing requests: validating against {@link NodeManagement#config()} and the facade
     * call that follows are one step with respect to other API requests (two creates binding the same VLAN
     * cannot both pass validation).
     */
    private final ReentrantLock mutations = new ReentrantLock();

    /**
     * @param loopbackOnly true when the server listens on a loopback address: requests must then name a
     *                     loopback host in their Host header (a page in a browser cannot reach the API
     *                     through DNS rebinding)
     */
    ManagementApi(NodeManagement node, ApiToken token, ManagementStats stats, boolean loopbackOnly) {
        this.node = node;
        this.token = token;
        this.stats = stats;
        this.loopbackOnly = loopbackOnly;
    }

    /** The endpoints, as (method, path pattern) pairs; "{name}" is a VR name. */
    enum Route {
        NODE("/api/v1/node", Set.of("GET")),
        VRS("/api/v1/vrs", Set.of("GET", "POST")),
        VR("/api/v1/vrs/{name}", Set.of("GET", "PUT", "DELETE")),
        INTERFACES("/api/v1/vrs/{name}/interfaces", Set.of("GET")),
        RIB("/api/v1/vrs/{name}/rib", Set.of("GET")),
        FIB("/api/v1/vrs/{name}/fib", Set.of("GET")),
        NEIGHBOURS("/api/v1/vrs/{name}/neighbours", Set.of("GET")),
        COUNTERS("/api/v1/vrs/{name}/counters", Set.of("GET")),
        FREEZE("/api/v1/vrs/{name}/freeze", Set.of("POST")),
        THAW("/api/v1/vrs/{name}/thaw", Set.of("POST")),
        CHECKPOINT("/api/v1/vrs/{name}/checkpoint", Set.of("POST")),
        RESTORE("/api/v1/vrs/{name}/restore", Set.of("POST")),
        PRECOPY("/api/v1/vrs/{name}/precopy", Set.of("POST")),
        METRICS("/metrics", Set.of("GET"));

        final String[] segments;
        final Set<String> methods;

        Route(String pattern, Set<String> methods) {
            this.segments = pattern.substring(1).split("/");
            this.methods = methods;
        }

        String allow() {
            return String.join(", ", methods.stream().sorted().toList());
        }
    }

    /** A matched route and its decoded VR name, if the pattern has one. */
    private record Match(Route route, String name) {
    }

    /** Answers {@code request}; never throws. */
    ApiResponse handle(ApiRequest request) {
        try {
            return dispatch(request);
        } catch (ApiException e) {
            if (e.status() == 401) {
                stats.authFailure();
            }
            ApiResponse r = ApiResponse.json(e.status(), ApiJson.bytes(ApiJson.error(e)));
            if (e.status() == 401) {
                r = r.withHeader("WWW-Authenticate", "Bearer realm=\"vroom\"");
            }
            return r;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "management request " + request.method() + " " + request.rawPath()
                + " failed", e);
            return ApiResponse.json(500, ApiJson.bytes(ApiJson.error(new ApiException(500,
                "internal error: " + e.getClass().getSimpleName() + " (see the node's log)"))));
        }
    }

    private ApiResponse dispatch(ApiRequest request) throws ApiException {
        checkHost(request.host());
        final Match match = route(request.rawPath());
        if (match == null) {
            throw new ApiException(404, "no such endpoint: " + request.rawPath()
                + " (endpoints are under " + PREFIX + "/ and /metrics)");
        }
        final Route route = match.route();
        final String method = request.method();
        if (!route.methods.contains(method)) {
            final ApiResponse r = ApiResponse.json(405, ApiJson.bytes(ApiJson.error(new ApiException(405,
                "method " + method + " is not allowed on " + request.rawPath() + " (allowed: " + route.allow() + ")"))));
            return r.withHeader("Allow", route.allow());
        }
        final boolean mutating = !method.equals("GET");
        if (mutating) {
            authenticate(request.authorization());
        }
        if (match.name() != null) {
            final String problem = VrConfigJson.nameProblem(match.name());
            if (problem != null) {
                throw ApiException.badRequest("VR name in the URL: " + problem, "name");
            }
        }
        checkQuery(request, route == Route.FIB ? Set.of("prefix", "address") : Set.of());
        if (mutating) {
            try {
                mutations.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted while waiting for another change to finish");
            }
        }
        try {
            return switch (route) {
                case NODE -> ok(nodeInfo());
                case VRS -> method.equals("GET") ? ok(vrList()) : createVr(request);
                case VR -> switch (method) {
                    case "GET" -> ok(vrDetail(match.name()));
                    case "PUT" -> ok(reconfigureVr(match.name(), request));
                    default -> ok(deleteVr(match.name()));
                };
                case INTERFACES -> ok(vrObject(match.name()).set("interfaces",
                    ApiJson.interfaces(node.interfaces(match.name()))));
                case RIB -> ok(vrObject(match.name()).set("routes", ApiJson.rib(node.rib(match.name()))));
                case FIB -> ok(fib(match.name(), request.query()));
                case NEIGHBOURS -> ok(vrObject(match.name()).set("neighbours",
                    ApiJson.neighbours(node.neighbours(match.name()))));
                case COUNTERS -> ok(counters(match.name()));
                case FREEZE -> ok(freezeOrThaw(match.name(), true));
                case THAW -> ok(freezeOrThaw(match.name(), false));
                case CHECKPOINT -> ok(checkpointInfo(node.checkpoint(match.name()), "checkpointed"));
                case RESTORE -> ok(checkpointInfo(node.restore(match.name()), "restored"));
                case PRECOPY -> ok(precopyInfo(node.precopy(match.name())));
                case METRICS -> ApiResponse.text(200, ApiResponse.PROMETHEUS, MetricsExporter.render(node, stats));
            };
        } catch (ManagementException e) {
            throw ApiException.from(e);
        } finally {
            if (mutating) {
                mutations.unlock();
            }
        }
    }

    // --- routing and request checks ---

    /** The route for a raw path (segments split before percent-decoding), or null; one trailing '/' is ignored. */
    static Match route(String rawPath) {
        String p = rawPath;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/")) {
            return null;
        }
        final String[] parts = p.substring(1).split("/", -1);
        for (Route r : Route.values()) {
            if (r.segments.length != parts.length) {
                continue;
            }
            String name = null;
            boolean ok = true;
            for (int i = 0; i < parts.length && ok; i++) {
                if (r.segments[i].equals("{name}")) {
                    try {
                        name = QueryStringDecoder.decodeComponent(parts[i], StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        name = parts[i]; // a broken escape: the name check rejects the '%'
                    }
                    ok = !parts[i].isEmpty();
                } else {
                    ok = r.segments[i].equals(parts[i]);
                }
            }
            if (ok) {
                return new Match(r, name);
            }
        }
        return null;
    }

    private void authenticate(String authorization) throws ApiException {
        final String presented = ApiToken.bearer(authorization);
        if (presented == null) {
            throw new ApiException(401, authorization == null
                ? "this request changes the node: it needs an \"Authorization: Bearer <token>\" header"
                : "the Authorization header is not \"Bearer <token>\"");
        }
        if (!token.matches(presented)) {
            throw new ApiException(401, "the bearer token is not valid for this node");
        }
    }

    private void checkHost(String host) throws ApiException {
        if (!loopbackOnly || host == null) {
            return;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            final int end = h.indexOf(']');
            h = end > 0 ? h.substring(1, end) : h;
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || isLoopbackLiteral(h)) {
            return;
        }
        throw new ApiException(403, "Host " + VrConfigJson.quote(host) + " is not allowed: this API listens on a"
            + " loopback address and answers only requests addressed to localhost or a loopback address");
    }

    private static boolean isLoopbackLiteral(String h) {
        if (h.isEmpty() || !h.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)) {
            return false; // not a literal: never resolve names here
        }
        if (h.indexOf(':') < 0) {
            try {
                return (Ipv4.parseAddress(h) >>> 24) == 127;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        try {
            return InetAddress.getByName("[" + h + "]").isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void checkQuery(ApiRequest request, Set<String> allowed) throws ApiException {
        for (Map.Entry<String, List<String>> e : request.query().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw ApiException.badRequest("unknown query parameter " + VrConfigJson.quote(e.getKey())
                    + (allowed.isEmpty() ? " (this endpoint takes none)"
                    : " (expected " + String.join(" or ", allowed.stream().sorted().toList()) + ")"), e.getKey());
            }
            if (e.getValue().size() > 1) {
                throw ApiException.badRequest("query parameter " + e.getKey() + " is given more than once",
                    e.getKey());
            }
        }
    }

    private static JsonNode jsonBody(ApiRequest request) throws ApiException {
        final String type = request.contentType();
        if (type != null && !type.isBlank()) {
            final String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
                throw new ApiException(415, "Content-Type " + VrConfigJson.quote(type)
                    + " is not supported: send application/json");
            }
        }
        return ApiJson.parse(request.body());
    }

    private static ApiResponse ok(JsonNode body) {
        return ApiResponse.json(200, ApiJson.bytes(body));
    }

    // --- endpoints ---

    private ObjectNode nodeInfo() {
        final NodeConfig config = node.config();
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("name", config.name());
        final Instant started = node.startedAt();
        o.put("startedAt", started.toString());
        o.put("uptimeSeconds", node.uptime().toMillis() / 1000.0);
        o.put("workers", config.workers());
        final ArrayNode ports = o.putArray("ports");
        for (PortConfig p : config.ports()) {
            final ObjectNode po = ports.addObject();
            po.put("name", p.name());
            if (p.isMemory()) {
                po.put("type", "memory");
                po.put("peer", p.memoryPeer());
            } else {
                po.put("type", "linux");
                po.put("interface", p.linuxInterface());
            }
        }
        o.put("vrCount", node.vrs().size());
        o.putObject("management").put("listen", config.management().listen());
        o.put("api", "v1");
        return o;
    }

    private ObjectNode vrList() {
        final NodeConfig config = node.config();
        final ObjectNode o = ApiJson.NODES.objectNode();
        final ArrayNode list = o.putArray("vrs");
        for (VrStatus s : node.vrs()) {
            list.add(ApiJson.vrSummary(s, config.findVr(s.name()).map(v -> v.interfaces().size()).orElse(0)));
        }
        return o;
    }

    private ObjectNode vrDetail(String name) throws ManagementException {
        final VrStatus status = node.vr(name);
        final Optional<VrConfig> config = node.config().findVr(name);
        final ObjectNode o = ApiJson.vrSummary(status, config.map(v -> v.interfaces().size()).orElse(0));
        o.set("interfaces", ApiJson.interfaces(node.interfaces(name)));
        if (config.isPresent()) {
            o.set("config", VrConfigJson.render(config.get()));
        } else {
            o.putNull("config");
        }
        return o;
    }

    /** {@code {"vr": name}}, after checking that the VR exists (so that a missing VR is always a 404). */
    private ObjectNode vrObject(String name) throws ManagementException {
        node.vr(name);
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", name);
        return o;
    }

    private ObjectNode fib(String name, Map<String, List<String>> query) throws ApiException, ManagementException {
        final String prefixText = first(query, "prefix");
        final String addressText = first(query, "address");
        if (prefixText != null && addressText != null) {
            throw ApiException.badRequest("give either prefix (exact match) or address (lookup), not both", "address");
        }
        if (prefixText == null && addressText == null) {
            throw ApiException.badRequest("give ?prefix=a.b.c.d/len for the exact entry or ?address=a.b.c.d for"
                + " the entry a packet to that address uses", "prefix");
        }
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", name);
        final ObjectNode q = o.putObject("query");
        final Optional<FibEntry> entry;
        if (prefixText != null) {
            final Ipv4.Prefix prefix;
            try {
                prefix = Ipv4.parsePrefix(prefixText);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage(), "prefix");
            }
            q.put("prefix", prefix.toString());
            entry = node.fibExact(name, prefix);
        } else {
            final int address;
            try {
                address = Ipv4.parseAddress(addressText);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage(), "address");
            }
            q.put("address", Ipv4.format(address));
            entry = node.fibLookup(name, address);
        }
        o.put("found", entry.isPresent());
        if (entry.isPresent()) {
            o.set("entry", ApiJson.fib(entry.get()));
        } else {
            o.putNull("entry");
        }
        return o;
    }

    private static String first(Map<String, List<String>> query, String key) {
        final List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private ObjectNode counters(String name) throws ManagementException {
        final VrStatus vr = node.vr(name);
        final Map<String, Long> sums = new LinkedHashMap<>();
        for (CounterRecord r : node.counters()) {
            if (r.typeId() == CounterTypes.VR && r.entityId() == vr.id()) {
                sums.merge(r.metric(), r.value(), Long::sum);
            }
        }
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", name);
        o.put("id", vr.id());
        final ObjectNode c = o.putObject("counters");
        sums.forEach(c::put);
        return o;
    }

    private ApiResponse createVr(ApiRequest request) throws ApiException, ManagementException {
        final VrConfig vr = VrConfigJson.parse(jsonBody(request), null, 0);
        final NodeConfig current = node.config();
        if (current.findVr(vr.name()).isPresent()) {
            throw new ApiException(409, "a VR named " + vr.name() + " already exists", "name");
        }
        for (VrConfig other : current.vrs()) {
            if (other.id() == vr.id()) {
                throw new ApiException(409, "VR id " + vr.id() + " is already used by VR " + other.name(), "id");
            }
        }
        final List<VrConfig> vrs = new ArrayList<>(current.vrs());
        vrs.add(vr);
        validate(current, vrs);
        final VrStatus created = node.createVr(vr);
        LOG.log(System.Logger.Level.INFO, "management API: created VR {0} (id {1})", vr.name(), vr.id());
        final ObjectNode body = ApiJson.vrSummary(created, vr.interfaces().size());
        body.set("interfaces", ApiJson.interfaces(node.interfaces(vr.name())));
        body.set("config", VrConfigJson.render(vr));
        return ApiResponse.json(201, ApiJson.bytes(body)).withHeader("Location", PREFIX + "/vrs/" + vr.name());
    }

    private ObjectNode reconfigureVr(String name, ApiRequest request) throws ApiException, ManagementException {
        final NodeConfig current = node.config();
        final VrConfig running = current.findVr(name).orElseThrow(() -> ManagementException.noSuchVr(name));
        final VrConfig wanted = VrConfigJson.parse(jsonBody(request), name, running.id());
        final List<VrConfig> vrs = new ArrayList<>();
        for (VrConfig other : current.vrs()) {
            if (!other.name().equals(name)) {
                if (other.id() == wanted.id()) {
                    throw new ApiException(409, "VR id " + wanted.id() + " is already used by VR " + other.name(), "id");
                }
                vrs.add(other);
            }
        }
        vrs.add(wanted); // last, so that conflicts are reported on the VR being changed
        validate(current, vrs);
        final ReconfigureResult result = node.reconfigureVr(name, wanted);
        if (!result.unchanged()) {
            LOG.log(System.Logger.Level.INFO, "management API: reconfigured VR {0}: {1} change(s) applied, {2} need a"
                + " restart", name, result.applied().size(), result.needsRestart().size());
        }
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", name);
        o.put("unchanged", result.unchanged());
        o.set("applied", ApiJson.changes(result.applied()));
        o.set("needsRestart", ApiJson.changes(result.needsRestart()));
        o.put("restartRequired", !result.needsRestart().isEmpty());
        return o;
    }

    /**
     * Checks {@code current} with its VRs replaced by {@code vrs} against the node file's rules; only
     * problems of the last VR (the one being created or changed) count, since the others are running.
     */
    private static void validate(NodeConfig current, List<VrConfig> vrs) throws ApiException {
        final NodeConfig candidate;
        try {
            candidate = new NodeConfig(current.name(), current.workers(), current.management(), current.ports(), vrs);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        try {
            NodeConfigLoader.validate(candidate);
        } catch (ConfigException e) {
            final String own = "vrs[" + (vrs.size() - 1) + "]";
            final List<ApiException.Problem> problems = new ArrayList<>();
            for (String line : e.problems()) {
                final int colon = line.indexOf(": ");
                final String path = colon > 0 ? line.substring(0, colon) : "";
                if (path.equals(own) || path.startsWith(own + ".")) {
                    final String field = path.length() > own.length() ? path.substring(own.length() + 1) : null;
                    problems.add(new ApiException.Problem(field, line.substring(colon + 2)));
                } else if (path.contains(" ") || !path.startsWith("vrs[") && !path.startsWith("ports[")) {
                    problems.add(new ApiException.Problem(null, line));
                }
            }
            if (!problems.isEmpty()) {
                throw new ApiException(400, problems);
            }
        }
    }

    private ObjectNode deleteVr(String name) throws ManagementException {
        final VrStatus vr = node.vr(name);
        node.deleteVr(name);
        LOG.log(System.Logger.Level.INFO, "management API: deleted VR {0} (id {1})", name, vr.id());
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", name);
        o.put("id", vr.id());
        o.put("deleted", true);
        return o;
    }

    private ObjectNode freezeOrThaw(String name, boolean freeze) throws ManagementException {
        final boolean changed = freeze ? node.freeze(name) : node.thaw(name);
        if (changed) {
            LOG.log(System.Logger.Level.INFO, "management API: {0} VR {1}", freeze ? "froze" : "thawed", name);
        }
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", name);
        o.put("state", node.vr(name).state().label());
        o.put("changed", changed);
        return o;
    }

    private static ObjectNode checkpointInfo(NodeManagement.CheckpointInfo info, String verb) {
        LOG.log(System.Logger.Level.INFO, "management API: {0} VR {1} ({2} bytes, {3} ms)", verb, info.vr(), info.bytes(),
            String.format(java.util.Locale.ROOT, "%.1f", info.millis()));
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", info.vr());
        o.put(verb, true);
        o.put("bytes", info.bytes());
        o.put("file", info.file());
        o.put("millis", info.millis());
        return o;
    }

    private static ObjectNode precopyInfo(NodeManagement.PrecopyInfo info) {
        LOG.log(System.Logger.Level.INFO, "management API: replaced VR {0} by pre-copy ({1} images, final {2} bytes,"
            + " frozen {3} ms)", info.vr(), info.imageBytes().size(), info.imageBytes().get(info.imageBytes().size() - 1),
            String.format(java.util.Locale.ROOT, "%.1f", info.frozenMillis()));
        final ObjectNode o = ApiJson.NODES.objectNode();
        o.put("vr", info.vr());
        final com.fasterxml.jackson.databind.node.ArrayNode images = o.putArray("imageBytes");
        info.imageBytes().forEach(images::add);
        o.put("frozenMillis", info.frozenMillis());
        o.put("totalMillis", info.totalMillis());
        return o;
    }
}
