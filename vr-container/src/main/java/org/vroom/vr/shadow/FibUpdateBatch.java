package org.vroom.vr.shadow;

import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.rib.NextHop;

import java.util.Arrays;

/**
 * One batch of changes to the FIB of one VR, as plain immutable data: what shadowd sends through the
 * {@link DataPlaneHypervisor}, and what a mirror sends to another node (see {@link FibBatchCodec}).
 *
 * <h2>Content, in the order a receiver applies it</h2>
 * <ol>
 *   <li>{@link #isReset()}: first forget every route and next hop of the VR (a full push follows:
 *       data-plane cloning on a new node, a resync, or an empty reset that withdraws everything);</li>
 *   <li>next-hop additions and updates, in order: a next hop is either single (a kind from
 *       {@link NextHop}, an interface and an address) or a group ({@link #GROUP}, ECMP over member
 *       ids that appear earlier in this batch or are already installed);</li>
 *   <li>route operations in order: add, replace or remove {@code prefix/length}, pointing at a
 *       next-hop id;</li>
 *   <li>next-hop removals in order (a group before its members); no route points at them any more.</li>
 * </ol>
 * So a route never points at a missing next hop, whatever the receiver's timing.
 *
 * <p>Next-hop ids are shadowd's: small dense integers, reused after a removal. {@link #sequence()} grows
 * by one per batch of a VR, so a receiver can detect a lost or repeated batch.
 *
 * <p>Arrays are held in struct-of-arrays form; the accessors do not allocate. Build with {@link Builder}.
 */
public final class FibUpdateBatch {
    /** Next-hop kind of an ECMP group (beyond the {@link NextHop} kinds 1..5). */
    public static final int GROUP = 6;
    /** The next-hop id of a route removal. */
    public static final int NO_NEXT_HOP = -1;

    /** Route operations. */
    public enum RouteOp {
        ADD(1), REPLACE(2), REMOVE(3);

        final int code;

        RouteOp(int code) {
            this.code = code;
        }

        static RouteOp fromCode(int code) {
            return switch (code) {
                case 1 -> ADD;
                case 2 -> REPLACE;
                case 3 -> REMOVE;
                default -> null;
            };
        }
    }

    /**
     * Next-hop operations (removals are listed separately, after the routes). Shadowd emits ADD; UPDATE
     * (same id, new content) is reserved for in-place changes such as shrinking an ECMP group without
     * touching its routes.
     */
    public enum NextHopOp {
        ADD(1), UPDATE(2);

        final int code;

        NextHopOp(int code) {
            this.code = code;
        }

        static NextHopOp fromCode(int code) {
            return switch (code) {
                case 1 -> ADD;
                case 2 -> UPDATE;
                default -> null;
            };
        }
    }

    private static final RouteOp[] ROUTE_OPS = RouteOp.values();
    private static final NextHopOp[] NEXT_HOP_OPS = NextHopOp.values();

    private final long sequence;
    private final boolean reset;
    private final byte[] nhOp;
    private final int[] nhId;
    private final byte[] nhKind;
    private final int[] nhInterface;
    private final int[] nhAddress;
    /** Group members of next hop i: {@code members[memberStart[i] .. memberStart[i + 1])}. */
    private final int[] memberStart;
    private final int[] members;
    private final byte[] routeOp;
    private final int[] routePrefix;
    private final byte[] routeLength;
    private final int[] routeNextHop;
    private final int[] removed;

    private FibUpdateBatch(Builder b, long sequence, boolean reset) {
        this.sequence = sequence;
        this.reset = reset;
        int n = b.nhCount;
        nhOp = Arrays.copyOf(b.nhOp, n);
        nhId = Arrays.copyOf(b.nhId, n);
        nhKind = Arrays.copyOf(b.nhKind, n);
        nhInterface = Arrays.copyOf(b.nhInterface, n);
        nhAddress = Arrays.copyOf(b.nhAddress, n);
        memberStart = Arrays.copyOf(b.memberStart, n + 1);
        memberStart[n] = b.memberCount;
        members = Arrays.copyOf(b.members, b.memberCount);
        int r = b.routeCount;
        routeOp = Arrays.copyOf(b.routeOp, r);
        routePrefix = Arrays.copyOf(b.routePrefix, r);
        routeLength = Arrays.copyOf(b.routeLength, r);
        routeNextHop = Arrays.copyOf(b.routeNextHop, r);
        removed = Arrays.copyOf(b.removed, b.removedCount);
    }

    public long sequence() {
        return sequence;
    }

    /** Whether the receiver first clears the VR's whole FIB and next-hop table. */
    public boolean isReset() {
        return reset;
    }

    public boolean isEmpty() {
        return !reset && nhId.length == 0 && routeOp.length == 0 && removed.length == 0;
    }

    // next hops --------------------------------------------------------------------------------

    public int nextHopCount() {
        return nhId.length;
    }

    public NextHopOp nextHopOp(int i) {
        return NEXT_HOP_OPS[nhOp[i] - 1];
    }

    public int nextHopId(int i) {
        return nhId[i];
    }

    /** A {@link NextHop} kind, or {@link #GROUP}. */
    public int nextHopKind(int i) {
        return nhKind[i];
    }

    /** Outgoing interface of a single next hop, or -1 (local, drop, reject, groups). */
    public int nextHopInterface(int i) {
        return nhInterface[i];
    }

    /** Gateway address of a forward next hop, else 0. */
    public int nextHopAddress(int i) {
        return nhAddress[i];
    }

    /** Members of a group (0 for single next hops). */
    public int groupSize(int i) {
        return memberStart[i + 1] - memberStart[i];
    }

    public int groupMember(int i, int j) {
        if (j < 0 || j >= groupSize(i)) {
            throw new IndexOutOfBoundsException("member " + j + " of a group of " + groupSize(i));
        }
        return members[memberStart[i] + j];
    }

    // routes -----------------------------------------------------------------------------------

    public int routeCount() {
        return routeOp.length;
    }

    public RouteOp routeOp(int i) {
        return ROUTE_OPS[routeOp[i] - 1];
    }

    public int routePrefix(int i) {
        return routePrefix[i];
    }

    public int routeLength(int i) {
        return routeLength[i];
    }

    /** The route's next-hop id, or {@link #NO_NEXT_HOP} for a removal. */
    public int routeNextHop(int i) {
        return routeNextHop[i];
    }

    // removals ---------------------------------------------------------------------------------

    public int removedNextHopCount() {
        return removed.length;
    }

    public int removedNextHop(int i) {
        return removed[i];
    }

    int totalMembers() {
        return members.length;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof FibUpdateBatch b && b.sequence == sequence && b.reset == reset
                && Arrays.equals(b.nhOp, nhOp) && Arrays.equals(b.nhId, nhId) && Arrays.equals(b.nhKind, nhKind)
                && Arrays.equals(b.nhInterface, nhInterface) && Arrays.equals(b.nhAddress, nhAddress)
                && Arrays.equals(b.memberStart, memberStart) && Arrays.equals(b.members, members)
                && Arrays.equals(b.routeOp, routeOp) && Arrays.equals(b.routePrefix, routePrefix)
                && Arrays.equals(b.routeLength, routeLength) && Arrays.equals(b.routeNextHop, routeNextHop)
                && Arrays.equals(b.removed, removed);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(routePrefix) * 17 + Arrays.hashCode(nhId);
    }

    /** One line per item, in application order; stable, used by tests as the expected form. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("batch #").append(sequence).append(reset ? " RESET" : "").append('\n');
        for (int i = 0; i < nhId.length; i++) {
            s.append("  nh ").append(nextHopOp(i)).append(' ').append(nhId[i]).append(' ');
            if (nhKind[i] == GROUP) {
                s.append("group");
                for (int j = 0; j < groupSize(i); j++) {
                    s.append(j == 0 ? " [" : ",").append(groupMember(i, j));
                }
                s.append(']');
            } else {
                s.append(NextHop.kindName(nhKind[i]));
                if (nhInterface[i] >= 0) {
                    s.append(" if ").append(nhInterface[i]);
                }
                if (nhAddress[i] != 0) {
                    s.append(" via ").append(Ipv4Addresses.format(nhAddress[i]));
                }
            }
            s.append('\n');
        }
        for (int i = 0; i < routeOp.length; i++) {
            s.append("  route ").append(routeOp(i)).append(' ').append(Ipv4Addresses.format(routePrefix[i])).append('/')
                    .append(routeLength[i]);
            if (routeNextHop[i] != NO_NEXT_HOP) {
                s.append(" -> ").append(routeNextHop[i]);
            }
            s.append('\n');
        }
        for (int id : removed) {
            s.append("  nh REMOVE ").append(id).append('\n');
        }
        return s.toString();
    }

    /**
     * Collects the items of a batch; reusable after {@link #build} (which copies) and {@link #clear}.
     * Checks each item as it is added, so a built batch is always well formed.
     */
    public static final class Builder {
        private byte[] nhOp = new byte[8];
        private int[] nhId = new int[8];
        private byte[] nhKind = new byte[8];
        private int[] nhInterface = new int[8];
        private int[] nhAddress = new int[8];
        private int[] memberStart = new int[9];
        private int nhCount;
        private int[] members = new int[8];
        private int memberCount;
        private byte[] routeOp = new byte[8];
        private int[] routePrefix = new int[8];
        private byte[] routeLength = new byte[8];
        private int[] routeNextHop = new int[8];
        private int routeCount;
        private int[] removed = new int[8];
        private int removedCount;

        public Builder clear() {
            nhCount = 0;
            memberCount = 0;
            routeCount = 0;
            removedCount = 0;
            return this;
        }

        /** A single next hop: {@code kind} from {@link NextHop}, interface -1 when none, address 0 when none. */
        public Builder nextHop(NextHopOp op, int id, int kind, int ifIndex, int address) {
            long packed = NextHopPacking.pack(kind, ifIndex, address);
            String problem = kind == GROUP ? "use group() for groups" : NextHop.problem(packed);
            if (problem != null) {
                throw new IllegalArgumentException("next hop " + id + ": " + problem);
            }
            checkId(id);
            ensureNextHops();
            nhOp[nhCount] = (byte) op.code;
            nhId[nhCount] = id;
            nhKind[nhCount] = (byte) kind;
            nhInterface[nhCount] = ifIndex < 0 ? -1 : ifIndex;
            nhAddress[nhCount] = address;
            memberStart[nhCount] = memberCount;
            nhCount++;
            return this;
        }

        /** An ECMP group of next-hop ids {@code memberIds[0..n)}. */
        public Builder group(NextHopOp op, int id, int[] memberIds, int n) {
            checkId(id);
            if (n < 1 || n > 0xFFFF) {
                throw new IllegalArgumentException("group " + id + " has " + n + " members");
            }
            ensureNextHops();
            if (memberCount + n > members.length) {
                members = Arrays.copyOf(members, Math.max(memberCount + n, members.length * 2));
            }
            for (int j = 0; j < n; j++) {
                checkId(memberIds[j]);
                members[memberCount++] = memberIds[j];
            }
            nhOp[nhCount] = (byte) op.code;
            nhId[nhCount] = id;
            nhKind[nhCount] = GROUP;
            nhInterface[nhCount] = -1;
            nhAddress[nhCount] = 0;
            memberStart[nhCount] = memberCount - n;
            nhCount++;
            return this;
        }

        public Builder route(RouteOp op, int prefix, int length, int nextHopId) {
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("prefix length " + length);
            }
            if ((op == RouteOp.REMOVE) != (nextHopId == NO_NEXT_HOP)) {
                throw new IllegalArgumentException(op + " with next hop " + nextHopId);
            }
            if (op != RouteOp.REMOVE) {
                checkId(nextHopId);
            }
            if (routeCount == routeOp.length) {
                int n = routeCount * 2;
                routeOp = Arrays.copyOf(routeOp, n);
                routePrefix = Arrays.copyOf(routePrefix, n);
                routeLength = Arrays.copyOf(routeLength, n);
                routeNextHop = Arrays.copyOf(routeNextHop, n);
            }
            routeOp[routeCount] = (byte) op.code;
            routePrefix[routeCount] = prefix;
            routeLength[routeCount] = (byte) length;
            routeNextHop[routeCount] = nextHopId;
            routeCount++;
            return this;
        }

        public Builder removeNextHop(int id) {
            checkId(id);
            if (removedCount == removed.length) {
                removed = Arrays.copyOf(removed, removedCount * 2);
            }
            removed[removedCount++] = id;
            return this;
        }

        public int routeCount() {
            return routeCount;
        }

        public int nextHopCount() {
            return nhCount;
        }

        public int removedCount() {
            return removedCount;
        }

        public FibUpdateBatch build(long sequence, boolean reset) {
            return new FibUpdateBatch(this, sequence, reset);
        }

        private void ensureNextHops() {
            if (nhCount == nhId.length) {
                int n = nhCount * 2;
                nhOp = Arrays.copyOf(nhOp, n);
                nhId = Arrays.copyOf(nhId, n);
                nhKind = Arrays.copyOf(nhKind, n);
                nhInterface = Arrays.copyOf(nhInterface, n);
                nhAddress = Arrays.copyOf(nhAddress, n);
                memberStart = Arrays.copyOf(memberStart, n + 1);
            }
        }

        private static void checkId(int id) {
            if (id < 0) {
                throw new IllegalArgumentException("next-hop id " + id + " is negative");
            }
        }
    }

    /** Packs builder arguments the way {@link NextHop} does, to reuse its checks. */
    static final class NextHopPacking {
        private NextHopPacking() {
        }

        static long pack(int kind, int ifIndex, int address) {
            int i = ifIndex < 0 ? NextHop.NO_INTERFACE : ifIndex;
            if (kind < 0 || kind > 0xFF || i > 0xFFFF) {
                return -1L; // NextHop.problem reports reserved bits
            }
            return (long) kind << 48 | (long) i << 32 | (address & 0xFFFF_FFFFL);
        }
    }
}
