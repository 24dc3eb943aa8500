package org.vroom.fib;

/**
 * An IPv4 forwarding table: longest-prefix match from an address to a next-hop index.
 *
 * <p>Addresses and prefixes are IPv4 in host order ({@code a.b.c.d = a<<24|b<<16|c<<8|d}). Bits of
 * {@code prefix} beyond {@code length} are ignored. Next hops are indices in
 * {@code [0, maxNextHops)}; what an index means (an adjacency, a drop, a punt) is the caller's business.
 *
 * <p>Threads: exactly one writer thread calls {@link #add}, {@link #delete}, {@link #load} and
 * {@link #close}; any number of reader threads call {@link #lookup} and {@link #lookupBatch}
 * concurrently without locks. A reader thread on another thread than the writer must be registered
 * with the FIB's {@link QuiescentStateDomain} and report quiescent points between lookups, so that the
 * writer can recycle freed tbl8 groups safely; see {@link #domain()}.
 */
public interface Ipv4Fib extends AutoCloseable {
    /** Returned by {@link #lookup} when no prefix (not even a default route) matches. */
    int NO_ROUTE = -1;

    /** Installs or replaces the route {@code prefix/length -> nextHop}. */
    void add(int prefix, int length, int nextHop);

    /**
     * Removes the route {@code prefix/length}; addresses it covered fall back to the next covering
     * prefix. Returns false (and changes nothing) when there was no such route.
     */
    boolean delete(int prefix, int length);

    /** Longest-prefix match; {@link #NO_ROUTE} on a miss. */
    int lookup(int address);

    /** {@code nextHops[i] = lookup(addresses[i])} for {@code i < count}; faster than single lookups. */
    void lookupBatch(int[] addresses, int[] nextHops, int count);

    /**
     * Replaces the whole content of this FIB with the given routes (bulk clone of a table); arrays are
     * parallel, {@code count} entries. Concurrent readers see each entry either before or after.
     */
    void load(int[] prefixes, byte[] lengths, int[] nextHops, int count);

    /** Exact match: the next hop of the route {@code prefix/length}, or {@link #NO_ROUTE}. Writer thread only. */
    int get(int prefix, int length);

    /** Number of routes installed. */
    int size();

    /** Bytes of memory this FIB has made resident (tables actually touched plus its route index). */
    long residentBytes();

    /** The reclamation domain readers on other threads register with. */
    QuiescentStateDomain domain();

    /** Frees the off-heap memory. Readers must have stopped using this FIB. */
    @Override
    void close();

    /**
     * A DIR-24-8 FIB with its own reclamation domain.
     *
     * @param maxNextHops   next-hop indices allowed, {@code 1..2^24}
     * @param maxTbl8Groups tbl8 groups of 256 entries available for prefixes longer than /24
     */
    static Ipv4Fib dir24_8(int maxNextHops, int maxTbl8Groups) {
        return new Dir24_8Fib(maxNextHops, maxTbl8Groups, new QuiescentStateDomain());
    }

    /** A DIR-24-8 FIB sharing a reclamation domain (for example all FIBs that one set of workers reads). */
    static Ipv4Fib dir24_8(int maxNextHops, int maxTbl8Groups, QuiescentStateDomain domain) {
        return new Dir24_8Fib(maxNextHops, maxTbl8Groups, domain);
    }
}
