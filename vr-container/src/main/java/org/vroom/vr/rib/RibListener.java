package org.vroom.vr.rib;

/**
 * Told synchronously, on the VR loop, whenever the best route of a prefix is added, changed or removed.
 * The {@link RibChange} is reused: do not keep it. A listener must not modify the RIB from the callback
 * (the RIB throws); it records what it needs and acts later (shadowd batches at the end of the turn).
 */
@FunctionalInterface
public interface RibListener {
    void onBestRouteChange(RibChange change);
}
