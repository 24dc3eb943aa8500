/**
 * TCP for one virtual router: RFC 9293 with RFC 6298 retransmission, RFC 5681 congestion control and
 * RFC 6582 NewReno recovery, RFC 7323 window scaling (no timestamps, no SACK), RFC 5961 hardening,
 * RFC 6528 ISNs and RFC 2385 TCP-MD5; checkpointable so that BGP sessions survive a migration.
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>{@link org.vroom.netstack.tcp.TcpHost}: the {@link org.vroom.vr.spi.TcpStack} of a VR, its IP
 *       protocol 6 handler, the tables (connections by 4-tuple in {@code ConnectionTable}, listeners,
 *       ids), ephemeral ports, host-wide {@link org.vroom.netstack.tcp.TcpCounter}s, RSTs for segments
 *       without a connection, and the checkpoint part {@code "tcp"}.</li>
 *   <li>{@code Tcb}: one connection's state and the application's view of it (the
 *       {@link org.vroom.vr.spi.TcpConnection}); callbacks are collected as events while a segment or
 *       a timer is processed and dispatched afterwards, so the application always sees a consistent
 *       connection and may call back into it.</li>
 *   <li>{@code TcpInput}: segment arrival, in the order of RFC 9293 section 3.10.7.</li>
 *   <li>{@code TcpOutput}: what to send next (windows, congestion window, sender SWS avoidance, FIN),
 *       the segment bytes, the retransmission / persist / delayed-ACK timers.</li>
 *   <li>{@code CongestionControl}, {@code RttEstimator}: NewReno and the RFC 6298 estimator.</li>
 *   <li>{@code SendRing}, {@code ReceiveRing}: off-heap buffers. Out-of-order data is written straight
 *       into its place in the receive window and a list of at most 32 intervals remembers the holes,
 *       so reassembly is bounded by the window and costs no copy when a hole fills.</li>
 *   <li>{@code InboundSegment}, {@code TcpWire}, {@code Md5Signer}, {@code IsnGenerator},
 *       {@code Seq}: parsing, layout, signatures, ISNs, sequence arithmetic.</li>
 *   <li>{@code TcpCheckpoint}: the versioned layout of the checkpoint part and restore.</li>
 * </ul>
 *
 * <h2>Threads and memory</h2>
 * Everything runs on the VR loop; there are no locks. Per segment nothing is allocated: parsing is in
 * place, demultiplexing uses an open-addressing table keyed by primitives, segments are built in one
 * off-heap scratch buffer, MD5 reuses its digest, timers are re-armed rather than re-created (one
 * handle per kind and connection). Buffers come from the VR context's resource scope and are freed when
 * a connection goes (or with the scope). Malformed input never throws: it is counted under exactly one
 * {@link org.vroom.netstack.tcp.TcpCounter} and dropped.
 *
 * <h2>Choices and departures from the RFCs</h2>
 * <ul>
 *   <li>Minimum RTO 200 ms (RFC 6298 says 1 s SHOULD), as Linux: see
 *       {@link org.vroom.netstack.tcp.TcpHostOptions}. Initial RTO 1 s, maximum 60 s, backoff doubles;
 *       after {@code maxRetransmits} timeouts in a row (15 by default, as Linux; SYNs: 6) the connection
 *       is aborted with {@link org.vroom.vr.spi.TcpError#TIMED_OUT} and a RST.</li>
 *   <li>No Nagle delay: small writes go at once (BGP wants its KEEPALIVEs and UPDATEs out now); the
 *       sender still avoids silly windows, with the persist timer as the override.</li>
 *   <li>Delayed ACKs (40 ms, every second segment at once, immediately for out-of-order data, holes
 *       filled and FINs) can be turned off per connection.</li>
 *   <li>Zero-window probes carry an old sequence number and no data (as Linux), so they need no
 *       send-side bookkeeping; they back off like the RTO and never abort a connection whose peer
 *       answers. A retransmission timeout with a zero window sends the first segment anyway.</li>
 *   <li>Data on a SYN or SYN-ACK is not queued (it is not acknowledged either, so the peer resends it).
 *       A lone FIN at RCV.NXT is accepted with a closed window (as Linux).</li>
 *   <li>{@code close()} with unread data, or data arriving after {@code close()}, resets the
 *       connection (as Linux, RFC 2525 2.17). A connection the application closed leaves FIN-WAIT-2
 *       after 60 s.</li>
 *   <li>RFC 5961: exact-sequence RSTs reset, in-window ones and SYNs on synchronized connections get a
 *       challenge ACK (at most 1000 per second per stack); ACKs of data never sent and bare segments out
 *       of the window are answered at most every 500 ms per connection, which breaks ACK loops between
 *       desynchronised ends (Linux's {@code tcp_invalid_ratelimit}).</li>
 *   <li>TCP-MD5: a connection or listener with a key drops unsigned and wrongly signed segments; a
 *       segment signed where no key is configured is dropped too, without a RST (as Linux). A listener
 *       can hold one key per peer (BGP).</li>
 *   <li>IP fragments are dropped (segments are sent with DF and an MSS from the interface MTU); a
 *       segment the VR refuses as too big shrinks the MSS to the route's MTU.</li>
 *   <li>No urgent data (the pointer is ignored), no keepalives (BGP has its own), no SACK or
 *       timestamps (not advertised).</li>
 * </ul>
 *
 * <h2>Checkpoint</h2>
 * The stack is the checkpoint part {@code "tcp"}: listeners with their per-peer keys, and every
 * connection whole (all sequence variables, windows and scales, MSS, congestion state, RTT estimator
 * and backoff, unacknowledged and unsent data, the out-of-order data with its intervals, data not yet
 * consumed by the application, timers as remaining time, options and key, counters), the ISN key and
 * the ephemeral port cursor. Dirty tracking is per connection from the first snapshot on: a delta
 * rewrites the connections that changed and lists those released. Restored into a fresh stack of a VR
 * with the same addresses, connections keep their ids; the application finds them with
 * {@link org.vroom.vr.spi.TcpStack#connections()} and re-attaches its handlers, and the connection goes
 * on with the same sequence numbers, with no RST. Data that arrived for a connection without a handler
 * waits in its receive buffer.
 */
package org.vroom.netstack.tcp;
