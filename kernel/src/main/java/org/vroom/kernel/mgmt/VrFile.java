package org.vroom.kernel.mgmt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the VR file {@code vroomctl create} and {@code update} send: one VR in the node file's shape
 * (the keys of one item of {@code vrs:}), as YAML ({@code .yaml}, {@code .yml}) or JSON (any other name).
 * A document holding {@code vrs:} with exactly one item is accepted too, so a VR can be copied out of a
 * node file as is.
 *
 * <p>YAML is composed into nodes and never constructed into Java objects (tags and aliases cannot
 * instantiate anything); every scalar becomes a JSON string, as the node file reads values as the text
 * written, and the server accepts whole numbers written as strings. An empty value becomes null (absent).
 */
final class VrFile {
    static final int MAX_BYTES = 1 << 20;

    private VrFile() {
    }

    /** The file's VR as the API's JSON. @throws IOException with a message for the operator */
    static JsonNode read(Path file) throws IOException {
        final byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException(file + ": the file is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": the file is not valid UTF-8", e);
        }
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        final JsonNode doc = name.endsWith(".yaml") || name.endsWith(".yml") ? yaml(text, file) : json(text, file);
        return unwrap(doc, file);
    }

    private static JsonNode json(String text, Path file) throws IOException {
        try {
            return ApiJson.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            final String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new IOException(file + where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode yaml(String text, Path file) throws IOException {
        final LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(32);
        options.setCodePointLimit(MAX_BYTES);
        options.setTagInspector(tag -> false);
        final DumperOptions dumper = new DumperOptions();
        final Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new Resolver());
        try {
            final Node root = yaml.compose(new StringReader(text));
            if (root == null) {
                throw new IOException(file + ": the file is empty");
            }
            return convert(root, file);
        } catch (MarkedYAMLException e) {
            final int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new IOException(file + (line > 0 ? ":" + line : "") + ": not valid YAML: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    private static JsonNode convert(Node node, Path file) throws IOException {
        if (node instanceof MappingNode map) {
            final ObjectNode o = ApiJson.NODES.objectNode();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode key)) {
                    throw new IOException(file + ":" + (t.getKeyNode().getStartMark().getLine() + 1)
                        + ": keys must be plain text");
                }
                o.set(key.getValue(), convert(t.getValueNode(), file));
            }
            return o;
        }
        if (node instanceof SequenceNode seq) {
            final ArrayNode a = ApiJson.NODES.arrayNode();
            for (Node item : seq.getValue()) {
                a.add(convert(item, file));
            }
            return a;
        }
        final ScalarNode scalar = (ScalarNode) node;
        final String v = scalar.getValue();
        if (scalar.isPlain() && (v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null")
            || v.equals("NULL"))) {
            return ApiJson.NODES.nullNode();
        }
        return ApiJson.NODES.textNode(v);
    }

    private static JsonNode unwrap(JsonNode doc, Path file) throws IOException {
        if (doc.isObject() && doc.size() == 1 && doc.has("vrs")) {
            final JsonNode vrs = doc.get("vrs");
            if (!vrs.isArray() || vrs.size() != 1) {
                throw new IOException(file + ": \"vrs\" holds " + (vrs.isArray() ? vrs.size() + " VRs" : "no list")
                    + "; this command takes exactly one VR");
            }
            return vrs.get(0);
        }
        return doc;
    }
}
