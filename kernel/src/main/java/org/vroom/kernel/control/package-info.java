/**
 * The per-VR control plane of the substrate issue: ARP (RFC 826) for the VR's addresses and next hops,
 * a neighbour cache (reachable 30 s, then unicast probes, 3 tries, 3 s failure hold-down with ICMP host
 * unreachable for what waited), ICMP echo and port/protocol unreachable for the VR's own addresses.
 * It runs single-threaded as an agent on the control thread; it is the single writer of its VR's FIB
 * and adjacencies. OSPF, BGP and the TCP host stack replace parts of it in later issues.
 */
package org.vroom.kernel.control;
