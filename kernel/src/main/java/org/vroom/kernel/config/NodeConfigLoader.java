package org.vroom.kernel.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and checks a node file (format: see the package documentation and {@code sample-node.yaml}).
 * Every problem is collected, with file name, line and path, and thrown as one
 * {@link ConfigException}; a returned {@link NodeConfig} has passed every rule.
 *
 * <p>Stateless and thread-safe. Not on a forwarding path: reading allocates freely.
 */
public final class NodeConfigLoader {
    /** Largest node file accepted, in bytes. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    static final List<String> TOP_KEYS = List.of("node", "ports", "vrs");
    static final List<String> NODE_KEYS = List.of("name", "workers", "management");
    static final List<String> MANAGEMENT_KEYS = List.of("listen", "token-file");
    static final List<String> PORT_KEYS = List.of("name", "interface", "memory");
    static final List<String> VR_KEYS = List.of("name", "id", "interfaces", "static-routes");
    static final List<String> INTERFACE_KEYS = List.of("name", "port", "vlan", "address", "mtu");
    static final List<String> ROUTE_KEYS = List.of("prefix", "via", "action", "interface");

    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private NodeConfigLoader() {
    }

    /**
     * Reads and checks the node file at {@code file} (UTF-8, at most {@link #MAX_FILE_BYTES}).
     * Messages name the file as given.
     *
     * @throws ConfigException listing every problem, or why the file cannot be read
     */
    public static NodeConfig load(Path file) throws ConfigException {
        final String source = file.toString();
        final byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(source + ": cannot read: no such file"));
        } catch (AccessDeniedException e) {
            throw new ConfigException(List.of(source + ": cannot read: permission denied"));
        } catch (IOException e) {
            throw new ConfigException(List.of(source + ": cannot read: " + e.getMessage()));
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException(List.of(source + ": the file is too large (more than " + MAX_FILE_BYTES
                + " bytes)"));
        }
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(source + ": the file is not valid UTF-8"));
        }
        return parse(text.startsWith("\uFEFF") ? text.substring(1) : text, source);
    }

    /**
     * Reads and checks node-file text; {@code sourceName} starts every message (e.g. "node.yaml").
     *
     * @throws ConfigException listing every problem
     */
    public static NodeConfig parse(String yaml, String sourceName) throws ConfigException {
        final Problems problems = new Problems(sourceName);
        final Node root = SafeYaml.compose(yaml, problems);
        if (root == null) {
            if (problems.isEmpty()) {
                problems.add(0, "", "the file is empty; expected a mapping with keys node, ports and vrs");
            }
            problems.throwIfAny();
        }
        final YamlMap top = YamlMap.of(root, "", problems, TOP_KEYS,
            "a mapping with keys node, ports and vrs at the top of the file");
        if (top == null) {
            problems.throwIfAny();
        }
        final Draft.Node draft = readNode(top, problems);
        NodeConfigValidator.check(draft, problems);
        problems.throwIfAny();
        return build(draft, sourceName);
    }

    /**
     * Checks the cross-record rules on a config built in code (the records check their own fields).
     * Messages carry paths such as {@code vrs[1].id} but no lines.
     *
     * @throws ConfigException listing every problem
     */
    public static void validate(NodeConfig config) throws ConfigException {
        final Problems problems = new Problems("");
        NodeConfigValidator.check(Draft.of(config), problems);
        problems.throwIfAny();
    }

    /**
     * The default node name: the kernel's host name ({@code /proc/sys/kernel/hostname}), else
     * {@code $HOSTNAME}, else "localhost"; a host name that is not a valid node name is skipped.
     */
    static String defaultNodeName() {
        try {
            final String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (Text.nameProblem(name, Text.MAX_NODE_NAME) == null) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: fall through
        }
        final String env = System.getenv("HOSTNAME");
        if (env != null && Text.nameProblem(env.trim(), Text.MAX_NODE_NAME) == null) {
            return env.trim();
        }
        return "localhost";
    }

    private static NodeConfig build(Draft.Node draft, String sourceName) throws ConfigException {
        try {
            return Draft.build(draft);
        } catch (IllegalArgumentException e) {
            // A rule the loader missed but a record enforces: report it rather than crash.
            throw new ConfigException(List.of(sourceName + ": " + e.getMessage()));
        }
    }

    // --- node section ---

    private static Draft.Node readNode(YamlMap top, Problems problems) {
        final Draft.Node node = new Draft.Node();
        final YamlMap section = top.map("node", NODE_KEYS, "the node section (name, workers, management)");
        node.workers = 1;
        node.management = ManagementConfig.DEFAULT;
        final int before = problems.count();
        if (section != null) {
            node.name = section.name("name", false, Text.MAX_NODE_NAME);
            final Long workers = section.integer("workers", false, 1, NodeConfig.MAX_WORKERS);
            if (workers != null) {
                node.workers = workers.intValue();
            }
            final YamlMap management = section.map("management", MANAGEMENT_KEYS,
                "the management section (listen, token-file)");
            if (management != null) {
                node.management = readManagement(management);
            }
        }
        if (node.name == null && problems.count() == before) {
            node.name = defaultNodeName();
        }
        readPorts(top, node, problems);
        readVrs(top, node, problems);
        return node;
    }

    private static ManagementConfig readManagement(YamlMap map) {
        String host = ManagementConfig.DEFAULT_HOST;
        int port = ManagementConfig.DEFAULT_PORT;
        Path tokenFile = null;
        boolean ok = true;
        final String listen = map.text("listen", false);
        if (listen != null) {
            final String problem = listenProblem(listen);
            if (problem != null) {
                map.problem("listen", problem);
                ok = false;
            } else {
                final int colon = listen.lastIndexOf(':');
                host = listen.substring(0, colon);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                port = Integer.parseInt(listen.substring(colon + 1));
            }
        }
        final String token = map.text("token-file", false);
        if (token != null) {
            try {
                tokenFile = Path.of(token);
                if (!tokenFile.isAbsolute()) {
                    map.problem("token-file", Text.quote(token) + " is not an absolute path");
                    ok = false;
                }
            } catch (InvalidPathException e) {
                map.problem("token-file", Text.quote(token) + " is not a valid path");
                ok = false;
            }
        }
        return ok ? new ManagementConfig(host, port, tokenFile) : ManagementConfig.DEFAULT;
    }

    /** Why {@code listen} is not {@code host:port}, or null. */
    static String listenProblem(String listen) {
        final int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            return Text.quote(listen) + " is not host:port (e.g. 127.0.0.1:7878)";
        }
        final String host = listen.substring(0, colon);
        final String port = listen.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
            || (port.length() > 1 && port.charAt(0) == '0')) {
            return Text.quote(listen) + ": " + Text.quote(port) + " is not a port number (1..65535)";
        }
        final int portNumber = Integer.parseInt(port);
        if (portNumber < 1 || portNumber > 65535) {
            return Text.quote(listen) + ": port " + portNumber + " is out of range 1..65535";
        }
        if (host.isEmpty()) {
            return Text.quote(listen) + ": missing host (e.g. 127.0.0.1:" + port + ", or 0.0.0.0:" + port
                + " for all addresses)";
        }
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            return ipv6Problem(listen, host.substring(1, host.length() - 1));
        }
        if (host.indexOf(':') >= 0) {
            return Text.quote(listen) + ": an IPv6 host must be in brackets, e.g. [::1]:" + port;
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            try {
                Ipv4.parseAddress(host);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (host.length() > 253 || !hostLabelsValid(host)) {
            return Text.quote(listen) + ": " + Text.quote(host) + " is not a valid host name or address";
        }
        return null;
    }

    private static boolean hostLabelsValid(String host) {
        for (String label : host.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String ipv6Problem(String listen, String address) {
        final String bad = Text.quote(listen) + ": " + Text.quote(address) + " is not an IPv6 address";
        if (!IPV6_CHARS.matcher(address).matches()) {
            return bad;
        }
        try {
            // Only hex digits, ':' and '.': InetAddress parses this as a literal and never does a lookup.
            return java.net.InetAddress.getByName("[" + address + "]") instanceof java.net.Inet6Address ? null : bad;
        } catch (java.net.UnknownHostException e) {
            return bad;
        }
    }

    // --- ports ---

    private static void readPorts(YamlMap top, Draft.Node node, Problems problems) {
        final List<Node> items = top.list("ports");
        if (items == null) {
            node.portsComplete = false;
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            final String path = "ports[" + i + "]";
            final YamlMap map = YamlMap.of(items.get(i), path, problems, PORT_KEYS,
                "a port (name, and interface or memory)");
            if (map == null) {
                node.portsComplete = false;
                continue;
            }
            final Draft.Port port = new Draft.Port(path, map.line());
            port.name = map.name("name", true, Text.MAX_NAME);
            if (port.name == null) {
                node.portsComplete = false;
            }
            final boolean linux = map.has("interface");
            final boolean memory = map.has("memory");
            if (linux && memory) {
                problems.add(map.line("memory"), path, "set either interface or memory, not both");
            } else if (!linux && !memory) {
                problems.add(map.line(), path,
                    "missing \"interface\" (a Linux interface) or \"memory\" (the peer of an in-memory port)");
            } else if (linux) {
                port.memory = Boolean.FALSE;
                final String name = map.text("interface", true);
                final String problem = name == null ? null : Text.linuxInterfaceProblem(name);
                if (problem != null) {
                    map.problem("interface", problem);
                } else {
                    port.linuxInterface = name;
                }
            } else {
                port.memory = Boolean.TRUE;
                port.memoryPeer = map.name("memory", true, Text.MAX_NAME);
            }
            for (String key : PORT_KEYS) {
                port.at(key, map.line(key));
            }
            node.ports.add(port);
        }
    }

    // --- VRs ---

    private static void readVrs(YamlMap top, Draft.Node node, Problems problems) {
        final List<Node> items = top.list("vrs");
        if (items == null) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            final String path = "vrs[" + i + "]";
            final YamlMap map = YamlMap.of(items.get(i), path, problems, VR_KEYS,
                "a VR (name, id, interfaces, static-routes)");
            if (map == null) {
                continue;
            }
            final Draft.Vr vr = new Draft.Vr(path, map.line());
            vr.name = map.name("name", true, Text.MAX_NAME);
            final Long id = map.integer("id", true, 1, VrConfig.MAX_ID);
            vr.id = id == null ? null : id.intValue();
            for (String key : VR_KEYS) {
                vr.at(key, map.line(key));
            }
            readInterfaces(map, vr, problems);
            readRoutes(map, vr, problems);
            node.vrs.add(vr);
        }
    }

    private static void readInterfaces(YamlMap vrMap, Draft.Vr vr, Problems problems) {
        final List<Node> items = vrMap.list("interfaces");
        if (items == null) {
            vr.interfacesComplete = false;
            return;
        }
        for (int j = 0; j < items.size(); j++) {
            final String path = vr.path + ".interfaces[" + j + "]";
            final YamlMap map = YamlMap.of(items.get(j), path, problems, INTERFACE_KEYS,
                "an interface (name, port, vlan, address, mtu)");
            if (map == null) {
                vr.interfacesComplete = false;
                continue;
            }
            final Draft.Interface itf = new Draft.Interface(path, map.line());
            itf.name = map.name("name", true, Text.MAX_NAME);
            itf.port = map.name("port", true, Text.MAX_NAME);
            final Long vlan = map.integer("vlan", false, 1, InterfaceConfig.MAX_VLAN);
            itf.vlan = vlan != null ? Integer.valueOf(vlan.intValue())
                : map.has("vlan") ? null : Integer.valueOf(InterfaceConfig.UNTAGGED);
            final String address = map.text("address", true);
            if (address != null) {
                try {
                    final Ipv4.Prefix prefix = Ipv4.parseAddressWithPrefix(address);
                    final String problem = InterfaceConfig.addressProblem(prefix.address(), prefix.length());
                    if (problem != null) {
                        map.problem("address", problem);
                    } else {
                        itf.address = prefix;
                    }
                } catch (IllegalArgumentException e) {
                    map.problem("address", e.getMessage());
                }
            }
            final Long mtu = map.integer("mtu", false, InterfaceConfig.MIN_MTU, InterfaceConfig.MAX_MTU);
            itf.mtu = mtu != null ? Integer.valueOf(mtu.intValue())
                : map.has("mtu") ? null : Integer.valueOf(InterfaceConfig.DEFAULT_MTU);
            for (String key : INTERFACE_KEYS) {
                itf.at(key, map.line(key));
            }
            if (itf.name == null || itf.address == null) {
                vr.interfacesComplete = false;
            }
            vr.interfaces.add(itf);
        }
    }

    private static void readRoutes(YamlMap vrMap, Draft.Vr vr, Problems problems) {
        final List<Node> items = vrMap.list("static-routes");
        if (items == null) {
            return;
        }
        for (int j = 0; j < items.size(); j++) {
            final String path = vr.path + ".static-routes[" + j + "]";
            final YamlMap map = YamlMap.of(items.get(j), path, problems, ROUTE_KEYS,
                "a static route (prefix, and via or action)");
            if (map == null) {
                continue;
            }
            final Draft.Route route = new Draft.Route(path, map.line());
            final String prefix = map.text("prefix", true);
            if (prefix != null) {
                try {
                    route.prefix = Ipv4.parsePrefix(prefix);
                } catch (IllegalArgumentException e) {
                    map.problem("prefix", e.getMessage());
                }
            }
            final boolean hasVia = map.has("via");
            final boolean hasAction = map.has("action");
            if (hasVia && hasAction) {
                problems.add(map.line("action"), path, "set either via or action, not both");
            } else if (!hasVia && !hasAction) {
                problems.add(map.line(), path, "missing \"via\" (the next hop) or \"action\" (drop or reject)");
            } else if (hasVia) {
                route.action = RouteAction.FORWARD;
                route.via = readNextHop(map);
            } else {
                route.action = readAction(map);
            }
            if (map.has("interface")) {
                if (hasVia) {
                    route.interfaceName = map.name("interface", true, Text.MAX_NAME);
                } else if (hasAction) {
                    map.problem("interface", "only allowed with \"via\" (it pins the next hop's interface)");
                }
            }
            for (String key : ROUTE_KEYS) {
                route.at(key, map.line(key));
            }
            vr.routes.add(route);
        }
    }

    private static Integer readNextHop(YamlMap map) {
        final String text = map.text("via", true);
        if (text == null) {
            return null;
        }
        try {
            final int via = Ipv4.parseAddress(text);
            final String problem = Ipv4.unicastProblem(via);
            if (problem != null) {
                map.problem("via", "next hop " + text + " " + problem);
                return null;
            }
            return via;
        } catch (IllegalArgumentException e) {
            map.problem("via", e.getMessage());
            return null;
        }
    }

    private static RouteAction readAction(YamlMap map) {
        final String text = map.text("action", true);
        if (text == null) {
            return null;
        }
        switch (text) {
            case "drop":
                return RouteAction.DROP;
            case "reject":
                return RouteAction.REJECT;
            case "forward":
                map.problem("action", "\"forward\" is not written as an action: give \"via\" (the next hop) instead");
                return null;
            default:
                map.problem("action", Text.quote(text) + " is not an action (expected drop or reject)"
                    + Text.didYouMean(text, List.of("drop", "reject")));
                return null;
        }
    }
}
