/**
 * The node's management API (HTTP/1.1 + JSON on Netty), its Prometheus endpoint and {@code vroomctl}.
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>The facade: {@link org.vroom.kernel.mgmt.NodeManagement}, what the API needs from a node, with its
 *       vocabulary ({@link org.vroom.kernel.mgmt.VrStatus}, {@link org.vroom.kernel.mgmt.VrState},
 *       {@link org.vroom.kernel.mgmt.InterfaceStatus}, {@link org.vroom.kernel.mgmt.RibRoute},
 *       {@link org.vroom.kernel.mgmt.FibEntry}, {@link org.vroom.kernel.mgmt.NeighbourEntry},
 *       {@link org.vroom.kernel.mgmt.ReconfigureResult}, {@link org.vroom.kernel.mgmt.ConfigChange}) and
 *       its error, {@link org.vroom.kernel.mgmt.ManagementException}. The node implements it; the tests use
 *       an in-memory fake. {@link org.vroom.kernel.mgmt.VrConfigDiff} lists the changes between two VR
 *       configurations and proposes which apply in place.</li>
 *   <li>The server: {@link org.vroom.kernel.mgmt.ManagementServer} (life cycle, Netty pipeline, 413),
 *       {@code ApiChannelHandler} (one connection: hand-off to the executor, ordering, timeouts),
 *       {@code ManagementApi} (routing, authentication, validation, the answers), {@code VrConfigJson}
 *       (a VR configuration as JSON, in the node file's shape), {@code ApiJson} (the Jackson mapper and the
 *       JSON of the facade's records), {@code MetricsExporter} and {@code PrometheusText} ({@code /metrics}),
 *       {@link org.vroom.kernel.mgmt.ApiToken} (the bearer token).</li>
 *   <li>The client: {@link org.vroom.kernel.mgmt.VroomCtl} ({@code vroomctl}, JDK {@code HttpClient}),
 *       {@code CtlTable} (its tables), {@code VrFile} (VR files in YAML or JSON).</li>
 * </ul>
 *
 * <h2>Endpoints</h2>
 * <pre>
 * GET    /api/v1/node                          name, start time, uptime, workers, ports, VR count
 * GET    /api/v1/vrs                           every VR: name, id, state, interfaces, RIB/FIB sizes
 * POST   /api/v1/vrs                     (*)   create a VR from its configuration (201 + Location)
 * GET    /api/v1/vrs/{name}                    one VR: status, interfaces, configuration
 * PUT    /api/v1/vrs/{name}              (*)   reconfigure: "applied" and "needsRestart" changes
 * DELETE /api/v1/vrs/{name}              (*)   delete
 * GET    /api/v1/vrs/{name}/interfaces         interfaces with MAC and binding state
 * GET    /api/v1/vrs/{name}/rib                every RIB route ("best" marks the selected ones)
 * GET    /api/v1/vrs/{name}/fib?prefix=P       the FIB entry for exactly prefix P (a.b.c.d/len)
 * GET    /api/v1/vrs/{name}/fib?address=A      the FIB entry a packet to A uses (longest-prefix match)
 * GET    /api/v1/vrs/{name}/neighbours         the ARP neighbour cache
 * GET    /api/v1/vrs/{name}/counters           the VR's counters, summed over shards
 * POST   /api/v1/vrs/{name}/freeze       (*)   freeze the control plane (idempotent; "changed" says if it was)
 * POST   /api/v1/vrs/{name}/thaw         (*)   thaw it
 * GET    /metrics                              Prometheus text format 0.0.4
 * </pre>
 * (*) needs {@code Authorization: Bearer <token>}. A VR configuration in a body has the keys of one item
 * of the node file's {@code vrs:} ({@code name}, {@code id}, {@code interfaces}, {@code static-routes}),
 * with the same value forms. Errors are {@code {"error": "...", "field": "..."}} (plus {@code problems}
 * when there are several): 400 invalid input (VR names, ids, addresses and prefixes are checked with the
 * node file's rules, cross-checked against the running node's configuration), 401 missing or wrong
 * token ({@code WWW-Authenticate: Bearer}), 403 a Host header that is not loopback while listening on
 * loopback (a guard against DNS rebinding from a browser), 404 unknown path or VR, 405 wrong method
 * ({@code Allow}), 409 name or id taken, 413 body over 1 MiB, 414/431 request line or headers too
 * large, 415 a body that is not JSON, 501/503 what the node cannot do (now), 504 the node did not answer
 * within the timeout.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>One Netty event loop (epoll when available; or the node's shared node-services group) accepts
 *       connections, frames HTTP and writes answers; it never calls the facade.</li>
 *   <li>A small management executor (2 threads, bounded queue; 503 when full) runs every request: the
 *       facade calls may block briefly, for example on a VR loop, without stalling the server. A call that
 *       exceeds the timeout (10 s) is interrupted and answered 504. Requests of one connection are handled
 *       one at a time, in order. State-changing requests run one at a time (a lock in {@code ManagementApi}),
 *       so validating against the node's configuration and applying the change are one step.</li>
 *   <li>No management work runs on a forwarding worker or a VR loop thread; the node's facade is what
 *       hands reads of VR-loop-only state (neighbours, exact FIB reads) to the VR's loop and waits.</li>
 *   <li>{@code vroomctl} is a separate process.</li>
 * </ul>
 *
 * <h2>Security</h2>
 * Listens on 127.0.0.1:7878 by default. Reads are open (as {@code vroom stat} reading the counters file
 * is); every state-changing request needs the bearer token, compared in constant time (SHA-256 of both
 * sides, {@link java.security.MessageDigest#isEqual}). The token is read from the configured token file,
 * or generated at each start (32 random bytes) into {@code <run-dir>/<node>/api.token}, mode 0600, and
 * its path (never its value) logged.
 */
package org.vroom.kernel.mgmt;
