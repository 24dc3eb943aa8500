package org.vroom.kernel.mgmt;

import java.util.Objects;

/**
 * A VR's identity and runtime summary.
 *
 * @param name       the VR's name
 * @param id         its id
 * @param state      its control-plane state
 * @param ribRoutes  routes in its RIB (all protocols), or -1 if unknown
 * @param fibRoutes  routes installed in its FIB, or -1 if unknown
 */
public record VrStatus(String name, int id, VrState state, int ribRoutes, int fibRoutes) {
    public VrStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
