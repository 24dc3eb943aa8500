package org.vroom.vr.spi;

/**
 * What a component did with a new configuration: applied in place, or needs a restart to apply
 * (and keeps running with the old configuration meanwhile).
 *
 * @param applied whether the new configuration is in effect
 * @param detail  what changed, or why a restart is needed
 */
public record ReconfigureOutcome(boolean applied, String detail) {
    public static ReconfigureOutcome applied(String detail) {
        return new ReconfigureOutcome(true, detail);
    }

    public static ReconfigureOutcome restartRequired(String reason) {
        return new ReconfigureOutcome(false, reason);
    }
}
