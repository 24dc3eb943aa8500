/**
 * Virtual routers: the VR model (interfaces, addresses, stable MACs, static routes), the control
 * loop per VR with injected clock and timers, the RIB with administrative distances, shadowd (the
 * RIB to FIB pusher) and the SPIs that the kernel implements and that protocols use. Protocols see
 * only these SPIs: no sockets, threads or substrate types. Not implemented yet.
 */
package org.vroom.vr;
