/**
 * The node: the composition root of a vroom process (as the kernel of an OS boots everything).
 *
 * <ul>
 *   <li>{@link org.vroom.kernel.Node} turns a configuration into ports, VRs and threads;
 *       {@link org.vroom.kernel.Main} is {@code vroom run}.</li>
 *   <li>{@code dataplane}: the substrate: forwarding workers, the binding table (port, VLAN) to
 *       (VR, interface), per-VR FIB + adjacencies + punt ring.</li>
 *   <li>{@code control}: the per-VR control plane that runs on the VR loop (ARP, neighbours, ICMP echo)
 *       until the vr-container module takes it over.</li>
 *   <li>{@code config}: the node YAML file, validated with line numbers.</li>
 *   <li>{@code stats}: counters in a shared-memory file, read by {@code vroom stat}.</li>
 *   <li>{@code demo}: simulated hosts and the embedded demo that {@code vroom run} starts without a file.</li>
 * </ul>
 *
 * <p>Threads: one forwarding worker thread (blocks in poll(2) when idle), one control thread that runs
 * every VR's control plane as agents, and the caller's thread for set-up and shutdown. Workers and
 * control planes talk only through rings (punt ring per VR, inject ring per worker) and through the
 * single-writer FIB and adjacency tables.
 */
package org.vroom.kernel;
