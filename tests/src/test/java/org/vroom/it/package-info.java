/**
 * Lab integration tests of the vroom router on real Linux interfaces: every test class builds its own
 * network namespaces and veth pairs ({@link org.vroom.lab.Lab}), starts one or two vroom nodes
 * ({@link org.vroom.lab.VroomNode}: the real {@code vroom run} in its own JVM, AF_PACKET ports) and
 * drives them with the hosts' own tools (iputils ping, traceroute), sequence-numbered UDP streams
 * ({@link org.vroom.lab.traffic.SeqTraffic}) and hand-built frames ({@link org.vroom.it.RawPort},
 * {@link org.vroom.it.Frames}), reading the node's shared-memory counters to check what it did.
 *
 * <ul>
 *   <li>{@link org.vroom.it.SingleRouterIT}: one VR between two hosts: ping and TTL, the VR's own
 *       addresses, traceroute, net/host unreachable, reject/drop routes, ARP both ways, fragmentation
 *       needed, a static route via a next hop, and a 100,000-packet UDP stream without loss or
 *       reordering.</li>
 *   <li>{@link org.vroom.it.TwoRoutersIT}: two nodes in series over a transit /30.</li>
 *   <li>{@link org.vroom.it.OverlappingVrsIT}: two VRs with the same address plan on one node.</li>
 *   <li>{@link org.vroom.it.VlanTrunkIT}: two VRs on VLANs 100 and 200 of one trunk port.</li>
 *   <li>{@link org.vroom.it.MalformedInputIT}: garbage frames counted by reason; a fuzz burst.</li>
 *   <li>{@link org.vroom.it.PuntIsolationIT}: a ~100 kpps flood of one VR's control plane while another VR answers every ping.</li>
 *   <li>{@link org.vroom.it.VlanVrsIT}: one node, three VRs with the same addresses sharing two trunk ports
 *       through VLANs; each host pair reaches only its own VR.</li>
 *   <li>{@link org.vroom.it.JumboFramesIT}, {@link org.vroom.it.PortFlapIT}: MTU 9000, a port that
 *       goes down and up.</li>
 *   <li>{@link org.vroom.it.LabFixture}: shared set-up, ping/trace/neighbour helpers, diagnostics.</li>
 * </ul>
 *
 * <p>Rules: without root (or without ping/traceroute) a class is reported skipped with the reason.
 * Each class shares one lab among its tests ({@code PER_CLASS}); every test works whatever ran
 * before it (counter checks are deltas, ARP checks use addresses no other test touches). A failing
 * assertion carries the node's counters, standard output and error and the hosts' neighbour tables.
 * A node that logs an error or dies fails the test that was running. Router bugs found here are
 * tests marked {@code @Disabled("bug: ...")} that fail today; run them with
 * {@code -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}.
 *
 * <p>Threads: the test thread only; the node, traffic senders and sinks are separate processes.
 */
package org.vroom.it;
