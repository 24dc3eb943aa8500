package org.vroom.kernel.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loader's working copy of a node file: every field nullable (null = absent or already reported
 * invalid), every item remembering its path and the lines of its keys. The cross-record checks of
 * {@link NodeConfigValidator} run on drafts, so they can run even when parts of the file are broken
 * (skipping what they cannot judge), and on drafts made from records for
 * {@link NodeConfigLoader#validate(NodeConfig)}.
 */
final class Draft {
    private Draft() {
    }

    /** An item's path (e.g. {@code vrs[0].interfaces[1]}) and the 1-based lines of its keys (0 = unknown). */
    abstract static class Located {
        final String path;
        final int line;
        private final Map<String, Integer> lines = new HashMap<>();

        Located(String path, int line) {
            this.path = path;
            this.line = line;
        }

        /** Remembers the line of {@code key}. */
        final void at(String key, int keyLine) {
            lines.put(key, keyLine);
        }

        /** The line of {@code key}, or of the item. */
        final int line(String key) {
            return lines.getOrDefault(key, line);
        }

        /** The path of {@code key} in this item. */
        final String path(String key) {
            return path + "." + key;
        }
    }

    static final class Node {
        String name;
        Integer workers;
        ManagementConfig management;
        final List<Port> ports = new ArrayList<>();
        final List<Vr> vrs = new ArrayList<>();
        /** False if some port item could not be read far enough to know its name. */
        boolean portsComplete = true;
    }

    static final class Port extends Located {
        String name;
        String linuxInterface;
        String memoryPeer;
        /** TRUE for a memory port, FALSE for a Linux port, null if unknown (reported). */
        Boolean memory;

        Port(String path, int line) {
            super(path, line);
        }
    }

    static final class Vr extends Located {
        String name;
        Integer id;
        final List<Interface> interfaces = new ArrayList<>();
        final List<Route> routes = new ArrayList<>();
        /** False if some interface's name or address is unknown (then "no such interface/subnet" is not judged). */
        boolean interfacesComplete = true;

        Vr(String path, int line) {
            super(path, line);
        }

        String label() {
            return name != null ? name : path;
        }
    }

    static final class Interface extends Located {
        String name;
        String port;
        /** 0 = untagged. */
        Integer vlan;
        Ipv4.Prefix address;
        Integer mtu;

        Interface(String path, int line) {
            super(path, line);
        }
    }

    static final class Route extends Located {
        Ipv4.Prefix prefix;
        /** Null if none (or invalid). */
        Integer via;
        String interfaceName;
        RouteAction action;

        Route(String path, int line) {
            super(path, line);
        }
    }

    /** A draft of a complete, record-built config; paths from list positions, lines unknown. */
    static Node of(NodeConfig config) {
        final Node node = new Node();
        node.name = config.name();
        node.workers = config.workers();
        node.management = config.management();
        for (int i = 0; i < config.ports().size(); i++) {
            final PortConfig p = config.ports().get(i);
            final Port port = new Port("ports[" + i + "]", 0);
            port.name = p.name();
            port.linuxInterface = p.linuxInterface();
            port.memoryPeer = p.memoryPeer();
            port.memory = p.isMemory();
            node.ports.add(port);
        }
        for (int i = 0; i < config.vrs().size(); i++) {
            final VrConfig v = config.vrs().get(i);
            final Vr vr = new Vr("vrs[" + i + "]", 0);
            vr.name = v.name();
            vr.id = v.id();
            for (int j = 0; j < v.interfaces().size(); j++) {
                final InterfaceConfig c = v.interfaces().get(j);
                final Interface itf = new Interface(vr.path + ".interfaces[" + j + "]", 0);
                itf.name = c.name();
                itf.port = c.port();
                itf.vlan = c.vlan();
                itf.address = new Ipv4.Prefix(c.address(), c.prefixLength());
                itf.mtu = c.mtu();
                vr.interfaces.add(itf);
            }
            for (int j = 0; j < v.staticRoutes().size(); j++) {
                final StaticRouteConfig r = v.staticRoutes().get(j);
                final Route route = new Route(vr.path + ".static-routes[" + j + "]", 0);
                route.prefix = r.destination();
                route.via = r.hasVia() ? r.via() : null;
                route.interfaceName = r.interfaceName();
                route.action = r.action();
                vr.routes.add(route);
            }
            node.vrs.add(vr);
        }
        return node;
    }

    /** The records; call only when no problem was found (every field is then set). */
    static NodeConfig build(Node node) {
        final List<PortConfig> ports = new ArrayList<>(node.ports.size());
        for (Port p : node.ports) {
            ports.add(new PortConfig(p.name, p.linuxInterface, p.memoryPeer));
        }
        final List<VrConfig> vrs = new ArrayList<>(node.vrs.size());
        for (Vr v : node.vrs) {
            final List<InterfaceConfig> interfaces = new ArrayList<>(v.interfaces.size());
            for (Interface i : v.interfaces) {
                interfaces.add(new InterfaceConfig(i.name, i.port, i.vlan, i.address.address(), i.address.length(), i.mtu));
            }
            final List<StaticRouteConfig> routes = new ArrayList<>(v.routes.size());
            for (Route r : v.routes) {
                routes.add(new StaticRouteConfig(r.prefix.address(), r.prefix.length(), r.via == null ? 0 : r.via,
                    r.interfaceName, r.action));
            }
            vrs.add(new VrConfig(v.name, v.id, interfaces, routes));
        }
        return new NodeConfig(node.name, node.workers, node.management, ports, vrs);
    }
}
