package org.vroom.vr;

/** Told of every lifecycle transition of a VR (management, tracing, tests), on the VR loop. */
@FunctionalInterface
public interface VrStateListener {
    void onTransition(VirtualRouter vr, VrState from, VrEvent event, VrState to);
}
