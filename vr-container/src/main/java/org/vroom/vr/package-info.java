/**
 * Virtual routers: the VR model and its lifecycle, on top of the SPIs of the sub-packages.
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>{@code org.vroom.vr} (here): {@link org.vroom.vr.VirtualRouter} (configuration, interfaces with
 *       stable MACs, connected/local/static routes, protocol instances, the state machine
 *       {@link org.vroom.vr.VrState}/{@link org.vroom.vr.VrEvent} with one
 *       {@link org.vroom.vr.VirtualRouter#transition} method, in-place
 *       {@link org.vroom.vr.VirtualRouter#reconfigure}), its configuration records, and
 *       {@link org.vroom.vr.VrHost}, what the node (kernel) provides to each VR.</li>
 *   <li>{@link org.vroom.vr.loop}: the single-threaded VR loop (an Agrona agent), timers, freeze/thaw,
 *       the deterministic mode. No dependency on the rest.</li>
 *   <li>{@link org.vroom.vr.rib}: the RIB with administrative distances, ECMP and change listeners. No
 *       dependency on the rest.</li>
 *   <li>{@link org.vroom.vr.shadow}: shadowd, the FIB update batches and their codec, and the
 *       data-plane hypervisor SPI the kernel implements.</li>
 *   <li>{@link org.vroom.vr.spi}: what protocols see ({@link org.vroom.vr.spi.VrContext},
 *       {@link org.vroom.vr.spi.Protocol}), resource scopes, counters; the TCP placeholder.</li>
 *   <li>{@link org.vroom.vr.testkit}: in-memory hosts, a simulated network and a strict FIB model, for
 *       this module's tests and for protocol tests.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Each VR is confined to its loop: configuration, lifecycle, RIB, shadowd and protocols run there and
 * take no locks. Other threads reach a VR only through its loop's bounded queues
 * ({@code offer}, {@code offerControl}); a full queue is counted and reported to the caller. Before the
 * loop runs on a thread, and in deterministic mode, the creating thread acts as the loop.
 *
 * <h2>Behaviour worth knowing</h2>
 * <ul>
 *   <li>An interface's routes exist only while it is up (enabled and link up): its subnet as CONNECTED
 *       (attached), its address and broadcast address as LOCAL /32. Static routes resolve their gateway
 *       over an up interface's subnet (or a named interface); recursive static routes are not
 *       supported and stay inactive.</li>
 *   <li>STOP empties the RIB and sends one empty reset batch (not one removal per route); DETACH does
 *       the same without touching the data plane, for a VR whose FIB is handed over to its new node.</li>
 *   <li>Interface indices are stable: a new interface takes its old index if free, else the lowest free
 *       one; the MAC is {@code 02:vv:vv:vv:ii:ii} from VR id and index, as the kernel computes it.</li>
 *   <li>VR ids are limited to 24 bits because they are part of the MAC.</li>
 * </ul>
 */
package org.vroom.vr;
