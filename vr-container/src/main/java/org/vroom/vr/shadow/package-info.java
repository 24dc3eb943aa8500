/**
 * From RIB to FIB: shadowd and the data-plane hypervisor SPI.
 *
 * <ul>
 *   <li>{@link org.vroom.vr.shadow.Shadowd}: listens to best-route changes, coalesces them per loop
 *       turn, manages refcounted next-hop ids (one per distinct next hop; an ECMP set is a group over
 *       member ids) and sends {@link org.vroom.vr.shadow.FibUpdateBatch}es.</li>
 *   <li>{@link org.vroom.vr.shadow.DataPlaneHypervisor}: {@code apply(vrId, batch)}, implemented by the
 *       kernel over the local FIB and adjacency table, and later by a mirroring variant that also sends
 *       the batch to the VR's old node.</li>
 *   <li>{@link org.vroom.vr.shadow.FibBatchCodec}: the versioned big-endian wire form of a batch; the
 *       decoder returns typed errors and never throws.</li>
 * </ul>
 *
 * <p>Threads: shadowd runs on the VR loop and calls the hypervisor there; a batch is immutable, so the
 * hypervisor may hand it to another thread.
 */
package org.vroom.vr.shadow;
