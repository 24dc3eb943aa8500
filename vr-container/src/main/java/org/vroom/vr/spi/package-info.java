/**
 * What a protocol instance sees of its virtual router, and nothing more:
 * {@link org.vroom.vr.spi.VrContext} (interfaces, raw IP send and per-protocol receive including
 * link-local multicast, timers, clock, randomness, RIB, counters, logger), the
 * {@link org.vroom.vr.spi.Protocol} lifecycle (start, stop, reconfigure; checkpoint hooks are a TODO of
 * the checkpoint issue), and {@link org.vroom.vr.spi.ResourceScope}, which frees everything an instance
 * allocated when it stops. {@link org.vroom.vr.spi.TcpStack} and its {@code Tcp*} types are the VR's
 * TCP as protocols (BGP) see it: non-blocking connections and listeners with event handlers; the
 * implementation is {@code org.vroom.netstack.tcp.TcpHost}.
 *
 * <p>No sockets, threads, Netty or substrate types appear here: protocols written against this package
 * run in the deterministic in-memory test bed ({@link org.vroom.vr.testkit.SimNetwork}) and on a node
 * alike. Threads: everything is called on the VR loop.
 */
package org.vroom.vr.spi;
