package org.vroom.kernel.mgmt;

import java.util.Locale;

/** The life-cycle state of a VR's control plane as the management API reports it. */
public enum VrState {
    /** Being built: tables set up, control loop not yet running. */
    STARTING,
    /** The control loop runs. */
    RUNNING,
    /** The control loop is frozen (inbound control packets are buffered); the data plane forwards. */
    FROZEN,
    /** Moving to or from another node (pre-copy, remote control plane or link migration). */
    MIGRATING,
    /** Being torn down. */
    STOPPING;

    /** The lower-case name used in JSON and metrics labels. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
