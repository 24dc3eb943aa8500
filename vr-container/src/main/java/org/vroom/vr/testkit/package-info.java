/**
 * In-memory stand-ins for the node, for tests of this module and of protocols:
 * {@link org.vroom.vr.testkit.SimNetwork} (VRs on simulated segments, one manual clock, a deterministic
 * scheduler), {@link org.vroom.vr.testkit.SimHost} (records and delivers what a VR sends),
 * {@link org.vroom.vr.testkit.RecordingHypervisor} and {@link org.vroom.vr.testkit.FibModel} (a strict
 * receiver of FIB batches that fails on any contract breach). Single-threaded; not for production.
 */
package org.vroom.vr.testkit;
