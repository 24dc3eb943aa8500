package org.vroom.vr.spi;

/**
 * TODO(checkpoint issue): the checkpoint hooks of a protocol instance. Placeholder so that protocols
 * can be written against a stable {@link Protocol} now; the checkpoint issue defines the methods,
 * roughly:
 * <ul>
 *   <li>write a full snapshot of the instance's state (neighbours, LSDB, Adj-RIBs, timers as
 *       remaining times from {@link org.vroom.vr.loop.TimerHandle#remainingNanos()});</li>
 *   <li>write a delta of what changed since round {@code k} (dirty tracking, not re-serialisation);</li>
 *   <li>restore from a snapshot plus deltas into a new, not yet started instance, which then resumes
 *       on {@link Protocol#start} without re-initialising its sessions.</li>
 * </ul>
 * Runs on the VR loop, including while the VR is frozen (as a control command).
 */
public interface ProtocolCheckpoint {
}
