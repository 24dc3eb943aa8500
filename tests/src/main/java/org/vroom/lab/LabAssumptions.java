package org.vroom.lab;

import org.junit.jupiter.api.Assumptions;

/**
 * JUnit assumptions for lab tests: without root or a needed tool the test is reported as skipped
 * with the reason, never as passed.
 */
public final class LabAssumptions {
    private LabAssumptions() {
    }

    /** Skips the test unless this process can create network namespaces. */
    public static void assumeRoot() {
        Assumptions.assumeTrue(Lab.isRoot(),
                "needs root for network namespaces (uid 0 with CAP_SYS_ADMIN and CAP_NET_ADMIN, and iproute2)");
    }

    /** Skips the test unless {@code command} is installed. */
    public static void assumeCommand(String command) {
        Assumptions.assumeTrue(Lab.hasCommand(command), "needs the '" + command + "' command (not installed)");
    }

    /** Skips the test unless {@code command} is installed; the reason names the Debian package to install. */
    public static void assumeCommand(String command, String debianPackage) {
        Assumptions.assumeTrue(Lab.hasCommand(command),
                "needs the '" + command + "' command (apt-get install " + debianPackage + ")");
    }
}
