/**
 * The substrate data plane shared by all virtual routers of a node.
 *
 * <ul>
 *   <li>{@link org.vroom.kernel.dataplane.ForwardingWorker}: the per-packet path (an Agrona agent).</li>
 *   <li>{@link org.vroom.kernel.dataplane.BindingTable}: (port, VLAN) to (VR, interface); rebinding is
 *       one atomic slot update.</li>
 *   <li>{@link org.vroom.kernel.dataplane.VrDataPlane}: one VR's FIB, adjacencies, interfaces, punt ring
 *       and counters; {@link org.vroom.kernel.dataplane.AdjacencyTable}: next hops with MACs resolved in
 *       place; {@link org.vroom.kernel.dataplane.Punt}: the punt message format.</li>
 *   <li>{@link org.vroom.kernel.dataplane.KernelHypervisor}: applies shadowd's FIB update batches (from
 *       vr-container) to a VR's FIB and adjacencies, validating a whole batch before applying it; not yet
 *       driven by the VR container (ECMP groups use their first member, counted and logged).</li>
 * </ul>
 *
 * <p>Threads: workers read the tables and write punt rings without locks or allocation; each VR's
 * control plane is the single writer of its FIB and adjacencies. Departures from RFC 1812: no
 * fragmentation yet (packets without DF that exceed the outgoing MTU are counted and dropped), no ICMP
 * redirects, IPv4 options are carried unchanged (no Record Route/Timestamp processing), no multicast
 * forwarding.
 */
package org.vroom.kernel.dataplane;
