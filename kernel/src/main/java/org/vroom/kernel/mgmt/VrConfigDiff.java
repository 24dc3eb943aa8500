package org.vroom.kernel.mgmt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.vroom.kernel.config.InterfaceConfig;
import org.vroom.kernel.config.Ipv4;
import org.vroom.kernel.config.StaticRouteConfig;
import org.vroom.kernel.config.VrConfig;

/**
 * The differences between a VR's running configuration and a wanted one, each with a proposed impact:
 * what a node can apply to the running VR, and what needs the VR to restart.
 *
 * <p>The proposal, which {@link NodeManagement#reconfigureVr} implementations may follow or tighten:
 * <ul>
 *   <li>static routes added, removed or changed: in place (FIB updates through the hypervisor);</li>
 *   <li>an interface's port or VLAN: in place (a rebinding is one atomic binding-table update);</li>
 *   <li>an interface's MTU: in place (the interface is republished to the workers);</li>
 *   <li>an interface's address or prefix length: restart (connected and local routes, neighbours and
 *       sessions depend on it);</li>
 *   <li>interfaces added, removed or reordered (the interface index is part of its MAC): restart;</li>
 *   <li>the id (part of every interface MAC and of the counters' keys): restart.</li>
 * </ul>
 * Interfaces are matched by name and routes by prefix, so renaming an interface reads as one removed
 * and one added. Stateless; not on any forwarding path.
 */
public final class VrConfigDiff {
    /** Whether a change can be applied to the running VR. */
    public enum Impact {
        /** Applied to the running VR without disturbing it. */
        IN_PLACE,
        /** Takes effect when the VR restarts. */
        RESTART
    }

    /**
     * One change and its proposed impact.
     *
     * @param change what changes
     * @param impact whether the proposal applies it in place
     */
    public record Change(ConfigChange change, Impact impact) {
        public Change {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(impact, "impact");
        }
    }

    private VrConfigDiff() {
    }

    /** Every difference from {@code running} to {@code wanted}, in the order id, interfaces, routes. */
    public static List<Change> between(VrConfig running, VrConfig wanted) {
        final List<Change> changes = new ArrayList<>();
        if (running.id() != wanted.id()) {
            changes.add(change("id", "id " + running.id() + " -> " + wanted.id(), Impact.RESTART));
        }
        diffInterfaces(running.interfaces(), wanted.interfaces(), changes);
        diffRoutes(running.staticRoutes(), wanted.staticRoutes(), changes);
        return changes;
    }

    /** The result of applying exactly the proposal: in-place changes applied, the rest pending a restart. */
    public static ReconfigureResult proposal(List<Change> changes) {
        final List<ConfigChange> applied = new ArrayList<>();
        final List<ConfigChange> restart = new ArrayList<>();
        for (Change c : changes) {
            (c.impact() == Impact.IN_PLACE ? applied : restart).add(c.change());
        }
        return new ReconfigureResult(applied, restart);
    }

    private static Change change(String path, String description, Impact impact) {
        return new Change(new ConfigChange(path, description), impact);
    }

    private static void diffInterfaces(List<InterfaceConfig> before, List<InterfaceConfig> after,
                                       List<Change> out) {
        final Map<String, Integer> oldIndex = new LinkedHashMap<>();
        for (int i = 0; i < before.size(); i++) {
            oldIndex.put(before.get(i).name(), i);
        }
        final Map<String, InterfaceConfig> newByName = new LinkedHashMap<>();
        for (InterfaceConfig itf : after) {
            newByName.put(itf.name(), itf);
        }
        for (InterfaceConfig old : before) {
            if (!newByName.containsKey(old.name())) {
                out.add(change(path(old.name()), "removed (" + describe(old) + ")", Impact.RESTART));
            }
        }
        for (int i = 0; i < after.size(); i++) {
            final InterfaceConfig now = after.get(i);
            final Integer was = oldIndex.get(now.name());
            if (was == null) {
                out.add(change(path(now.name()), "added (" + describe(now) + ")", Impact.RESTART));
                continue;
            }
            final InterfaceConfig old = before.get(was);
            final String p = path(now.name());
            if (was != i) {
                out.add(change(p, "moves from position " + was + " to " + i + " (its MAC changes)", Impact.RESTART));
            }
            if (old.address() != now.address() || old.prefixLength() != now.prefixLength()) {
                out.add(change(p + ".address", Ipv4.format(old.address(), old.prefixLength()) + " -> "
                    + Ipv4.format(now.address(), now.prefixLength()), Impact.RESTART));
            }
            if (!old.port().equals(now.port())) {
                out.add(change(p + ".port", old.port() + " -> " + now.port(), Impact.IN_PLACE));
            }
            if (old.vlan() != now.vlan()) {
                out.add(change(p + ".vlan", vlan(old.vlan()) + " -> " + vlan(now.vlan()), Impact.IN_PLACE));
            }
            if (old.mtu() != now.mtu()) {
                out.add(change(p + ".mtu", old.mtu() + " -> " + now.mtu(), Impact.IN_PLACE));
            }
        }
    }

    private static void diffRoutes(List<StaticRouteConfig> before, List<StaticRouteConfig> after, List<Change> out) {
        final Map<Ipv4.Prefix, StaticRouteConfig> old = new LinkedHashMap<>();
        for (StaticRouteConfig r : before) {
            old.put(r.destination(), r);
        }
        final Map<Ipv4.Prefix, StaticRouteConfig> now = new LinkedHashMap<>();
        for (StaticRouteConfig r : after) {
            now.put(r.destination(), r);
        }
        for (StaticRouteConfig r : before) {
            if (!now.containsKey(r.destination())) {
                out.add(change(routePath(r), "removed (" + target(r) + ")", Impact.IN_PLACE));
            }
        }
        for (StaticRouteConfig r : after) {
            final StaticRouteConfig was = old.get(r.destination());
            if (was == null) {
                out.add(change(routePath(r), "added (" + target(r) + ")", Impact.IN_PLACE));
            } else if (!was.equals(r)) {
                out.add(change(routePath(r), target(was) + " -> " + target(r), Impact.IN_PLACE));
            }
        }
    }

    private static String path(String interfaceName) {
        return "interfaces[" + interfaceName + "]";
    }

    private static String routePath(StaticRouteConfig r) {
        return "static-routes[" + r.destination() + "]";
    }

    private static String vlan(int vlan) {
        return vlan == InterfaceConfig.UNTAGGED ? "untagged" : "vlan " + vlan;
    }

    private static String describe(InterfaceConfig itf) {
        return "port " + itf.port() + (itf.isTagged() ? " vlan " + itf.vlan() : "") + ", "
            + Ipv4.format(itf.address(), itf.prefixLength()) + ", mtu " + itf.mtu();
    }

    private static String target(StaticRouteConfig r) {
        if (!r.hasVia()) {
            return r.action().name().toLowerCase(Locale.ROOT);
        }
        return "via " + Ipv4.format(r.via()) + (r.interfaceName() != null ? " interface " + r.interfaceName() : "");
    }
}
