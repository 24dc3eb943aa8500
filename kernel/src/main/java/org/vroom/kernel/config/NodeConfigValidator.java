package org.vroom.kernel.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rules that span more than one record: unique names and ids, references between ports,
 * interfaces and routes, VLAN bindings, overlapping subnets and next hops. Runs on a {@link Draft}
 * and skips a rule when a value it needs is unknown (already reported), so one mistake is not
 * reported again as a chain of follow-on errors.
 */
final class NodeConfigValidator {
    private final Draft.Node node;
    private final Problems problems;
    private final Map<String, Draft.Port> portsByName = new LinkedHashMap<>();

    private NodeConfigValidator(Draft.Node node, Problems problems) {
        this.node = node;
        this.problems = problems;
    }

    /** Adds every cross-record problem of {@code node} to {@code problems}. */
    static void check(Draft.Node node, Problems problems) {
        final NodeConfigValidator v = new NodeConfigValidator(node, problems);
        v.checkPorts();
        v.checkVrs();
        v.checkBindings();
    }

    private void problem(Draft.Located item, String key, String message) {
        problems.add(item.line(key), item.path(key), message);
    }

    /** " (line N)", or "" when lines are unknown. */
    private static String atLine(int line) {
        return line > 0 ? " (line " + line + ")" : "";
    }

    private static String firstAt(int line) {
        return line > 0 ? " (first at line " + line + ")" : "";
    }

    // --- ports ---

    private void checkPorts() {
        final Map<String, Draft.Port> byLinux = new HashMap<>();
        for (Draft.Port p : node.ports) {
            if (p.name != null) {
                final Draft.Port first = portsByName.putIfAbsent(p.name, p);
                if (first != null) {
                    problem(p, "name", "duplicate port name " + Text.quote(p.name) + firstAt(first.line("name")));
                }
            }
            if (p.linuxInterface != null) {
                final Draft.Port first = byLinux.putIfAbsent(p.linuxInterface, p);
                if (first != null) {
                    problem(p, "interface", "Linux interface " + Text.quote(p.linuxInterface)
                        + " is already used by port " + first.name + atLine(first.line("interface")));
                }
            }
        }
        for (Draft.Port p : node.ports) {
            if (p.memoryPeer != null && p.name != null) {
                checkMemoryPeer(p);
            }
        }
    }

    private void checkMemoryPeer(Draft.Port p) {
        if (p.memoryPeer.equals(p.name)) {
            problem(p, "memory", "a memory port cannot be wired to itself");
            return;
        }
        final Draft.Port peer = portsByName.get(p.memoryPeer);
        if (peer == null) {
            if (node.portsComplete) {
                final List<String> memoryPorts = node.ports.stream()
                    .filter(q -> q.name != null && q != p && !Boolean.FALSE.equals(q.memory))
                    .map(q -> q.name).toList();
                problem(p, "memory", "unknown port " + Text.quote(p.memoryPeer) + hint(p.memoryPeer, memoryPorts,
                    "memory ports"));
            }
        } else if (Boolean.FALSE.equals(peer.memory)) {
            problem(p, "memory", "port " + peer.name + atLine(peer.line) + " is not a memory port: it uses Linux interface "
                + peer.linuxInterface);
        } else if (peer.memoryPeer != null && !peer.memoryPeer.equals(p.name)
            && portsByName.containsKey(peer.memoryPeer)) {
            // (If the peer's own peer does not exist, that is the peer's problem, reported there.)
            problem(p, "memory", "port " + peer.name + atLine(peer.line) + " is wired to " + peer.memoryPeer
                + ", not back to " + p.name);
        }
    }

    /** " (did you mean "x"?)" or " (defined <what>: a, b)" or " (no <what> are defined)". */
    private static String hint(String wrong, List<String> candidates, String what) {
        final String mean = Text.didYouMean(wrong, candidates);
        if (!mean.isEmpty()) {
            return mean;
        }
        return candidates.isEmpty() ? " (no " + what + " are defined)"
            : " (defined " + what + ": " + String.join(", ", candidates) + ")";
    }

    // --- VRs ---

    private void checkVrs() {
        final Map<String, Draft.Vr> byName = new HashMap<>();
        final Map<Integer, Draft.Vr> byId = new HashMap<>();
        for (Draft.Vr vr : node.vrs) {
            if (vr.name != null) {
                final Draft.Vr first = byName.putIfAbsent(vr.name, vr);
                if (first != null) {
                    problem(vr, "name", "duplicate VR name " + Text.quote(vr.name) + firstAt(first.line("name")));
                }
            }
            if (vr.id != null) {
                final Draft.Vr first = byId.putIfAbsent(vr.id, vr);
                if (first != null) {
                    problem(vr, "id", "id " + vr.id + " is already used by VR " + first.label()
                        + atLine(first.line("id")));
                }
            }
            checkInterfaces(vr);
            checkRoutes(vr);
        }
    }

    private void checkInterfaces(Draft.Vr vr) {
        final Map<String, Draft.Interface> byName = new HashMap<>();
        final List<Draft.Interface> withAddress = new ArrayList<>();
        for (Draft.Interface itf : vr.interfaces) {
            if (itf.name != null) {
                final Draft.Interface first = byName.putIfAbsent(itf.name, itf);
                if (first != null) {
                    problem(itf, "name", "duplicate interface name " + Text.quote(itf.name) + " in VR " + vr.label()
                        + firstAt(first.line("name")));
                }
            }
            if (itf.port != null && !portsByName.containsKey(itf.port) && node.portsComplete) {
                problem(itf, "port", "unknown port " + Text.quote(itf.port)
                    + hint(itf.port, List.copyOf(portsByName.keySet()), "ports"));
            }
            if (itf.address != null) {
                for (Draft.Interface other : withAddress) {
                    if (other.address.overlaps(itf.address)) {
                        problem(itf, "address", "subnet " + itf.address.toNetwork() + " overlaps subnet "
                            + other.address.toNetwork() + " of interface " + label(other) + atLine(other.line("address"))
                            + "; the subnets of one VR must not overlap");
                        break;
                    }
                }
                withAddress.add(itf);
            }
        }
    }

    private static String label(Draft.Interface itf) {
        return itf.name != null ? itf.name : itf.path;
    }

    private void checkRoutes(Draft.Vr vr) {
        final Map<Ipv4.Prefix, Draft.Route> byPrefix = new HashMap<>();
        for (Draft.Route route : vr.routes) {
            if (route.prefix != null) {
                final Draft.Route first = byPrefix.putIfAbsent(route.prefix, route);
                if (first != null) {
                    problem(route, "prefix", "duplicate route " + route.prefix + " in VR " + vr.label()
                        + firstAt(first.line("prefix")));
                }
            }
            if (route.via != null) {
                checkNextHop(vr, route);
            }
        }
    }

    private void checkNextHop(Draft.Vr vr, Draft.Route route) {
        final int via = route.via;
        final String hop = "next hop " + Ipv4.format(via);
        final List<Draft.Interface> candidates;
        if (route.interfaceName != null) {
            final Draft.Interface pinned = vr.interfaces.stream()
                .filter(i -> route.interfaceName.equals(i.name)).findFirst().orElse(null);
            if (pinned == null) {
                if (vr.interfacesComplete) {
                    final List<String> names = vr.interfaces.stream().map(i -> i.name).toList();
                    problem(route, "interface", "VR " + vr.label() + " has no interface "
                        + Text.quote(route.interfaceName) + hint(route.interfaceName, names, "interfaces"));
                }
                return;
            }
            if (pinned.address == null) {
                return;
            }
            if (!pinned.address.contains(via)) {
                problem(route, "via", hop + " is not in the subnet of interface " + pinned.name + " ("
                    + pinned.address.toNetwork() + ")");
                return;
            }
            candidates = List.of(pinned);
        } else {
            candidates = vr.interfaces.stream().filter(i -> i.address != null && i.address.contains(via)).toList();
            if (candidates.isEmpty()) {
                if (vr.interfacesComplete) {
                    final String connected = vr.interfaces.stream()
                        .map(i -> i.address.toNetwork() + " on " + i.name).collect(Collectors.joining(", "));
                    problem(route, "via", hop + " is not in a connected subnet of VR " + vr.label()
                        + (connected.isEmpty() ? " (it has no interfaces)" : " (connected: " + connected + ")"));
                }
                return;
            }
        }
        for (Draft.Interface itf : candidates) {
            final Ipv4.Prefix subnet = itf.address;
            if (subnet.address() == via) {
                problem(route, "via", hop + " is this VR's own address on " + label(itf));
            } else if (subnet.length() <= 30 && (via == subnet.network() || via == subnet.lastAddress())) {
                problem(route, "via", hop + " is the " + (via == subnet.network() ? "network" : "broadcast")
                    + " address of " + subnet.toNetwork() + " on " + label(itf));
            }
        }
    }

    // --- bindings ---

    private void checkBindings() {
        record Key(String port, int vlan) {
        }
        record Owner(Draft.Vr vr, Draft.Interface itf) {
        }
        final Map<Key, Owner> bound = new HashMap<>();
        for (Draft.Vr vr : node.vrs) {
            for (Draft.Interface itf : vr.interfaces) {
                if (itf.port == null || itf.vlan == null) {
                    continue;
                }
                final Owner first = bound.putIfAbsent(new Key(itf.port, itf.vlan), new Owner(vr, itf));
                if (first != null) {
                    final String what = itf.vlan == InterfaceConfig.UNTAGGED
                        ? "port " + itf.port + " (untagged)" : "port " + itf.port + " VLAN " + itf.vlan;
                    problem(itf, itf.vlan == InterfaceConfig.UNTAGGED ? "port" : "vlan", what
                        + " is already bound to " + first.vr().label() + "/" + label(first.itf())
                        + atLine(first.itf().line));
                }
            }
        }
    }
}
