package org.vroom.kernel.control;

import java.util.ArrayDeque;

/**
 * One ARP neighbour of a VR; its state machine lives in {@link VrControlPlane}. It names its interface by
 * index: the interface itself is replaced when it is rebound or its MTU changes. VR loop only.
 */
final class Neighbour {
    enum State { INCOMPLETE, REACHABLE, PROBE, FAILED }

    final int ip;
    final int vifIndex;
    /** Adjacency index in the VR's table, or -1 until one is needed. */
    int adjacency = -1;
    boolean hostRoute;
    long mac;
    State state = State.INCOMPLETE;
    /** When the current state ends (reachable time, retry time, or end of the failed hold-down). */
    long deadline;
    int tries;
    /** IPv4 datagrams (without L2 header, TTL not yet decremented) waiting for the MAC. */
    final ArrayDeque<byte[]> pending = new ArrayDeque<>();

    Neighbour(int ip, int vifIndex) {
        this.ip = ip;
        this.vifIndex = vifIndex;
    }
}
