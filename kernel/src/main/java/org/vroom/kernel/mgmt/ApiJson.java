package org.vroom.kernel.mgmt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.Ipv4;

/**
 * The API's JSON: one shared, strictly configured {@link ObjectMapper} (bounded nesting, string and
 * number lengths; duplicate keys and trailing content are errors) and the rendering of the facade's
 * records. Field names are camelCase, except inside a VR configuration, which keeps the node file's
 * keys ({@link VrConfigJson}). Addresses are dotted quads, prefixes {@code a.b.c.d/len}, MACs
 * {@code 02:00:00:01:00:00}; an absent value is {@code null}.
 */
final class ApiJson {
    /** Shared and thread-safe once configured. */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxStringLength(64 * 1024)
                .maxNumberLength(64)
                .maxNameLength(1024)
                .build())
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ApiJson() {
    }

    /**
     * Parses a request body.
     *
     * @throws ApiException 400 naming what is wrong with the JSON
     */
    static JsonNode parse(byte[] body) throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest("missing request body: expected a JSON object", null);
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            final String m = e.getOriginalMessage();
            final String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw ApiException.badRequest("the body is not valid JSON: " + firstLine(m) + where, null);
        } catch (IOException e) {
            throw ApiException.badRequest("the body cannot be read: " + e.getMessage(), null);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        final int nl = s.indexOf('\n');
        final String line = nl >= 0 ? s.substring(0, nl) : s;
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The bytes of {@code node} followed by a newline. */
    static byte[] bytes(JsonNode node) {
        try {
            final byte[] json = MAPPER.writeValueAsBytes(node);
            final byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** {@code {"error": message, "field": field, "problems": [...]}}. */
    static ObjectNode error(ApiException e) {
        final ObjectNode o = NODES.objectNode();
        o.put("error", e.getMessage());
        if (e.field() != null) {
            o.put("field", e.field());
        }
        if (e.problems().size() > 1) {
            final ArrayNode list = o.putArray("problems");
            for (ApiException.Problem p : e.problems()) {
                final ObjectNode item = list.addObject();
                item.put("error", p.message());
                if (p.field() != null) {
                    item.put("field", p.field());
                }
            }
        }
        return o;
    }

    static ObjectNode vrSummary(VrStatus s, int interfaces) {
        final ObjectNode o = NODES.objectNode();
        o.put("name", s.name());
        o.put("id", s.id());
        o.put("state", s.state().label());
        o.put("interfaces", interfaces);
        count(o, "ribRoutes", s.ribRoutes());
        count(o, "fibRoutes", s.fibRoutes());
        return o;
    }

    private static void count(ObjectNode o, String key, int value) {
        if (value < 0) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    static ArrayNode interfaces(List<InterfaceStatus> list) {
        final ArrayNode a = NODES.arrayNode();
        for (InterfaceStatus s : list) {
            final InterfaceConfig c = s.config();
            final ObjectNode o = a.addObject();
            o.put("name", c.name());
            o.put("port", c.port());
            if (c.isTagged()) {
                o.put("vlan", c.vlan());
            } else {
                o.putNull("vlan");
            }
            o.put("address", Ipv4.format(c.address(), c.prefixLength()));
            o.put("mtu", c.mtu());
            o.put("mac", mac(s.mac()));
            o.put("bound", s.bound());
        }
        return a;
    }

    static ArrayNode rib(List<RibRoute> routes) {
        final ArrayNode a = NODES.arrayNode();
        for (RibRoute r : routes) {
            final ObjectNode o = a.addObject();
            o.put("prefix", r.prefix().toString());
            o.put("protocol", r.protocol());
            o.put("distance", r.distance());
            o.put("metric", r.metric());
            o.put("action", r.action().name().toLowerCase(Locale.ROOT));
            final ArrayNode hops = o.putArray("nextHops");
            for (RibRoute.NextHop h : r.nextHops()) {
                final ObjectNode n = hops.addObject();
                address(n, "address", h.address());
                n.put("interface", h.interfaceName());
            }
            o.put("best", r.best());
        }
        return a;
    }

    static ObjectNode fib(FibEntry e) {
        final ObjectNode o = NODES.objectNode();
        o.put("prefix", e.prefix() == null ? null : e.prefix().toString());
        o.put("kind", e.kind());
        o.put("adjacency", e.adjacency());
        address(o, "nextHop", e.nextHop());
        o.put("interface", e.interfaceName());
        o.put("mac", e.mac() == 0 ? null : mac(e.mac()));
        return o;
    }

    static ArrayNode neighbours(List<NeighbourEntry> list) {
        final ArrayNode a = NODES.arrayNode();
        for (NeighbourEntry n : list) {
            final ObjectNode o = a.addObject();
            o.put("address", Ipv4.format(n.address()));
            o.put("mac", n.mac() == 0 ? null : mac(n.mac()));
            o.put("state", n.state());
            o.put("interface", n.interfaceName());
        }
        return a;
    }

    static ArrayNode changes(List<ConfigChange> list) {
        final ArrayNode a = NODES.arrayNode();
        for (ConfigChange c : list) {
            final ObjectNode o = a.addObject();
            o.put("path", c.path());
            o.put("change", c.description());
        }
        return a;
    }

    /** A dotted quad, or null for 0 (no address). */
    private static void address(ObjectNode o, String key, int address) {
        o.put(key, address == 0 ? null : Ipv4.format(address));
    }

    /** {@code 02:00:00:01:00:00} from the low 48 bits. */
    static String mac(long mac) {
        final StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            final int b = (int) (mac >>> shift) & 0xFF;
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (shift > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
