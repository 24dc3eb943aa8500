package org.vroom.vr;

import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.spi.ProtocolConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration of one virtual router: what travels when a VR migrates (the "router image" is
 * only this; code is the same on every node).
 *
 * @param id           1..2^24-1, unique in the node and kept across migrations; it is part of the
 *                     interface MACs ({@code 02:vv:vv:vv:ii:ii}), hence the 24-bit bound
 * @param name         unique in the node
 * @param interfaces   in configuration order; a new VR numbers them 0, 1, 2, …
 * @param staticRoutes static routes; a prefix may have several (ECMP or floating), at most one per gateway
 * @param protocols    protocol instances, started in this order and stopped in reverse
 * @param ecmpWidth    most next hops a route uses, 1..{@link Rib#MAX_ECMP_WIDTH}
 */
public record VrConfig(int id, String name, List<InterfaceConfig> interfaces, List<StaticRouteConfig> staticRoutes,
                       List<ProtocolConfig> protocols, int ecmpWidth) {
    public static final int MAX_ID = 0xFF_FFFF;
    public static final int DEFAULT_ECMP_WIDTH = 8;

    public VrConfig {
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("VR " + name + ": id " + id + " is out of range 1.." + MAX_ID
                    + " (the id is part of the interface MACs)");
        }
        if (name == null || name.isEmpty() || name.length() > 64) {
            throw new IllegalArgumentException("VR name must have 1..64 characters: " + name);
        }
        interfaces = List.copyOf(interfaces);
        staticRoutes = List.copyOf(staticRoutes);
        protocols = List.copyOf(protocols);
        if (ecmpWidth < 1 || ecmpWidth > Rib.MAX_ECMP_WIDTH) {
            throw new IllegalArgumentException("VR " + name + ": ECMP width " + ecmpWidth + " is out of range 1.."
                    + Rib.MAX_ECMP_WIDTH);
        }
        Set<String> names = new HashSet<>();
        for (InterfaceConfig i : interfaces) {
            if (!names.add(i.name())) {
                throw new IllegalArgumentException("VR " + name + ": interface " + i.name() + " is defined twice");
            }
        }
        Set<String> routes = new HashSet<>();
        for (StaticRouteConfig r : staticRoutes) {
            if (r.interfaceName() != null && !names.contains(r.interfaceName())) {
                throw new IllegalArgumentException("VR " + name + ": route " + r + " names unknown interface "
                        + r.interfaceName());
            }
            String key = r.prefix() + "/" + r.length() + "/" + r.origin();
            if (!routes.add(key)) {
                throw new IllegalArgumentException("VR " + name + ": route to " + Ipv4Addresses.format(r.prefix()) + "/"
                        + r.length() + (r.via() != 0 ? " via " + Ipv4Addresses.format(r.via()) : " (discard)")
                        + " is defined twice");
            }
        }
        Set<String> instances = new HashSet<>();
        for (ProtocolConfig p : protocols) {
            if (!instances.add(p.instanceName())) {
                throw new IllegalArgumentException("VR " + name + ": protocol instance " + p.instanceName()
                        + " is defined twice");
            }
        }
    }

    /** A VR with interfaces and static routes, no protocols, the default ECMP width. */
    public static VrConfig of(int id, String name, List<InterfaceConfig> interfaces, List<StaticRouteConfig> staticRoutes) {
        return new VrConfig(id, name, interfaces, staticRoutes, List.of(), DEFAULT_ECMP_WIDTH);
    }

    public VrConfig withInterfaces(List<InterfaceConfig> list) {
        return new VrConfig(id, name, list, staticRoutes, protocols, ecmpWidth);
    }

    public VrConfig withStaticRoutes(List<StaticRouteConfig> list) {
        return new VrConfig(id, name, interfaces, list, protocols, ecmpWidth);
    }

    public VrConfig withProtocols(List<ProtocolConfig> list) {
        return new VrConfig(id, name, interfaces, staticRoutes, list, ecmpWidth);
    }

    public VrConfig withEcmpWidth(int width) {
        return new VrConfig(id, name, interfaces, staticRoutes, protocols, width);
    }

    public InterfaceConfig findInterface(String interfaceName) {
        for (InterfaceConfig i : interfaces) {
            if (i.name().equals(interfaceName)) {
                return i;
            }
        }
        return null;
    }
}
