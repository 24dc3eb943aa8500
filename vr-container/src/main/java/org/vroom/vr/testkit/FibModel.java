package org.vroom.vr.testkit;

import org.vroom.vr.rib.NextHop;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.shadow.FibUpdateBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict in-memory receiver of {@link FibUpdateBatch}es: applies them to maps and throws
 * {@link IllegalStateException} on any breach of the batch contract (a sequence gap, a route pointing
 * at an unknown next hop, a group over a missing member, a next hop removed while still used, an add
 * of an existing id, a remove of a missing route). Tests compare its content with the RIB; the
 * kernel's hypervisor can use it as the reference behaviour.
 */
public final class FibModel {
    private record Hop(int kind, int ifIndex, int address, int[] members) {
    }

    private final Map<Long, Integer> routes = new TreeMap<>();
    private final Map<Integer, Hop> nextHops = new HashMap<>();
    private final Map<Integer, Integer> uses = new HashMap<>();
    private long lastSequence;

    public void apply(FibUpdateBatch b) {
        if (b.sequence() != lastSequence + 1) {
            throw new IllegalStateException("batch " + b.sequence() + " after " + lastSequence);
        }
        lastSequence = b.sequence();
        if (b.isReset()) {
            routes.clear();
            nextHops.clear();
            uses.clear();
        }
        for (int i = 0; i < b.nextHopCount(); i++) {
            int id = b.nextHopId(i);
            boolean exists = nextHops.containsKey(id);
            if (b.nextHopOp(i) == FibUpdateBatch.NextHopOp.ADD && exists) {
                throw new IllegalStateException("next hop " + id + " added twice");
            }
            if (b.nextHopOp(i) == FibUpdateBatch.NextHopOp.UPDATE && !exists) {
                throw new IllegalStateException("update of missing next hop " + id);
            }
            int[] members = null;
            if (b.nextHopKind(i) == FibUpdateBatch.GROUP) {
                members = new int[b.groupSize(i)];
                for (int j = 0; j < members.length; j++) {
                    members[j] = b.groupMember(i, j);
                    Hop m = nextHops.get(members[j]);
                    if (m == null || m.members() != null) {
                        throw new IllegalStateException("group " + id + " over missing or group member " + members[j]);
                    }
                    use(members[j], 1);
                }
            }
            nextHops.put(id, new Hop(b.nextHopKind(i), b.nextHopInterface(i), b.nextHopAddress(i), members));
        }
        for (int i = 0; i < b.routeCount(); i++) {
            long key = key(b.routePrefix(i), b.routeLength(i));
            Integer old = routes.get(key);
            switch (b.routeOp(i)) {
                case ADD, REPLACE -> {
                    if ((b.routeOp(i) == FibUpdateBatch.RouteOp.ADD) != (old == null)) {
                        throw new IllegalStateException(b.routeOp(i) + " of " + describeKey(key) + " which "
                                + (old == null ? "is missing" : "exists"));
                    }
                    int nh = b.routeNextHop(i);
                    if (!nextHops.containsKey(nh)) {
                        throw new IllegalStateException("route " + describeKey(key) + " -> unknown next hop " + nh);
                    }
                    if (old != null) {
                        use(old, -1);
                    }
                    use(nh, 1);
                    routes.put(key, nh);
                }
                case REMOVE -> {
                    if (old == null) {
                        throw new IllegalStateException("remove of missing route " + describeKey(key));
                    }
                    use(old, -1);
                    routes.remove(key);
                }
            }
        }
        for (int i = 0; i < b.removedNextHopCount(); i++) {
            int id = b.removedNextHop(i);
            Hop h = nextHops.remove(id);
            if (h == null) {
                throw new IllegalStateException("removal of missing next hop " + id);
            }
            if (uses.getOrDefault(id, 0) != 0) {
                throw new IllegalStateException("next hop " + id + " removed while used " + uses.get(id) + " times");
            }
            uses.remove(id);
            if (h.members() != null) {
                for (int m : h.members()) {
                    use(m, -1);
                }
            }
        }
    }

    private void use(int id, int delta) {
        uses.merge(id, delta, Integer::sum);
    }

    public int routeCount() {
        return routes.size();
    }

    public int nextHopCount() {
        return nextHops.size();
    }

    public long lastSequence() {
        return lastSequence;
    }

    /** The next-hop id of route {@code prefix/length}, or -1. */
    public int nextHopId(int prefix, int length) {
        Integer nh = routes.get(key(prefix, length));
        return nh == null ? -1 : nh;
    }

    /** What route {@code prefix/length} forwards to, groups expanded, or null when absent. */
    public NextHopSet nextHops(int prefix, int length) {
        Integer nh = routes.get(key(prefix, length));
        if (nh == null) {
            return null;
        }
        Hop h = nextHops.get(nh);
        if (h.members() == null) {
            return NextHopSet.of(pack(h));
        }
        long[] hops = new long[h.members().length];
        for (int i = 0; i < hops.length; i++) {
            hops[i] = pack(nextHops.get(h.members()[i]));
        }
        return NextHopSet.of(hops);
    }

    /** Every route as "prefix/len -> next hops", sorted by prefix then length. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : routes.entrySet()) {
            long k = e.getKey();
            out.add(describeKey(k) + " -> " + nextHops((int) (k >>> 6), (int) (k & 63)));
        }
        return out;
    }

    private static long pack(Hop h) {
        return switch (h.kind()) {
            case NextHop.FORWARD -> NextHop.forward(h.address(), h.ifIndex());
            case NextHop.GLEAN -> NextHop.attached(h.ifIndex());
            case NextHop.LOCAL -> NextHop.local();
            case NextHop.DROP -> NextHop.drop();
            case NextHop.REJECT -> NextHop.reject();
            default -> throw new IllegalStateException("kind " + h.kind());
        };
    }

    private static long key(int prefix, int length) {
        return (prefix & 0xFFFF_FFFFL) << 6 | length;
    }

    private static String describeKey(long key) {
        return org.vroom.packetio.codec.Ipv4Addresses.format((int) (key >>> 6)) + "/" + (key & 63);
    }
}
