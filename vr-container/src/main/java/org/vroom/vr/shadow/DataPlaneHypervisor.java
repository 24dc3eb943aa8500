package org.vroom.vr.shadow;

/**
 * The data-plane hypervisor ({@code virtd} in the VROOM paper): the only way a VR's control plane
 * changes a data plane. The kernel implements it over the local FIB and adjacency table of VR
 * {@code vrId}; the migration issue adds an implementation that also mirrors each batch to the FIB
 * of the same VR on another node (remote control plane phase), using {@link FibBatchCodec}.
 *
 * <p>Contract: batches of one VR arrive in {@link FibUpdateBatch#sequence()} order, on that VR's loop
 * thread; a batch is immutable, so the implementation may keep it or hand it to another thread (an
 * SPSC queue to the FIB writer) instead of applying it in the call. It must not block the loop for
 * long. Items apply in the order documented on {@link FibUpdateBatch}.
 */
@FunctionalInterface
public interface DataPlaneHypervisor {
    void apply(int vrId, FibUpdateBatch batch);
}
