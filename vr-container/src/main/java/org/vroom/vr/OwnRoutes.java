package org.vroom.vr;

import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.spi.VrInterface;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes a VR derives itself, from its interfaces and static routes, kept in its RIB:
 * <ul>
 *   <li>for each interface that is up: its subnet as CONNECTED (attached next hop; none for a /32),
 *       its address and its subnet's broadcast address as LOCAL /32;</li>
 *   <li>each static route whose gateway is reachable: on the named interface if it is up, or on the
 *       up interface whose subnet holds the gateway (longest subnet, then lowest index). Recursive
 *       static routes (gateway not on a connected subnet) are not supported: such a route stays
 *       inactive until an interface holds its gateway.</li>
 * </ul>
 * After any change of interfaces or static routes the wanted set is computed again and only the
 * difference goes into the RIB: removals first, then additions, both in a deterministic order.
 */
final class OwnRoutes {
    private record Key(RouteSource source, int origin, int prefix, int length) {
    }

    private record Value(int distance, int metric, NextHopSet nextHops) {
    }

    private final Rib rib;
    private Map<Key, Value> installed = new LinkedHashMap<>();

    OwnRoutes(Rib rib) {
        this.rib = rib;
    }

    /** Brings the RIB in line with {@code interfaces} (by index, nulls allowed) and {@code statics}. */
    void sync(VrInterface[] interfaces, List<StaticRouteConfig> statics) {
        Map<Key, Value> wanted = new LinkedHashMap<>();
        for (VrInterface i : interfaces) {
            if (i == null || !i.isUp()) {
                continue;
            }
            if (i.prefixLength() < 32) {
                wanted.put(new Key(RouteSource.CONNECTED, i.index(), i.subnet(), i.prefixLength()),
                        new Value(RouteSource.CONNECTED.defaultDistance(), 0, NextHopSet.attached(i.index())));
            }
            Value local = new Value(RouteSource.LOCAL.defaultDistance(), 0, NextHopSet.LOCAL);
            wanted.put(new Key(RouteSource.LOCAL, i.index(), i.address(), 32), local);
            if (i.broadcast() != 0) {
                wanted.put(new Key(RouteSource.LOCAL, i.index(), i.broadcast(), 32), local);
            }
        }
        for (StaticRouteConfig r : statics) {
            NextHopSet nhs = resolve(r, interfaces);
            if (nhs != null) {
                wanted.put(new Key(RouteSource.STATIC, r.origin(), r.prefix(), r.length()),
                        new Value(r.distance(), r.metric(), nhs));
            }
        }
        for (Iterator<Map.Entry<Key, Value>> it = installed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Value> e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                Key k = e.getKey();
                rib.remove(k.source(), k.origin(), k.prefix(), k.length());
                it.remove();
            }
        }
        for (Map.Entry<Key, Value> e : wanted.entrySet()) {
            Key k = e.getKey();
            Value v = e.getValue();
            if (!v.equals(installed.get(k))) {
                rib.add(k.source(), k.origin(), k.prefix(), k.length(), v.distance(), v.metric(), v.nextHops());
            }
        }
        installed = wanted;
    }

    /** Forgets what was installed (the RIB was cleared). */
    void clear() {
        installed = new LinkedHashMap<>();
    }

    int size() {
        return installed.size();
    }

    /** The next hops of a static route now, or null when its gateway is unreachable. */
    static NextHopSet resolve(StaticRouteConfig r, VrInterface[] interfaces) {
        return switch (r.action()) {
            case DROP -> NextHopSet.DROP;
            case REJECT -> NextHopSet.REJECT;
            case FORWARD -> {
                VrInterface out = null;
                for (VrInterface i : interfaces) {
                    if (i == null || !i.isUp() || i.address() == r.via()) {
                        continue;
                    }
                    if (r.interfaceName() != null) {
                        if (i.name().equals(r.interfaceName())) {
                            out = i;
                        }
                    } else if (i.inSubnet(r.via()) && (out == null || i.prefixLength() > out.prefixLength())) {
                        out = i;
                    }
                }
                yield out == null ? null : NextHopSet.via(r.via(), out.index());
            }
        };
    }
}
