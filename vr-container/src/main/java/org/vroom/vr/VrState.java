package org.vroom.vr;

/**
 * Lifecycle states of a virtual router:
 * <pre>
 *   CREATED --START--> RUNNING --FREEZE--> FROZEN --THAW--> RUNNING
 *   RUNNING|FROZEN --STOP|DETACH--> STOPPED --START--> RUNNING
 *   CREATED|STOPPED --DESTROY--> DESTROYED
 * </pre>
 */
public enum VrState {
    /** Built from its configuration; nothing runs, nothing is installed. */
    CREATED,
    /** Protocols run, routes are installed, packets are delivered. */
    RUNNING,
    /** Control plane stopped in place (timers and tasks halted, inbound packets buffered); the data plane keeps forwarding. */
    FROZEN,
    /** Protocols stopped, RIB empty; restartable. */
    STOPPED,
    /** Every resource freed; terminal. */
    DESTROYED
}
