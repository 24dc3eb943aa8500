/**
 * The forwarding information base: an off-heap IPv4 DIR-24-8 table per virtual router.
 *
 * <ul>
 *   <li>{@link org.vroom.fib.Ipv4Fib}: the public API (add, delete, lookup, lookupBatch, load).</li>
 *   <li>{@code Dir24_8Fib}: the implementation; its class comment documents the memory layout, the
 *       entry encoding and the memory-ordering rules.</li>
 *   <li>{@link org.vroom.fib.QuiescentStateDomain}: quiescent-state-based reclamation shared by all
 *       FIBs that one set of forwarding workers reads.</li>
 * </ul>
 *
 * <p>Threads: one writer per FIB (the data-plane hypervisor's apply thread for that VR); any number of
 * reader threads (forwarding workers), which never lock, never allocate and never see a torn entry or a
 * recycled tbl8 group. This module depends on Agrona only.
 *
 * <p>Departures from DPDK's rte_lpm/rte_fib: tbl24 is allocated in 16 KiB chunks on first write so that
 * small FIBs stay small (DESIGN.md section 4), at the cost of one directory load per lookup; the default
 * route lives outside tbl24; and freed tbl8 groups wait for a grace period instead of relying on the
 * application to synchronise with its readers.
 */
package org.vroom.fib;
