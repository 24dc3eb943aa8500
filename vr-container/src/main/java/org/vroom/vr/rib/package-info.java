/**
 * The routing information base of a virtual router.
 *
 * <ul>
 *   <li>{@link org.vroom.vr.rib.Rib}: candidates per prefix from several {@link org.vroom.vr.rib.RouteSource}s,
 *       best-route selection (administrative distance, metric, source order, origin), ECMP over the
 *       tied candidates of the winning source up to a configured width, change listeners,
 *       exact and longest-prefix lookup. Primitive struct-of-arrays storage with Agrona maps: a full
 *       BGP table fits in tens of megabytes.</li>
 *   <li>{@link org.vroom.vr.rib.NextHop} (packed {@code long}s) and {@link org.vroom.vr.rib.NextHopSet}
 *       (immutable, interned by the RIB).</li>
 *   <li>{@link org.vroom.vr.rib.RibChange}/{@link org.vroom.vr.rib.RibListener}: best-route added,
 *       changed, removed.</li>
 *   <li>{@link org.vroom.vr.rib.RibCheckpoint}: the RIB as checkpoint part {@code rib} (every candidate
 *       and the ECMP width; deltas from the RIB's change tracking of touched prefixes).</li>
 * </ul>
 *
 * <p>Threads: single-threaded, the VR loop. Departures from common practice: no recursive next-hop
 * resolution inside the RIB (protocols resolve with {@code lookup} before installing; next-hop
 * tracking comes with BGP); an administrative distance of 255 is refused rather than stored unused.
 */
package org.vroom.vr.rib;
