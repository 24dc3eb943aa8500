package org.vroom.kernel.mgmt;

import java.util.List;

/**
 * The outcome of a reconfiguration.
 *
 * @param applied      changes now in effect on the running VR
 * @param needsRestart changes recorded in the VR's configuration that take effect only when the VR
 *                     restarts (delete and create it again, or restart the node)
 */
public record ReconfigureResult(List<ConfigChange> applied, List<ConfigChange> needsRestart) {
    public ReconfigureResult {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
    }

    /** True when nothing differed. */
    public boolean unchanged() {
        return applied.isEmpty() && needsRestart.isEmpty();
    }
}
