package org.vroom.kernel.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.RouteAction;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;

/**
 * A VR's configuration as JSON, in exactly the shape of one item of {@code vrs:} in the node file
 * (same keys, same value forms), so a VR written in YAML converts to the API's JSON one to one:
 * <pre>{@code
 * {"name": "red", "id": 1,
 *  "interfaces": [{"name": "eth0", "port": "p0", "vlan": 100, "address": "10.0.1.1/24", "mtu": 1500}],
 *  "static-routes": [{"prefix": "0.0.0.0/0", "via": "10.0.1.254", "interface": "eth0"},
 *                    {"prefix": "10.9.0.0/16", "action": "drop"}]}
 * }</pre>
 * Parsing checks each record's own rules (the per-record half of the node file's rules) and collects
 * every problem with its path ({@code interfaces[1].address}); the cross-record rules (ports exist,
 * bindings, overlapping subnets, next hops in a connected subnet) are checked by the server against
 * the node's configuration. As in the file: unknown keys are errors, null counts as absent, whole
 * numbers may be JSON numbers or decimal strings without leading zeros, and a VR's interfaces and
 * routes lists may be absent (empty).
 */
final class VrConfigJson {
    static final List<String> VR_KEYS = List.of("name", "id", "interfaces", "static-routes");
    static final List<String> INTERFACE_KEYS = List.of("name", "port", "vlan", "address", "mtu");
    static final List<String> ROUTE_KEYS = List.of("prefix", "via", "action", "interface");
    private static final int MAX_ITEMS = 4096;

    private final List<ApiException.Problem> problems = new ArrayList<>();

    private VrConfigJson() {
    }

    /**
     * Reads a VR configuration.
     *
     * @param json         the parsed body
     * @param impliedName  the VR name from the URL (PUT), used when the body has none and required to
     *                     match when it has one; null for POST
     * @param impliedId    the id to use when the body has none (PUT keeps the running id), or 0 if required
     * @throws ApiException 400 with every problem found
     */
    static VrConfig parse(JsonNode json, String impliedName, int impliedId) throws ApiException {
        final VrConfigJson reader = new VrConfigJson();
        final VrConfig config = reader.readVr(json, impliedName, impliedId);
        if (!reader.problems.isEmpty() || config == null) {
            throw new ApiException(400, reader.problems.isEmpty()
                ? List.of(new ApiException.Problem(null, "invalid VR configuration")) : reader.problems);
        }
        return config;
    }

    /** Why {@code name} is not a valid VR, interface or port name, or null (the node file's rule). */
    static String nameProblem(String name) {
        try {
            new VrConfig(name, 1, List.of(), List.of());
            return null;
        } catch (IllegalArgumentException e) {
            final String m = e.getMessage();
            return m.startsWith("VR name: ") ? m.substring("VR name: ".length()) : m;
        }
    }

    /** The JSON form of {@code config}, the same shape {@link #parse} reads. */
    static ObjectNode render(VrConfig config) {
        final JsonNodeFactory f = JsonNodeFactory.instance;
        final ObjectNode vr = f.objectNode();
        vr.put("name", config.name());
        vr.put("id", config.id());
        final ArrayNode interfaces = vr.putArray("interfaces");
        for (InterfaceConfig itf : config.interfaces()) {
            final ObjectNode o = interfaces.addObject();
            o.put("name", itf.name());
            o.put("port", itf.port());
            if (itf.isTagged()) {
                o.put("vlan", itf.vlan());
            }
            o.put("address", Ipv4.format(itf.address(), itf.prefixLength()));
            o.put("mtu", itf.mtu());
        }
        final ArrayNode routes = vr.putArray("static-routes");
        for (StaticRouteConfig r : config.staticRoutes()) {
            final ObjectNode o = routes.addObject();
            o.put("prefix", r.destination().toString());
            if (r.hasVia()) {
                o.put("via", Ipv4.format(r.via()));
                if (r.interfaceName() != null) {
                    o.put("interface", r.interfaceName());
                }
            } else {
                o.put("action", r.action().name().toLowerCase(Locale.ROOT));
            }
        }
        return vr;
    }

    // --- the walk ---

    private VrConfig readVr(JsonNode json, String impliedName, int impliedId) {
        if (json == null || !json.isObject()) {
            problem(null, "expected a JSON object describing a VR (name, id, interfaces, static-routes), found "
                + kind(json));
            return null;
        }
        checkKeys(json, "", VR_KEYS);
        String name = name(json, "", "name", impliedName == null);
        if (impliedName != null) {
            if (name == null && absent(json, "name")) {
                name = impliedName;
            } else if (name != null && !name.equals(impliedName)) {
                problem("name", "the body names VR " + quote(name) + " but the URL names " + quote(impliedName)
                    + " (a VR cannot be renamed: delete it and create it again)");
            }
        }
        Long id = integer(json, "", "id", impliedId == 0, 1, VrConfig.MAX_ID);
        if (id == null && impliedId != 0 && absent(json, "id")) {
            id = (long) impliedId;
        }
        final List<InterfaceConfig> interfaces = new ArrayList<>();
        final List<JsonNode> itfNodes = list(json, "", "interfaces");
        for (int i = 0; i < itfNodes.size(); i++) {
            final InterfaceConfig itf = readInterface(itfNodes.get(i), "interfaces[" + i + "]");
            if (itf != null) {
                interfaces.add(itf);
            }
        }
        final List<StaticRouteConfig> routes = new ArrayList<>();
        final List<JsonNode> routeNodes = list(json, "", "static-routes");
        for (int i = 0; i < routeNodes.size(); i++) {
            final StaticRouteConfig route = readRoute(routeNodes.get(i), "static-routes[" + i + "]");
            if (route != null) {
                routes.add(route);
            }
        }
        if (!problems.isEmpty() || name == null || id == null) {
            return null;
        }
        final String vrName = name;
        final int vrId = id.intValue();
        return build(() -> new VrConfig(vrName, vrId, interfaces, routes), null);
    }

    private InterfaceConfig readInterface(JsonNode json, String path) {
        if (!json.isObject()) {
            problem(path, "expected an interface (name, port, vlan, address, mtu), found " + kind(json));
            return null;
        }
        final int before = problems.size();
        checkKeys(json, path, INTERFACE_KEYS);
        final String name = name(json, path, "name", true);
        final String port = name(json, path, "port", true);
        final Long vlan = integer(json, path, "vlan", false, 1, InterfaceConfig.MAX_VLAN);
        final Long mtu = integer(json, path, "mtu", false, InterfaceConfig.MIN_MTU, InterfaceConfig.MAX_MTU);
        Ipv4.Prefix address = null;
        final String text = text(json, path, "address", true);
        if (text != null) {
            try {
                address = Ipv4.parseAddressWithPrefix(text);
                final String problem = InterfaceConfig.addressProblem(address.address(), address.length());
                if (problem != null) {
                    problem(join(path, "address"), problem);
                    address = null;
                }
            } catch (IllegalArgumentException e) {
                problem(join(path, "address"), e.getMessage());
            }
        }
        if (problems.size() != before || name == null || port == null || address == null) {
            return null;
        }
        final Ipv4.Prefix a = address;
        return build(() -> new InterfaceConfig(name, port, vlan == null ? InterfaceConfig.UNTAGGED : vlan.intValue(),
            a.address(), a.length(), mtu == null ? InterfaceConfig.DEFAULT_MTU : mtu.intValue()), path);
    }

    private StaticRouteConfig readRoute(JsonNode json, String path) {
        if (!json.isObject()) {
            problem(path, "expected a static route (prefix, and via or action), found " + kind(json));
            return null;
        }
        final int before = problems.size();
        checkKeys(json, path, ROUTE_KEYS);
        Ipv4.Prefix prefix = null;
        final String prefixText = text(json, path, "prefix", true);
        if (prefixText != null) {
            try {
                prefix = Ipv4.parsePrefix(prefixText);
            } catch (IllegalArgumentException e) {
                problem(join(path, "prefix"), e.getMessage());
            }
        }
        final boolean hasVia = !absent(json, "via");
        final boolean hasAction = !absent(json, "action");
        int via = 0;
        RouteAction action = null;
        if (hasVia && hasAction) {
            problem(join(path, "action"), "set either via or action, not both");
        } else if (!hasVia && !hasAction) {
            problem(path, "missing \"via\" (the next hop) or \"action\" (drop or reject)");
        } else if (hasVia) {
            final String text = text(json, path, "via", true);
            if (text != null) {
                try {
                    via = Ipv4.parseAddress(text);
                    final String problem = Ipv4.unicastProblem(via);
                    if (problem != null) {
                        problem(join(path, "via"), "next hop " + text + " " + problem);
                    }
                    action = RouteAction.FORWARD;
                } catch (IllegalArgumentException e) {
                    problem(join(path, "via"), e.getMessage());
                }
            }
        } else {
            action = action(json, path);
        }
        String itf = null;
        if (!absent(json, "interface")) {
            if (hasVia) {
                itf = name(json, path, "interface", true);
            } else if (hasAction) {
                problem(join(path, "interface"), "only allowed with \"via\" (it pins the next hop's interface)");
            }
        }
        if (problems.size() != before || prefix == null || action == null) {
            return null;
        }
        final Ipv4.Prefix p = prefix;
        final int hop = via;
        final RouteAction act = action;
        final String pinned = itf;
        return build(() -> new StaticRouteConfig(p.address(), p.length(), hop, pinned, act), path);
    }

    private RouteAction action(JsonNode json, String path) {
        final String text = text(json, path, "action", true);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "drop" -> RouteAction.DROP;
            case "reject" -> RouteAction.REJECT;
            case "forward" -> {
                problem(join(path, "action"),
                    "\"forward\" is not written as an action: give \"via\" (the next hop) instead");
                yield null;
            }
            default -> {
                problem(join(path, "action"), quote(text) + " is not an action (expected drop or reject)");
                yield null;
            }
        };
    }

    // --- typed access ---

    private void checkKeys(JsonNode object, String path, List<String> keys) {
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            final String key = entry.getKey();
            if (!keys.contains(key)) {
                final String hint = suggestion(key, keys);
                problem(join(path, key), "unknown key" + (hint == null
                    ? " (expected one of: " + String.join(", ", keys) + ")" : " (did you mean " + quote(hint) + "?)"));
            }
        }
    }

    private static boolean absent(JsonNode object, String key) {
        final JsonNode v = object.get(key);
        return v == null || v.isNull();
    }

    /** The text of a string value; numbers are not text (a name or address is always quoted in JSON). */
    private String text(JsonNode object, String path, String key, boolean required) {
        final JsonNode v = object.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                problem(join(path, key), "missing " + quote(key));
            }
            return null;
        }
        if (!v.isTextual()) {
            problem(join(path, key), "expected a string, found " + kind(v));
            return null;
        }
        return v.textValue();
    }

    private String name(JsonNode object, String path, String key, boolean required) {
        final String text = text(object, path, key, required);
        if (text == null) {
            return null;
        }
        final String problem = nameProblem(text);
        if (problem != null) {
            problem(join(path, key), problem);
            return null;
        }
        return text;
    }

    /** A whole number: a JSON integer, or a string of decimal digits without a leading zero. */
    private Long integer(JsonNode object, String path, String key, boolean required, long min, long max) {
        final JsonNode v = object.get(key);
        final String field = join(path, key);
        if (v == null || v.isNull()) {
            if (required) {
                problem(field, "missing " + quote(key));
            }
            return null;
        }
        final long value;
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                problem(field, v.asText() + " is out of range " + min + ".." + max);
                return null;
            }
            value = v.longValue();
        } else if (v.isTextual()) {
            final String t = v.textValue();
            final int start = t.startsWith("-") ? 1 : 0;
            if (t.length() == start || t.length() - start > 18 || !t.substring(start).chars().allMatch(c -> c >= '0' && c <= '9')) {
                problem(field, quote(t) + " is not a whole number");
                return null;
            }
            if (t.length() - start > 1 && t.charAt(start) == '0') {
                problem(field, quote(t) + " has a leading zero (octal or decimal?)");
                return null;
            }
            value = Long.parseLong(t);
        } else {
            problem(field, "expected a whole number, found " + kind(v));
            return null;
        }
        if (value < min || value > max) {
            problem(field, value + " is out of range " + min + ".." + max);
            return null;
        }
        return value;
    }

    private List<JsonNode> list(JsonNode object, String path, String key) {
        final JsonNode v = object.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problem(join(path, key), "expected a list, found " + kind(v));
            return List.of();
        }
        if (v.size() > MAX_ITEMS) {
            problem(join(path, key), v.size() + " items; at most " + MAX_ITEMS + " are allowed");
            return List.of();
        }
        final List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    private interface Builder<T> {
        T build();
    }

    /** Runs a record constructor; a rule the walk missed but the record enforces becomes a problem. */
    private <T> T build(Builder<T> builder, String path) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return null;
        }
    }

    private void problem(String field, String message) {
        if (problems.size() < 100) {
            problems.add(new ApiException.Problem(field == null || field.isEmpty() ? null : field, message));
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String kind(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isTextual()) {
            return "a string (" + quote(v.textValue()) + ")";
        }
        if (v.isBoolean()) {
            return "a boolean (" + v.asText() + ")";
        }
        if (v.isNumber()) {
            return "a number (" + v.asText() + ")";
        }
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** {@code "text"}, escaped and shortened to one readable line. */
    static String quote(String text) {
        final StringBuilder sb = new StringBuilder().append('"');
        for (int i = 0; i < text.length(); i++) {
            if (sb.length() > 60) {
                sb.append("...");
                break;
            }
            final char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && Character.isISOControl(c))) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** The key closest to {@code wrong} (case, '_' for '-', or one or two edits away), or null. */
    static String suggestion(String wrong, List<String> keys) {
        return org.vroom.kernel.config.Suggestions.closest(wrong, keys);
    }
}
