package org.vroom.vr;

import java.util.List;

/**
 * What {@link VirtualRouter#reconfigure} did: the changes applied in place, and the ones that need a
 * restart to take effect (the old setting stays in force until then).
 */
public record ReconfigureResult(List<Change> applied, List<Change> restartRequired) {
    /** What part of the VR a change concerns. */
    public enum Area { VR, INTERFACE, STATIC_ROUTE, PROTOCOL, RIB }

    /**
     * One change.
     *
     * @param area    what part of the VR
     * @param subject the interface, route or protocol instance (or the VR field) concerned
     * @param detail  what changed, or why it needs a restart and what kind
     */
    public record Change(Area area, String subject, String detail) {
        @Override
        public String toString() {
            return area + " " + subject + ": " + detail;
        }
    }

    public ReconfigureResult {
        applied = List.copyOf(applied);
        restartRequired = List.copyOf(restartRequired);
    }

    public boolean needsRestart() {
        return !restartRequired.isEmpty();
    }

    /** Nothing differed. */
    public boolean isEmpty() {
        return applied.isEmpty() && restartRequired.isEmpty();
    }
}
