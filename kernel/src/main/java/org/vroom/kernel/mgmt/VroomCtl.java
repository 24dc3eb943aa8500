package org.vroom.kernel.mgmt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serial;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code vroomctl}: the command line of a node's management API ({@code ./vroom ctl ...}).
 *
 * <pre>
 * vroomctl [--api URL] [--token-file FILE] [--json] [--timeout SECONDS] COMMAND [ARGS]
 * </pre>
 * See {@link #HELP} for the commands. Read commands need no token; {@code create}, {@code update},
 * {@code delete}, {@code freeze} and {@code thaw} send the token from {@code --token-file}, else
 * {@code $VROOM_TOKEN_FILE}, else the node's default token file ({@link ApiToken#defaultFile}, found
 * from the node name the API reports). {@code --api} defaults to {@code $VROOM_API}, else
 * {@code http://127.0.0.1:7878}.
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} the node failed (5xx) or answered something
 * unexpected; {@value #USAGE} bad command line or unreadable VR file; {@value #UNREACHABLE} the API
 * cannot be reached (refused, timed out); {@value #UNAUTHORIZED} no usable token or the node refused it
 * (401); {@value #REJECTED} the node rejected the request (400, 403, 405, 409, 413, 415);
 * {@value #NOT_FOUND} no such VR (404).
 */
public final class VroomCtl {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int UNAUTHORIZED = 4;
    public static final int REJECTED = 5;
    public static final int NOT_FOUND = 6;

    static final String DEFAULT_API = "http://127.0.0.1:7878";

    static final String HELP = """
        usage: vroomctl [--api URL] [--token-file FILE] [--json] [--timeout SECONDS] COMMAND [ARGS]

        commands:
          node                      the node: name, uptime, ports, VR count
          vrs                       every VR: id, state, interfaces, routes
          vr NAME                   one VR: state, interfaces, configuration
          interfaces NAME           a VR's interfaces
          rib NAME                  a VR's RIB (all routes; * marks the best)
          fib NAME [ADDRESS|PREFIX] the FIB entry a packet to ADDRESS uses, or the entry for PREFIX
          neighbours NAME           a VR's ARP neighbours
          counters NAME             a VR's counters
          create FILE               create a VR from FILE (.yaml/.yml or .json: one item of the node file's vrs)
          update NAME FILE          reconfigure VR NAME from FILE; says what applied and what needs a restart
          delete NAME               delete a VR
          freeze NAME               freeze a VR's control plane (its data plane keeps forwarding)
          thaw NAME                 thaw a frozen VR
          checkpoint NAME           checkpoint a frozen VR (the node keeps the image and writes it to a file)
          restore NAME              destroy a frozen VR's control plane and restore it from its checkpoint
                                    (its data plane forwards throughout; thaw it next)
          precopy NAME              replace a running VR's control plane by a restored copy with pre-copy
                                    (snapshot and deltas while it runs, only the final delta frozen)

        options:
          --api URL                 the node's management API (default $VROOM_API, else http://127.0.0.1:7878)
          --token-file FILE         the API token for changing commands (default $VROOM_TOKEN_FILE,
                                    else <run-dir>/<node>/api.token)
          --json                    print the API's JSON instead of tables
          --timeout SECONDS         give up waiting for an answer after SECONDS (default 30)

        exit codes: 0 ok, 1 node failure, 2 usage, 3 unreachable, 4 unauthorised, 5 rejected, 6 not found
        """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private URI api;
    private Path tokenFile;
    private boolean json;
    private Duration timeout = Duration.ofSeconds(30);
    private HttpClient client;

    /** Unwinds a command with an exit code and a message for stderr (none if null). */
    private static final class Exit extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;
        final int code;

        Exit(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private VroomCtl(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command line.
     *
     * @param env the environment ({@code VROOM_API}, {@code VROOM_TOKEN_FILE}, {@code VROOM_RUN_DIR})
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        final VroomCtl ctl = new VroomCtl(out, err, env);
        try {
            ctl.execute(args);
            return OK;
        } catch (Exit e) {
            if (e.getMessage() != null) {
                err.println("vroomctl: " + e.getMessage());
            }
            return e.code;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void execute(String[] args) throws Exit {
        final List<String> words = new ArrayList<>();
        String apiText = env.getOrDefault("VROOM_API", DEFAULT_API);
        final String envToken = env.get("VROOM_TOKEN_FILE");
        tokenFile = envToken == null || envToken.isBlank() ? null : Path.of(envToken);
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            switch (a) {
                case "-h", "--help", "help" -> {
                    out.print(HELP);
                    return;
                }
                case "--json" -> json = true;
                case "--api" -> apiText = value(args, ++i, a);
                case "--token-file" -> tokenFile = Path.of(value(args, ++i, a));
                case "--timeout" -> {
                    final String v = value(args, ++i, a);
                    try {
                        final long s = Long.parseLong(v);
                        if (s < 1 || s > 3600) {
                            throw new NumberFormatException();
                        }
                        timeout = Duration.ofSeconds(s);
                    } catch (NumberFormatException e) {
                        throw usage("--timeout " + v + ": expected whole seconds 1..3600");
                    }
                }
                default -> {
                    if (a.startsWith("--") && words.isEmpty()) {
                        throw usage("unknown option " + a);
                    }
                    words.add(a);
                }
            }
        }
        if (words.isEmpty()) {
            throw usage("missing command");
        }
        api = parseApi(apiText);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(Math.min(5, timeout.toSeconds()))).build();
        final String command = words.get(0);
        final List<String> rest = words.subList(1, words.size());
        switch (command) {
            case "node" -> {
                arity(command, rest, 0, "");
                node();
            }
            case "vrs" -> {
                arity(command, rest, 0, "");
                vrs();
            }
            case "vr" -> vr(single(command, rest));
            case "interfaces" -> interfaces(single(command, rest));
            case "rib" -> rib(single(command, rest));
            case "fib" -> {
                if (rest.isEmpty() || rest.size() > 2) {
                    throw usage("usage: fib NAME [ADDRESS|PREFIX]");
                }
                fib(rest.get(0), rest.size() == 2 ? rest.get(1) : null);
            }
            case "neighbours", "neighbors" -> neighbours(single(command, rest));
            case "counters" -> counters(single(command, rest));
            case "create" -> create(single(command, rest));
            case "update" -> {
                arity(command, rest, 2, " NAME FILE");
                update(rest.get(0), rest.get(1));
            }
            case "delete" -> delete(single(command, rest));
            case "freeze" -> freezeOrThaw(single(command, rest), "freeze");
            case "thaw" -> freezeOrThaw(single(command, rest), "thaw");
            case "checkpoint", "restore" -> checkpointOrRestore(single(command, rest), command);
            case "precopy" -> precopy(single(command, rest));
            default -> throw usage("unknown command " + VrConfigJson.quote(command) + " (try vroomctl --help)");
        }
    }

    // --- argument helpers ---

    private static Exit usage(String message) {
        return new Exit(USAGE, message);
    }

    private static String value(String[] args, int i, String option) throws Exit {
        if (i >= args.length) {
            throw usage(option + " needs a value");
        }
        return args[i];
    }

    private static void arity(String command, List<String> rest, int n, String shape) throws Exit {
        if (rest.size() != n) {
            throw usage("usage: " + command + shape);
        }
    }

    private static String single(String command, List<String> rest) throws Exit {
        arity(command, rest, 1, command.equals("create") ? " FILE" : " NAME");
        return rest.get(0);
    }

    private static URI parseApi(String text) throws Exit {
        try {
            String t = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            if (!t.contains("://")) {
                t = "http://" + t;
            }
            final URI uri = new URI(t);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(text, "expected http://HOST:PORT");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw usage("--api " + text + ": not an http://HOST:PORT URL");
        }
    }

    // --- HTTP ---

    private JsonNode get(String path) throws Exit {
        return call("GET", path, null);
    }

    /** Sends a request; returns the JSON of a 2xx answer, or throws an Exit for anything else. */
    private JsonNode call(String method, String path, byte[] body) throws Exit {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout)
            .header("Accept", "application/json");
        if (!method.equals("GET")) {
            b.header("Authorization", "Bearer " + token());
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        final HttpResponse<byte[]> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new Exit(UNREACHABLE, "cannot connect to " + api + ": timed out (is the node running? is --api right?)");
        } catch (ConnectException e) {
            throw new Exit(UNREACHABLE, "cannot connect to " + api + ": connection refused (is the node running?"
                + " is --api right?)");
        } catch (HttpTimeoutException e) {
            throw new Exit(UNREACHABLE, "no answer from " + api + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new Exit(UNREACHABLE, "cannot talk to " + api + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Exit(FAILED, "interrupted");
        }
        final int status = response.statusCode();
        JsonNode doc = null;
        try {
            doc = response.body().length == 0 ? null : ApiJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            if (status / 100 == 2) {
                throw new Exit(FAILED, "the node answered " + status + " with a body that is not JSON");
            }
        }
        if (status / 100 == 2 && doc != null) {
            return doc;
        }
        throw failure(status, doc);
    }

    private Exit failure(int status, JsonNode doc) {
        final String error = doc != null && doc.hasNonNull("error") ? doc.get("error").asText() : "(no details)";
        final StringBuilder m = new StringBuilder();
        final String field = doc != null && doc.hasNonNull("field") ? doc.get("field").asText() : null;
        final int code;
        switch (status) {
            case 401 -> {
                m.append("not authorised (401): ").append(error).append("; check the token (--token-file FILE or ")
                    .append("VROOM_TOKEN_FILE").append(tokenFile != null ? ", used " + tokenFile : "").append(')');
                code = UNAUTHORIZED;
            }
            case 404 -> {
                m.append("not found: ").append(error);
                code = NOT_FOUND;
            }
            default -> {
                if (status >= 400 && status < 500) {
                    m.append("rejected (").append(status).append("): ").append(error);
                    if (field != null) {
                        m.append(" [").append(field).append(']');
                    }
                    code = REJECTED;
                } else {
                    m.append("the node failed (").append(status).append("): ").append(error);
                    code = FAILED;
                }
            }
        }
        if (doc != null && doc.has("problems")) {
            for (JsonNode p : doc.get("problems")) {
                m.append("\n  ").append(p.hasNonNull("field") ? p.get("field").asText() + ": " : "")
                    .append(p.path("error").asText());
            }
        }
        return new Exit(code, m.toString());
    }

    private String token() throws Exit {
        Path file = tokenFile;
        if (file == null) {
            final String node = get(ManagementApi.PREFIX + "/node").path("name").asText(null);
            if (node == null) {
                throw new Exit(FAILED, "the node did not say its name; pass --token-file");
            }
            file = defaultTokenFile(node);
            if (!Files.exists(file)) {
                throw new Exit(UNAUTHORIZED, "no token: " + file + " does not exist; pass --token-file FILE (the node"
                    + " logs where its token is) or set VROOM_TOKEN_FILE");
            }
            tokenFile = file;
        }
        try {
            return ApiToken.read(file);
        } catch (IOException e) {
            throw new Exit(UNAUTHORIZED, e.getMessage());
        }
    }

    private Path defaultTokenFile(String node) {
        final String base = env.get("VROOM_RUN_DIR");
        return base != null && !base.isBlank() ? Path.of(base, node, ApiToken.FILE_NAME) : ApiToken.defaultFile(node);
    }

    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String vrPath(String name) {
        return ManagementApi.PREFIX + "/vrs/" + segment(name);
    }

    /** Prints {@code doc} as indented JSON when --json was given; returns whether it did. */
    private boolean printedJson(JsonNode doc) throws Exit {
        if (!json) {
            return false;
        }
        try {
            out.println(ApiJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new Exit(FAILED, "cannot print JSON: " + e.getMessage());
        }
        return true;
    }

    private static String text(JsonNode n, String key) {
        final JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    // --- commands ---

    private void node() throws Exit {
        final JsonNode n = get(ManagementApi.PREFIX + "/node");
        if (printedJson(n)) {
            return;
        }
        final List<String> ports = new ArrayList<>();
        for (JsonNode p : n.path("ports")) {
            ports.add(p.path("name").asText() + (p.path("type").asText().equals("memory")
                ? " (memory, peer " + p.path("peer").asText() + ")" : " (linux " + p.path("interface").asText() + ")"));
        }
        CtlTable.keyValues(out, new String[][] {
            {"node", text(n, "name")},
            {"started", text(n, "startedAt") + " (up " + uptime(n.path("uptimeSeconds").asDouble()) + ")"},
            {"workers", text(n, "workers")},
            {"VRs", text(n, "vrCount")},
            {"ports", ports.isEmpty() ? "none" : String.join(", ", ports)},
            {"management", n.path("management").path("listen").asText()},
        });
    }

    static String uptime(double seconds) {
        long s = (long) seconds;
        final long d = s / 86_400;
        s %= 86_400;
        final long h = s / 3600;
        s %= 3600;
        final long m = s / 60;
        s %= 60;
        return (d > 0 ? d + "d " : "") + (d > 0 || h > 0 ? h + "h " : "") + (d > 0 || h > 0 || m > 0 ? m + "m " : "")
            + s + "s";
    }

    private void vrs() throws Exit {
        final JsonNode n = get(ManagementApi.PREFIX + "/vrs");
        if (printedJson(n)) {
            return;
        }
        final CtlTable t = new CtlTable("NAME", "ID", "STATE", "INTERFACES", "RIB", "FIB");
        for (JsonNode v : n.path("vrs")) {
            t.row(text(v, "name"), text(v, "id"), text(v, "state"), text(v, "interfaces"), text(v, "ribRoutes"),
                text(v, "fibRoutes"));
        }
        if (t.isEmpty()) {
            out.println("no VRs");
        } else {
            t.print(out);
        }
    }

    private void vr(String name) throws Exit {
        final JsonNode n = get(vrPath(name));
        if (printedJson(n)) {
            return;
        }
        CtlTable.keyValues(out, new String[][] {
            {"VR", text(n, "name")},
            {"id", text(n, "id")},
            {"state", text(n, "state")},
            {"RIB routes", text(n, "ribRoutes")},
            {"FIB routes", text(n, "fibRoutes")},
        });
        out.println();
        interfaceTable(n.path("interfaces"));
        final JsonNode routes = n.path("config").path("static-routes");
        if (routes.size() > 0) {
            out.println();
            final CtlTable t = new CtlTable("STATIC ROUTE", "VIA", "ACTION", "INTERFACE");
            for (JsonNode r : routes) {
                t.row(text(r, "prefix"), text(r, "via"), r.hasNonNull("action") ? text(r, "action") : "forward",
                    text(r, "interface"));
            }
            t.print(out);
        }
    }

    private void interfaces(String name) throws Exit {
        final JsonNode n = get(vrPath(name) + "/interfaces");
        if (!printedJson(n)) {
            interfaceTable(n.path("interfaces"));
        }
    }

    private void interfaceTable(JsonNode list) {
        final CtlTable t = new CtlTable("INTERFACE", "PORT", "VLAN", "ADDRESS", "MTU", "MAC", "BOUND");
        for (JsonNode i : list) {
            t.row(text(i, "name"), text(i, "port"), text(i, "vlan"), text(i, "address"), text(i, "mtu"),
                text(i, "mac"), i.path("bound").asBoolean() ? "yes" : "no");
        }
        if (t.isEmpty()) {
            out.println("no interfaces");
        } else {
            t.print(out);
        }
    }

    private void rib(String name) throws Exit {
        final JsonNode n = get(vrPath(name) + "/rib");
        if (printedJson(n)) {
            return;
        }
        final CtlTable t = new CtlTable(" ", "PREFIX", "PROTOCOL", "DIST/METRIC", "NEXT HOP", "INTERFACE");
        for (JsonNode r : n.path("routes")) {
            final String action = text(r, "action");
            final JsonNode hops = r.path("nextHops");
            final String mark = r.path("best").asBoolean() ? "*" : " ";
            final String dm = text(r, "distance") + "/" + text(r, "metric");
            if (!"forward".equals(action) || hops.isEmpty()) {
                t.row(mark, text(r, "prefix"), text(r, "protocol"), dm, "forward".equals(action) ? null : action, null);
                continue;
            }
            boolean firstHop = true;
            for (JsonNode h : hops) {
                final String via = h.hasNonNull("address") ? text(h, "address") : "connected";
                if (firstHop) {
                    t.row(mark, text(r, "prefix"), text(r, "protocol"), dm, via, text(h, "interface"));
                } else {
                    t.row(" ", "", "", "", via, text(h, "interface"));
                }
                firstHop = false;
            }
        }
        if (t.isEmpty()) {
            out.println("the RIB of " + name + " is empty");
        } else {
            t.print(out);
        }
    }

    private void fib(String name, String what) throws Exit {
        if (what == null) {
            final JsonNode v = get(vrPath(name));
            if (printedJson(v)) {
                return;
            }
            out.println("FIB of " + name + ": " + (v.hasNonNull("fibRoutes") ? text(v, "fibRoutes") : "?")
                + " routes; give an ADDRESS or a PREFIX to see an entry");
            return;
        }
        final String key = what.indexOf('/') >= 0 ? "prefix" : "address";
        final JsonNode n = get(vrPath(name) + "/fib?" + key + "=" + URLEncoder.encode(what, StandardCharsets.UTF_8));
        if (printedJson(n)) {
            return;
        }
        if (!n.path("found").asBoolean()) {
            out.println(key.equals("prefix") ? "no FIB entry for " + text(n.path("query"), "prefix")
                : "no route to " + text(n.path("query"), "address") + " (the packet would be dropped)");
            return;
        }
        final JsonNode e = n.path("entry");
        new CtlTable("PREFIX", "KIND", "NEXT HOP", "INTERFACE", "MAC", "ADJACENCY")
            .row(text(e, "prefix"), text(e, "kind"), text(e, "nextHop"), text(e, "interface"),
                e.hasNonNull("mac") ? text(e, "mac") : ("forward".equals(text(e, "kind")) ? "unresolved" : null),
                text(e, "adjacency"))
            .print(out);
    }

    private void neighbours(String name) throws Exit {
        final JsonNode n = get(vrPath(name) + "/neighbours");
        if (printedJson(n)) {
            return;
        }
        final CtlTable t = new CtlTable("ADDRESS", "MAC", "STATE", "INTERFACE");
        for (JsonNode e : n.path("neighbours")) {
            t.row(text(e, "address"), text(e, "mac"), text(e, "state"), text(e, "interface"));
        }
        if (t.isEmpty()) {
            out.println("no neighbours");
        } else {
            t.print(out);
        }
    }

    private void counters(String name) throws Exit {
        final JsonNode n = get(vrPath(name) + "/counters");
        if (printedJson(n)) {
            return;
        }
        final CtlTable t = new CtlTable("COUNTER", "VALUE");
        n.path("counters").properties().forEach(e -> t.row(e.getKey(), e.getValue().asText()));
        if (t.isEmpty()) {
            out.println("no counters for VR " + name);
        } else {
            t.print(out);
        }
    }

    private byte[] vrFile(String file) throws Exit {
        try {
            return ApiJson.MAPPER.writeValueAsBytes(VrFile.read(Path.of(file)));
        } catch (IOException e) {
            throw new Exit(USAGE, e.getMessage());
        }
    }

    private void create(String file) throws Exit {
        final JsonNode n = call("POST", ManagementApi.PREFIX + "/vrs", vrFile(file));
        if (!printedJson(n)) {
            out.println("created VR " + text(n, "name") + " (id " + text(n, "id") + ", " + n.path("interfaces").size()
                + " interfaces, " + text(n, "state") + ")");
        }
    }

    private void update(String name, String file) throws Exit {
        final JsonNode n = call("PUT", vrPath(name), vrFile(file));
        if (printedJson(n)) {
            return;
        }
        if (n.path("unchanged").asBoolean()) {
            out.println("VR " + name + ": nothing changed");
            return;
        }
        for (JsonNode c : n.path("applied")) {
            out.println("applied        " + text(c, "path") + ": " + text(c, "change"));
        }
        for (JsonNode c : n.path("needsRestart")) {
            out.println("needs restart  " + text(c, "path") + ": " + text(c, "change"));
        }
        if (n.path("restartRequired").asBoolean()) {
            out.println("VR " + name + " must restart for the changes marked \"needs restart\" to take effect");
        }
    }

    private void delete(String name) throws Exit {
        final JsonNode n = call("DELETE", vrPath(name), null);
        if (!printedJson(n)) {
            out.println("deleted VR " + name + " (id " + text(n, "id") + ")");
        }
    }

    private void freezeOrThaw(String name, String verb) throws Exit {
        final JsonNode n = call("POST", vrPath(name) + "/" + verb, null);
        if (printedJson(n)) {
            return;
        }
        final boolean changed = n.path("changed").asBoolean();
        out.println("VR " + name + (changed ? " is now " : " was already ") + text(n, "state"));
    }

    private void checkpointOrRestore(String name, String verb) throws Exit {
        final JsonNode n = call("POST", vrPath(name) + "/" + verb, null);
        if (printedJson(n)) {
            return;
        }
        out.println("VR " + name + (verb.equals("checkpoint") ? " checkpointed: " : " restored from ")
            + text(n, "bytes") + " bytes in " + text(n, "file") + ", "
            + String.format(java.util.Locale.ROOT, "%.1f", n.path("millis").asDouble()) + " ms");
    }

    private void precopy(String name) throws Exit {
        final JsonNode n = call("POST", vrPath(name) + "/precopy", null);
        if (printedJson(n)) {
            return;
        }
        out.println("VR " + name + " replaced by pre-copy: images " + n.path("imageBytes") + " bytes, frozen "
            + String.format(java.util.Locale.ROOT, "%.1f ms of %.1f ms", n.path("frozenMillis").asDouble(),
                n.path("totalMillis").asDouble()));
    }
}
