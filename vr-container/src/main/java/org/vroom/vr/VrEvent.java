package org.vroom.vr;

/** What can happen to a virtual router's lifecycle; see {@link VrState} for the transitions. */
public enum VrEvent {
    /** Install connected and static routes, start protocols. */
    START,
    /** Halt the control plane in place (migration stall, or a checkpoint of a quiet VR). */
    FREEZE,
    /** Resume: timers keep their remaining time, buffered packets are replayed. */
    THAW,
    /** Stop protocols, empty the RIB and withdraw every route from the data plane. */
    STOP,
    /**
     * Stop protocols and empty the RIB but leave the data plane as it is: the VR moved and its FIB
     * here is now fed by the new node (remote control plane), until the links have moved.
     */
    DETACH,
    /** Free every resource. */
    DESTROY
}
