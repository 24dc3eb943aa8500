package org.vroom.packetio;

import org.agrona.UnsafeApi;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.vroom.packetio.Native.LIBC;

/**
 * Lets an idle worker sleep until one of its ports has frames, another thread calls
 * {@link #wakeup()}, or a timeout passes: the last stage of the worker's idle strategy, so an idle
 * data plane costs no CPU on a two-core box.
 *
 * <p>Ports with a {@link PacketPort#pollFd()} are waited on with poll(2) together with an eventfd
 * that {@link #wakeup()} signals. In-memory ports have no descriptor: the thread registers itself as
 * their waiter and parks; the peer's {@code flush} unparks it. Any other port without a descriptor is
 * checked in slices of at most one millisecond. The poll array is native memory sized once; waiting
 * allocates nothing.
 *
 * <p>Threads: {@link #add}, {@link #remove}, {@link #await} and {@link #close} belong to the owning
 * worker thread; {@link #wakeup()} may be called from any thread until {@link #close()}. Remove a
 * port before closing it (a descriptor found closed is dropped from the poll array).
 */
public final class PollSet implements AutoCloseable {
    private static final int POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }
    private static final short POLLIN = 0x1;
    private static final short POLLERR = 0x8;
    private static final short POLLNVAL = 0x20;
    private static final int SO_ERROR = 4;

    private final PacketPort[] ports;
    private int portCount;
    /** Ports polled through a descriptor, in pollfd order after the eventfd at index 0. */
    private final PacketPort[] fdPorts;
    private int fdPortCount;
    private final InMemoryPortPair.InMemoryPort[] memoryPorts;
    private int memoryPortCount;
    private int otherPortCount;

    private final long pollFds;
    private final long eventValue; // 8 bytes read from / written to the eventfd
    private final long wakeValue;
    private final long soError; // getsockopt(SO_ERROR) value and length
    private final long soErrorLength;
    private final int eventFd;
    private volatile Thread parkedThread;
    private volatile boolean closed;
    private boolean woken;

    /** A set for up to {@code capacity} ports. */
    public PollSet(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        ports = new PacketPort[capacity];
        fdPorts = new PacketPort[capacity];
        memoryPorts = new InMemoryPortPair.InMemoryPort[capacity];
        eventFd = LIBC.eventfd(0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
        if (eventFd < 0) {
            throw new IllegalStateException("eventfd failed: " + Native.strerror(Native.errno()));
        }
        final long memory = UnsafeApi.allocateMemory((long) (capacity + 1) * POLLFD_SIZE + 32);
        pollFds = memory;
        eventValue = memory + (long) (capacity + 1) * POLLFD_SIZE;
        wakeValue = eventValue + 8;
        soError = wakeValue + 8;
        soErrorLength = soError + 8;
        UnsafeApi.putLong(wakeValue, 1L);
        setPollFd(0, eventFd);
    }

    public void add(PacketPort port) {
        for (int i = 0; i < portCount; i++) {
            if (ports[i] == port) {
                throw new IllegalArgumentException(port + " is already in this poll set");
            }
        }
        if (portCount == ports.length) {
            throw new IllegalStateException("poll set is full (" + ports.length + " ports)");
        }
        ports[portCount++] = port;
        rebuild();
    }

    /** @return whether the port was in the set */
    public boolean remove(PacketPort port) {
        for (int i = 0; i < portCount; i++) {
            if (ports[i] == port) {
                System.arraycopy(ports, i + 1, ports, i, portCount - i - 1);
                ports[--portCount] = null;
                rebuild();
                return true;
            }
        }
        return false;
    }

    public int size() {
        return portCount;
    }

    private void rebuild() {
        fdPortCount = 0;
        memoryPortCount = 0;
        otherPortCount = 0;
        java.util.Arrays.fill(fdPorts, null);
        java.util.Arrays.fill(memoryPorts, null);
        for (int i = 0; i < portCount; i++) {
            final PacketPort p = ports[i];
            if (p.pollFd() >= 0) {
                fdPorts[fdPortCount] = p;
                setPollFd(1 + fdPortCount++, p.pollFd());
            } else if (p instanceof InMemoryPortPair.InMemoryPort m) {
                memoryPorts[memoryPortCount++] = m;
            } else {
                otherPortCount++;
            }
        }
    }

    private void setPollFd(int index, int fd) {
        final long entry = pollFds + (long) index * POLLFD_SIZE;
        UnsafeApi.putInt(entry, fd);
        UnsafeApi.putShort(entry + 4, Native.POLLIN);
        UnsafeApi.putShort(entry + 6, (short) 0);
    }

    /**
     * Waits up to {@code timeoutMillis} for frames on any port or a {@link #wakeup()}. Call it only
     * after {@code receive} returned 0 on every port: an AF_PACKET port signals readiness per ring
     * block, not for frames left in a block already being read.
     *
     * @return the number of ports found ready (0 on timeout, wakeup or interruption)
     */
    public int await(long timeoutMillis) {
        if (closed) {
            throw new IllegalStateException("poll set is closed");
        }
        final long timeout = Math.max(0, timeoutMillis);
        if (memoryPortCount == 0 && otherPortCount == 0) {
            return poll((int) Math.min(timeout, Integer.MAX_VALUE));
        }
        final Thread self = Thread.currentThread();
        parkedThread = self;
        for (int i = 0; i < memoryPortCount; i++) {
            memoryPorts[i].waiter = self;
        }
        try {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (true) {
                final int ready = readyMemoryPorts();
                if (ready > 0) {
                    return ready;
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                if (fdPortCount == 0 && otherPortCount == 0) {
                    LockSupport.parkNanos(this, left);
                    // Woken by a flush, by wakeup(), by an interrupt or spuriously: let the worker look.
                    return readyMemoryPorts();
                }
                // Mixed set: poll the descriptors in slices of 1 ms and look at the other ports between.
                final int readyFds = poll(1);
                if (readyFds > 0 || woken || otherPortCount > 0 || Thread.currentThread().isInterrupted()) {
                    return readyFds + readyMemoryPorts();
                }
            }
        } finally {
            for (int i = 0; i < memoryPortCount; i++) {
                memoryPorts[i].waiter = null;
            }
            parkedThread = null;
        }
    }

    private int readyMemoryPorts() {
        int ready = 0;
        for (int i = 0; i < memoryPortCount; i++) {
            if (memoryPorts[i].hasPending()) {
                ready++;
            }
        }
        return ready;
    }

    /** poll(2) on the eventfd and the ports' descriptors; sets {@link #woken}; returns ports ready. */
    private int poll(int timeoutMillis) {
        woken = false;
        final int n = LIBC.poll(pollFds, 1 + fdPortCount, timeoutMillis);
        if (n <= 0) {
            return 0; // timeout, or EINTR
        }
        int ready = 0;
        if (UnsafeApi.getShort(pollFds + 6) != 0) {
            woken = true;
            LIBC.read(eventFd, eventValue, 8); // reset the eventfd counter
        }
        for (int i = 1; i <= fdPortCount; i++) {
            final long entry = pollFds + (long) i * POLLFD_SIZE;
            final short revents = UnsafeApi.getShort(entry + 6);
            if ((revents & POLLNVAL) != 0) {
                UnsafeApi.putInt(entry, -1); // a port closed while in the set: stop polling it
                continue;
            }
            if ((revents & POLLERR) != 0) {
                // A pending socket error (ENETDOWN when the link went down) keeps poll(2) returning at
                // once until it is read: read and clear it, or an idle worker spins.
                UnsafeApi.putInt(soErrorLength, 4);
                LIBC.getsockopt(UnsafeApi.getInt(entry), Native.SOL_SOCKET, SO_ERROR, soError, soErrorLength);
            }
            if ((revents & POLLIN) != 0) {
                ready++;
            }
        }
        return ready;
    }

    /** Makes a current or the next {@link #await} return promptly. Any thread. */
    public void wakeup() {
        if (closed) {
            return;
        }
        LIBC.write(eventFd, wakeValue, 8);
        final Thread t = parkedThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIBC.close(eventFd);
        UnsafeApi.freeMemory(pollFds);
    }
}
