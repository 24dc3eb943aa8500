package org.vroom.packetio;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Two connected {@link PacketPort}s, like the two ends of a cable: frames sent and flushed on one
 * are received on the other. For unit tests and the single-process demo.
 *
 * <p>Each direction is a bounded single-producer/single-consumer ring of fixed-size off-heap slots,
 * so {@code receive} hands out native addresses exactly as the AF_PACKET port does, and the receiver
 * may rewrite a frame in place. The producer is the sending port's owner thread, the consumer the
 * receiving port's owner thread. {@code send} copies into the next free slot without publishing it;
 * {@code flush} publishes the batch with one volatile store of the tail index; {@code release}
 * publishes the consumer's head with a release store, after which the producer may reuse the slots.
 * A full ring refuses the frame and counts it as {@code txRingFull}, as a full TX ring would.
 * Head and tail live on separate cache lines of the ring's own memory.
 *
 * <p>Memory is freed when both ports are closed; after one end closes the other sees the link down
 * ({@code linkUp() == false}) and its sends fail (counted as errors).
 */
public final class InMemoryPortPair implements AutoCloseable {
    public static final int DEFAULT_SLOTS = 1024;
    public static final int DEFAULT_MTU = 1500;

    private static final AtomicInteger NEXT_INDEX = new AtomicInteger(1_000_000);
    private static final int ETH_HLEN = 14;
    private static final int VLAN_HLEN = 4;
    private static final short ETH_P_8021Q_NET = Short.reverseBytes((short) 0x8100);
    private static final int HEAD_OFFSET = 0;
    private static final int TAIL_OFFSET = 128;
    private static final int SLOTS_OFFSET = 256;

    private final Ring aToB;
    private final Ring bToA;
    private final InMemoryPort a;
    private final InMemoryPort b;
    private final AtomicInteger openPorts = new AtomicInteger(2);

    private InMemoryPortPair(String nameA, String nameB, int slots, int mtu) {
        aToB = new Ring(slots, mtu);
        Ring reverse = null;
        try {
            reverse = new Ring(slots, mtu);
        } finally {
            if (reverse == null) {
                aToB.free();
            }
        }
        bToA = reverse;
        a = new InMemoryPort(this, nameA, mtu, aToB, bToA);
        b = new InMemoryPort(this, nameB, mtu, bToA, aToB);
        a.peer = b;
        b.peer = a;
    }

    public static InMemoryPortPair create(String nameA, String nameB) {
        return create(nameA, nameB, DEFAULT_SLOTS, DEFAULT_MTU);
    }

    /**
     * @param slots frames each direction holds (rounded up to a power of two)
     * @param mtu   layer-3 MTU; slots hold {@code mtu + 18} bytes (a tagged frame)
     */
    public static InMemoryPortPair create(String nameA, String nameB, int slots, int mtu) {
        if (slots < 1 || slots > 1 << 24) {
            throw new IllegalArgumentException("slots must be 1..2^24: " + slots);
        }
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("mtu must be 68..65535: " + mtu);
        }
        return new InMemoryPortPair(nameA, nameB, slots, mtu);
    }

    public PacketPort a() {
        return a;
    }

    public PacketPort b() {
        return b;
    }

    /** Whether the off-heap memory of both directions has been freed (both ports closed). */
    public boolean memoryReleased() {
        return openPorts.get() == 0;
    }

    /** Closes both ports. */
    @Override
    public void close() {
        a.close();
        b.close();
    }

    private void portClosed() {
        if (openPorts.decrementAndGet() == 0) {
            aToB.free();
            bToA.free();
        }
    }

    /** One direction: slots plus head and tail indices, all off-heap; lengths on-heap. */
    private static final class Ring {
        final int slots;
        final int mask;
        final int slotSize;
        final int[] lengths;
        final long memory;
        final long memorySize;

        Ring(int requestedSlots, int mtu) {
            slots = requestedSlots == 1 ? 1 : Integer.highestOneBit(requestedSlots - 1) << 1;
            mask = slots - 1;
            slotSize = (mtu + ETH_HLEN + VLAN_HLEN + 63) & ~63;
            lengths = new int[slots];
            memorySize = SLOTS_OFFSET + (long) slots * slotSize;
            memory = UnsafeApi.allocateMemory(memorySize);
            UnsafeApi.setMemory(memory, memorySize, (byte) 0);
        }

        long slot(long index) {
            return memory + SLOTS_OFFSET + (index & mask) * slotSize;
        }

        void free() {
            UnsafeApi.freeMemory(memory);
        }
    }

    /** One end of the pair. Producer state for {@code tx}, consumer state for {@code rx}. */
    static final class InMemoryPort implements PacketPort {
        private final InMemoryPortPair pair;
        private final String name;
        private final int mtu;
        private final int ifIndex;
        private final long macAddress;
        private final PortCounters counters = new PortCounters();
        private final Ring tx;
        private final Ring rx;
        private final int maxUntagged;
        private final int maxTagged;
        private InMemoryPort peer;

        // producer (this port's owner thread) on tx
        private long txTail;
        private long txPublished;
        private long txHeadCache;
        // consumer (this port's owner thread) on rx
        private long rxHead;
        private int rxHandedOut;

        private volatile boolean closed;
        /** Thread parked in a {@link PollSet} waiting for frames on this port, or null. */
        volatile Thread waiter;

        InMemoryPort(InMemoryPortPair pair, String name, int mtu, Ring tx, Ring rx) {
            this.pair = pair;
            this.name = name;
            this.mtu = mtu;
            this.tx = tx;
            this.rx = rx;
            this.ifIndex = NEXT_INDEX.getAndIncrement();
            this.macAddress = 0x0200_0000_0000L | (ifIndex & 0xffff_ffffL); // locally administered
            this.maxUntagged = mtu + ETH_HLEN;
            this.maxTagged = mtu + ETH_HLEN + VLAN_HLEN;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int receive(RxBatch batch) {
            release();
            batch.clear();
            if (closed) {
                return 0;
            }
            final long available = UnsafeApi.getLongAcquire(null, rx.memory + TAIL_OFFSET) - rxHead;
            final int count = (int) Math.min(available, batch.capacity());
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                final long index = rxHead + i;
                final int length = rx.lengths[(int) (index & rx.mask)];
                batch.add(rx.slot(index), length);
                bytes += length;
            }
            rxHandedOut = count;
            if (count > 0) {
                counters.addRx(count, bytes);
            }
            return count;
        }

        @Override
        public void release() {
            if (rxHandedOut > 0) {
                rxHead += rxHandedOut;
                rxHandedOut = 0;
                UnsafeApi.putLongRelease(null, rx.memory + HEAD_OFFSET, rxHead);
            }
        }

        @Override
        public boolean send(long address, int length) {
            if (length < ETH_HLEN || (length > maxUntagged
                && (length > maxTagged || UnsafeApi.getShort(address + 12) != ETH_P_8021Q_NET))) {
                counters.incErrors();
                return false;
            }
            final long slot = txSlot();
            if (slot == 0) {
                return false;
            }
            UnsafeApi.copyMemory(address, slot, length);
            commit(length);
            return true;
        }

        @Override
        public boolean send(DirectBuffer buffer, int offset, int length) {
            if (offset < 0 || length < ETH_HLEN || offset > buffer.capacity() - length
                || (length > maxUntagged && (length > maxTagged || buffer.getShort(offset + 12) != ETH_P_8021Q_NET))) {
                counters.incErrors();
                return false;
            }
            final long slot = txSlot();
            if (slot == 0) {
                return false;
            }
            UnsafeApi.copyMemory(buffer.byteArray(), buffer.addressOffset() + offset, null, slot, length);
            commit(length);
            return true;
        }

        /** Address of the next free slot, or 0 (counted) when the link is down or the ring is full. */
        private long txSlot() {
            if (closed || peer.closed) {
                counters.incErrors();
                return 0;
            }
            if (txTail - txHeadCache >= tx.slots) {
                txHeadCache = UnsafeApi.getLongAcquire(null, tx.memory + HEAD_OFFSET);
                if (txTail - txHeadCache >= tx.slots) {
                    counters.incTxRingFull();
                    return 0;
                }
            }
            return tx.slot(txTail);
        }

        private void commit(int length) {
            tx.lengths[(int) (txTail & tx.mask)] = length;
            txTail++;
            counters.addTx(1, length);
        }

        @Override
        public void flush() {
            if (txTail == txPublished || closed) {
                return;
            }
            txPublished = txTail;
            // Volatile (not just release): orders the store before the read of peer.waiter below,
            // pairing with the waiter's volatile store then volatile read in hasPending().
            UnsafeApi.putLongVolatile(null, tx.memory + TAIL_OFFSET, txTail);
            final Thread w = peer.waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        /** Owner thread: whether frames are waiting that {@link #receive} has not handed out. */
        boolean hasPending() {
            return !closed && UnsafeApi.getLongVolatile(null, rx.memory + TAIL_OFFSET) != rxHead + rxHandedOut;
        }

        @Override
        public long macAddress() {
            return macAddress;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public boolean linkUp() {
            return !closed && !peer.closed;
        }

        @Override
        public int ifIndex() {
            return ifIndex;
        }

        @Override
        public PortCounters counters() {
            return counters;
        }

        @Override
        public int pollFd() {
            return -1;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            pair.portClosed();
        }

        @Override
        public String toString() {
            return "InMemoryPort{" + name + (closed ? " closed" : "") + "}";
        }
    }
}
