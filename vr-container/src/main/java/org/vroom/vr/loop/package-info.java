/**
 * The control loop of a virtual router.
 *
 * <ul>
 *   <li>{@link org.vroom.vr.loop.VrLoop}: an Agrona agent running control commands, inbound packets,
 *       timers and tasks of one VR; bounded JCTools MPSC queues for other threads (refusals counted and
 *       returned, never silent); freeze/thaw with a bounded off-heap buffer of inbound packets and
 *       timers that keep their remaining time.</li>
 *   <li>{@link org.vroom.vr.loop.TimerHandle}: a timer in the loop's binary heap (ordered by deadline,
 *       then scheduling order), with deadline and remaining time for checkpoints.</li>
 *   <li>{@link org.vroom.vr.loop.ManualClock} and {@link org.vroom.vr.loop.DeterministicScheduler}: the
 *       deterministic mode, several loops on the test thread, time jumping from deadline to deadline.</li>
 * </ul>
 *
 * <p>Threads: a loop's state belongs to the thread that runs it (an {@code AgentRunner}, possibly
 * shared with other VRs through a composite agent, or the test thread). Only {@code offer},
 * {@code offerControl}, {@code isFrozen} and {@code counter} may be called from other threads. Nothing
 * here allocates per inbound packet; scheduling a timer allocates its handle (re-arm with
 * {@code reschedule} to avoid that).
 */
package org.vroom.vr.loop;
