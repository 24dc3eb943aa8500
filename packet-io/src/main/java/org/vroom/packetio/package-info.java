/**
 * Packet I/O for the substrate data plane: Ethernet ports that hand out received frames in native
 * memory and take frames to transmit, without allocating, locking or blocking per packet.
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>{@link org.vroom.packetio.PacketPort}: the contract (receive a batch, release it, send, flush,
 *       port facts, {@link org.vroom.packetio.PortCounters counters}, a descriptor to poll).
 *       {@link org.vroom.packetio.RxBatch} carries the frames of one receive as parallel arrays of
 *       addresses, lengths and flags (checksum left to offload, VLAN tag restored).</li>
 *   <li>{@link org.vroom.packetio.AfPacketPort} and {@link org.vroom.packetio.AfPacketConfig}: a Linux
 *       interface through AF_PACKET sockets with TPACKET_V3 RX and TX rings (mmap), promiscuous mode,
 *       {@code PACKET_QDISC_BYPASS}, {@code PACKET_IGNORE_OUTGOING}, optional {@code PACKET_FANOUT},
 *       optionally inside a named network namespace. Native calls go through JNR
 *       ({@code Native.LibC}); pointers travel as raw addresses in a {@code long}.</li>
 *   <li>{@link org.vroom.packetio.InMemoryPortPair}: two ports joined back to back by off-heap SPSC
 *       rings, for unit tests and the single-process demo; same contract, same native addressing.</li>
 *   <li>{@link org.vroom.packetio.PollSet} and {@link org.vroom.packetio.PortIdleStrategy}: how an idle
 *       worker sleeps (poll(2) on ring descriptors plus an eventfd for {@code wakeup()}; park/unpark
 *       for in-memory ports) instead of spinning on a two-core box.</li>
 *   <li>{@code org.vroom.packetio.codec}: flyweight codecs over the frames (a separate package).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * A port belongs to one thread (its worker): only that thread receives, releases, sends, flushes
 * and closes it. Several workers on one interface each open their own {@code AfPacketPort} in the
 * same fanout group (each with its own RX and TX rings), so no ring is ever shared between threads.
 * An in-memory pair has one producer and one consumer per direction (the two ports' owners). Port
 * facts and counters may be read from any thread; {@link org.vroom.packetio.PollSet#wakeup()} may be
 * called from any thread to end a worker's idle wait (for example after queueing it a command).
 *
 * <h2>Memory ordering</h2>
 * RX ring block status is read with acquire and handed back with release; TX slot status is
 * published with release after the frame is copied in; the in-memory rings publish the producer's
 * tail (volatile, so the waiter check after it cannot be reordered before it) and the consumer's
 * head (release) in their own off-heap cache lines.
 *
 * <h2>Where this departs from the obvious</h2>
 * <ul>
 *   <li>The kernel strips 802.1Q tags into the ring header on receive; the port writes the tag back
 *       in front of the EtherType (in the gap the ring leaves before each frame) so classifiers see
 *       the frame as on the wire.</li>
 *   <li>Frames from a kernel stack on the far side of a veth arrive with the L4 checksum left to
 *       offload ({@link org.vroom.packetio.RxBatch#FLAG_CHECKSUM_PARTIAL}); the port reports it rather
 *       than silently computing it.</li>
 *   <li>The TX kick uses {@code MSG_DONTWAIT}: the kernel sends everything queued but does not wait
 *       for the frames to be freed, so {@code flush()} never blocks; slots come back asynchronously
 *       and a slot still in flight shows up as a full ring.</li>
 *   <li>The whole receive ring is reported as one descriptor: poll(2) says readable when a block is
 *       retired (full, or after the retire timeout), which bounds the latency of a lone frame by that
 *       timeout (2 ms by default).</li>
 * </ul>
 */
package org.vroom.packetio;
