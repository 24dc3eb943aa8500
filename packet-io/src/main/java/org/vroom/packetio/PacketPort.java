package org.vroom.packetio;

import org.agrona.DirectBuffer;

/**
 * One Ethernet port as a forwarding worker sees it: batches of received frames addressed in native
 * memory, and a transmit ring that {@link #send} copies into and {@link #flush} kicks.
 *
 * <p>Threads: a port is owned by one thread, the only one that calls {@link #receive},
 * {@link #release}, {@link #send}, {@link #flush} and {@link #close}. Several workers on one physical
 * interface each open their own port (AF_PACKET: one fanout group, one transmit ring each). The
 * descriptive methods ({@link #name}, {@link #macAddress}, {@link #mtu}, {@link #ifIndex},
 * {@link #pollFd}, {@link #linkUp}) and {@link #counters} may be called from any thread.
 *
 * <p>The per-packet methods never allocate, never block and never throw for bad input or a full
 * ring: they count it in {@link #counters()} and report it through their return value.
 */
public interface PacketPort extends AutoCloseable {

    /** Interface name (AF_PACKET) or the name given to an in-memory port. */
    String name();

    /**
     * Fills {@code batch} with up to {@code batch.capacity()} received frames and returns how many.
     * Implicitly {@link #release()}s the frames of the previous call first. The frames stay valid,
     * readable and writable in place, until the next {@code release()} or {@code receive()}. Frames
     * start at the destination MAC; an 802.1Q tag the kernel stripped is put back in place.
     */
    int receive(RxBatch batch);

    /** Hands the frames of the last {@link #receive} back (AF_PACKET: ring blocks to the kernel). */
    void release();

    /**
     * Copies one frame (starting at the destination MAC, no FCS) into the transmit ring. Frames up to
     * {@code 14 + mtu()} bytes, or {@code 18 + mtu()} when 802.1Q tagged, are accepted.
     *
     * @return false, counted, when the ring is full or the frame is malformed; never blocks
     */
    boolean send(long address, int length);

    /** As {@link #send(long, int)} for a frame in an Agrona buffer (heap or direct). */
    boolean send(DirectBuffer buffer, int offset, int length);

    /** Transmits everything {@link #send} queued since the last flush (one kick for the batch). */
    void flush();

    /** The port's MAC address in the low 48 bits, first octet most significant. */
    long macAddress();

    /** Layer-3 MTU (1500 for standard Ethernet), read when the port opened. */
    int mtu();

    /** Whether the link is up and running now (AF_PACKET: a syscall; not for per-packet use). */
    boolean linkUp();

    /** Kernel interface index (AF_PACKET) or a synthetic unique index (in-memory). */
    int ifIndex();

    PortCounters counters();

    /** A file descriptor to wait on with poll(2) for received frames, or -1 (in-memory ports). */
    int pollFd();

    /** Releases every resource (rings, mappings, sockets, memory). Idempotent. */
    @Override
    void close();
}
