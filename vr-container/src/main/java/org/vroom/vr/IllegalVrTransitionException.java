package org.vroom.vr;

import java.util.Set;

/** Thrown for a lifecycle event that the VR's current state does not allow; nothing was changed. */
public final class IllegalVrTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final VrState state;
    private final VrEvent event;

    IllegalVrTransitionException(String vr, VrState state, VrEvent event, Set<VrEvent> allowed) {
        super("VR " + vr + ": " + event + " is not allowed in state " + state + " (allowed: "
                + (allowed.isEmpty() ? "nothing, the state is final" : allowed) + ")");
        this.state = state;
        this.event = event;
    }

    public VrState state() {
        return state;
    }

    public VrEvent event() {
        return event;
    }
}
