package org.vroom.perf.fib;

import org.vroom.fib.Ipv4Fib;
import org.vroom.perf.FullTable;

/** Shared set-up for the FIB benchmarks: the same next-hop assignment everywhere (route i gets i mod 65536). */
public final class FibTables {
    public static final int MAX_NEXT_HOPS = 1 << 16;
    public static final int MAX_TBL8_GROUPS = 1 << 15;

    private FibTables() {
    }

    public static int nextHop(int routeIndex) {
        return routeIndex & (MAX_NEXT_HOPS - 1);
    }

    public static Ipv4Fib build(FullTable table) {
        Ipv4Fib fib = Ipv4Fib.dir24_8(MAX_NEXT_HOPS, MAX_TBL8_GROUPS);
        for (int i = 0; i < table.size; i++) {
            fib.add(table.prefixes[i], table.lengths[i], nextHop(i));
        }
        return fib;
    }
}
