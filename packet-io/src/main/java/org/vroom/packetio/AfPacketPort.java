package org.vroom.packetio;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import static org.vroom.packetio.Native.LIBC;

/**
 * A {@link PacketPort} on a Linux interface through two AF_PACKET sockets and their memory-mapped
 * TPACKET_V3 rings.
 *
 * <p>Receive: a socket bound to the interface with {@code ETH_P_ALL}, its RX ring split into blocks.
 * The kernel fills a block with variable-length frames and hands it over by setting the block status
 * to {@code TP_STATUS_USER} (read here with acquire); the port hands it back by storing
 * {@code TP_STATUS_KERNEL} with release once every frame of it was handed out and released. A block
 * that is not full is handed over after the retire timeout, which bounds latency at low rates.
 * {@code PACKET_IGNORE_OUTGOING} keeps this host's own transmissions out. The kernel strips an 802.1Q
 * tag into {@code tpacket3_hdr.hv1} on receive ({@code TP_STATUS_VLAN_VALID}); the port writes it back
 * in front of the EtherType, using the gap between the header and the frame, so classifiers see the
 * frame as it was on the wire. Drops because the ring was full are read with
 * {@code PACKET_STATISTICS} whenever a block arrives flagged {@code TP_STATUS_LOSING}.
 *
 * <p>Transmit: a second socket with protocol 0 (it receives nothing) and {@code PACKET_QDISC_BYPASS},
 * with a TPACKET_V3 TX ring of fixed-size frames whose data starts at offset 48. {@link #send} copies a
 * frame into the next {@code TP_STATUS_AVAILABLE} slot and marks it {@code TP_STATUS_SEND_REQUEST};
 * {@link #flush} kicks the kernel once with {@code sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0)}.
 * MSG_DONTWAIT keeps the kick from waiting until the kernel has freed the frames; they become
 * available again asynchronously, and a slot still in flight makes {@code send} report a full ring.
 * {@code PACKET_LOSS} makes the kernel skip a malformed slot rather than stop the ring on it.
 */
public final class AfPacketPort implements PacketPort {
    // socket options (linux/if_packet.h)
    private static final int PACKET_ADD_MEMBERSHIP = 1;
    private static final int PACKET_RX_RING = 5;
    private static final int PACKET_STATISTICS = 6;
    private static final int PACKET_VERSION = 10;
    private static final int PACKET_TX_RING = 13;
    private static final int PACKET_LOSS = 14;
    private static final int PACKET_FANOUT = 18;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final int PACKET_IGNORE_OUTGOING = 23;
    private static final int TPACKET_V3 = 2;
    private static final int PACKET_MR_PROMISC = 1;

    // struct tpacket_block_desc: version, offset_to_priv, then struct tpacket_hdr_v1
    static final int BLOCK_STATUS_OFFSET = 8;
    static final int BLOCK_NUM_PKTS_OFFSET = 12;
    static final int BLOCK_FIRST_PKT_OFFSET = 16;
    // struct tpacket3_hdr
    static final int TP_NEXT_OFFSET = 0;
    static final int TP_SNAPLEN_OFFSET = 12;
    static final int TP_LEN_OFFSET = 16;
    static final int TP_STATUS_OFFSET = 20;
    static final int TP_MAC_OFFSET = 24;
    static final int TP_VLAN_TCI_OFFSET = 32;
    static final int TP_VLAN_TPID_OFFSET = 36;
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct sockaddr_ll): nothing of ours below it. */
    static final int TPACKET3_HDRLEN = 48 + 20;
    /** Frame data offset in a TX slot: tp_hdrlen - sizeof(struct sockaddr_ll). */
    static final int TX_DATA_OFFSET = 48;

    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_LOSING = 1 << 2;
    static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    static final int TP_STATUS_VLAN_VALID = 1 << 4;
    static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    static final int TP_STATUS_CSUM_VALID = 1 << 7;
    static final int TP_STATUS_AVAILABLE = 0;
    static final int TP_STATUS_SEND_REQUEST = 1;

    private static final int ETH_HLEN = 14;
    private static final int VLAN_HLEN = 4;
    private static final short ETH_P_8021Q_NET = Short.reverseBytes((short) 0x8100);
    private static final int TX_BLOCK_SIZE = 64 * 1024;
    private static final int SCRATCH_SIZE = 64;

    private final AfPacketConfig config;
    private final String name;
    private final int ifIndex;
    private final long macAddress;
    private final int mtu;
    private final PortCounters counters = new PortCounters();
    private final boolean restoreVlanTag;

    private final int rxFd;
    private final long rxRing;
    private final long rxRingSize;
    private final int rxBlockSize;
    private final int rxBlockCount;

    private final int txFd;
    private final long txRing;
    private final long txRingSize;
    private final int txFrameSize;
    private final int txFrameCount;
    private final int maxUntaggedLength;
    private final int maxTaggedLength;

    /** Owner-thread scratch memory for getsockopt. */
    private final long scratch;

    // receive cursor (owner thread)
    private int rxBlock;
    private boolean rxBlockOpen;
    private int rxPacketsLeft;
    private long rxNextPacket;
    private int rxReleaseBlock;
    private int rxConsumedBlocks;
    private boolean rxLossSeen;

    // transmit cursor (owner thread)
    private int txIndex;
    private int txQueued;

    private volatile boolean closed;

    private AfPacketPort(Opener o) {
        config = o.config;
        name = o.config.interfaceName;
        ifIndex = o.ifIndex;
        macAddress = o.macAddress;
        mtu = o.mtu;
        restoreVlanTag = o.config.restoreVlanTag;
        rxFd = o.rxFd;
        rxRing = o.rxRing;
        rxRingSize = o.rxRingSize;
        rxBlockSize = o.config.rxBlockSize;
        rxBlockCount = o.config.rxBlockCount;
        txFd = o.txFd;
        txRing = o.txRing;
        txRingSize = o.txRingSize;
        txFrameSize = o.txFrameSize;
        txFrameCount = o.txFrameCount;
        maxUntaggedLength = Math.min(mtu + ETH_HLEN, txFrameSize - TX_DATA_OFFSET);
        maxTaggedLength = Math.min(mtu + ETH_HLEN + VLAN_HLEN, txFrameSize - TX_DATA_OFFSET);
        scratch = o.scratch;
    }

    /** Opens {@code interfaceName} in this thread's network namespace with the default configuration. */
    public static AfPacketPort open(String interfaceName) {
        return open(AfPacketConfig.of(interfaceName));
    }

    /**
     * Opens a port as {@code config} says.
     *
     * @throws PacketIoException naming the interface when it does not exist, when the caller lacks
     *                           {@code CAP_NET_RAW}, or when the kernel refuses a ring or option
     */
    public static AfPacketPort open(AfPacketConfig config) {
        final Opener o = new Opener(config);
        try {
            NetNamespace.call(config.networkNamespace, config.interfaceName, () -> {
                o.createSockets();
                return null;
            });
            o.configure();
            return new AfPacketPort(o);
        } catch (RuntimeException | Error e) {
            o.closeAll();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    public AfPacketConfig config() {
        return config;
    }

    @Override
    public int receive(RxBatch batch) {
        release();
        batch.clear();
        if (closed) {
            return 0; // the ring is unmapped
        }
        final int capacity = batch.capacity();
        int count = 0;
        long bytes = 0;
        while (count < capacity) {
            if (rxPacketsLeft == 0) {
                if (rxBlockOpen) {
                    // Every frame of this block is in the batch: it goes back at the next release().
                    rxBlockOpen = false;
                    rxConsumedBlocks++;
                    rxBlock = nextBlock(rxBlock);
                }
                if (rxConsumedBlocks == rxBlockCount || !openNextBlock()) {
                    break;
                }
                continue;
            }
            final long hdr = rxNextPacket;
            rxPacketsLeft--;
            rxNextPacket = hdr + (UnsafeApi.getInt(hdr + TP_NEXT_OFFSET) & 0xffffffffL);

            final int snapLength = UnsafeApi.getInt(hdr + TP_SNAPLEN_OFFSET);
            final int wireLength = UnsafeApi.getInt(hdr + TP_LEN_OFFSET);
            final int macOffset = UnsafeApi.getShort(hdr + TP_MAC_OFFSET) & 0xffff;
            if (snapLength != wireLength || snapLength < ETH_HLEN) {
                counters.incErrors(); // truncated (larger than a block) or runt
                continue;
            }
            long frame = hdr + macOffset;
            int length = snapLength;
            final int status = UnsafeApi.getInt(hdr + TP_STATUS_OFFSET);
            int flags = (status & TP_STATUS_CSUMNOTREADY) != 0 ? RxBatch.FLAG_CHECKSUM_PARTIAL
                : (status & TP_STATUS_CSUM_VALID) != 0 ? RxBatch.FLAG_CHECKSUM_VERIFIED : 0;
            if ((status & TP_STATUS_VLAN_VALID) != 0 && restoreVlanTag) {
                if (macOffset < TPACKET3_HDRLEN + VLAN_HLEN) {
                    counters.incErrors();
                    continue;
                }
                frame = insertVlanTag(hdr, frame, status);
                length += VLAN_HLEN;
                flags |= RxBatch.FLAG_VLAN_RESTORED;
            }
            batch.add(frame, length, flags);
            count++;
            bytes += length;
        }
        if (count > 0) {
            counters.addRx(count, bytes);
        }
        return count;
    }

    /** Moves the two MAC addresses 4 bytes down and writes TPID and TCI behind them. */
    private static long insertVlanTag(long hdr, long frame, int status) {
        int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? UnsafeApi.getShort(hdr + TP_VLAN_TPID_OFFSET) & 0xffff : 0;
        if (tpid == 0) {
            tpid = 0x8100;
        }
        final int tci = UnsafeApi.getInt(hdr + TP_VLAN_TCI_OFFSET) & 0xffff;
        final long tagged = frame - VLAN_HLEN;
        final long macs = UnsafeApi.getLong(frame);
        final int macsTail = UnsafeApi.getInt(frame + 8);
        UnsafeApi.putLong(tagged, macs);
        UnsafeApi.putInt(tagged + 8, macsTail);
        UnsafeApi.putShort(tagged + 12, Short.reverseBytes((short) tpid));
        UnsafeApi.putShort(tagged + 14, Short.reverseBytes((short) tci));
        return tagged;
    }

    private boolean openNextBlock() {
        final long block = blockAddress(rxBlock);
        final int status = UnsafeApi.getIntAcquire(null, block + BLOCK_STATUS_OFFSET);
        if ((status & TP_STATUS_USER) == 0) {
            return false;
        }
        if ((status & TP_STATUS_LOSING) != 0) {
            rxLossSeen = true;
        }
        rxBlockOpen = true;
        rxPacketsLeft = UnsafeApi.getInt(block + BLOCK_NUM_PKTS_OFFSET);
        rxNextPacket = block + (UnsafeApi.getInt(block + BLOCK_FIRST_PKT_OFFSET) & 0xffffffffL);
        return true;
    }

    @Override
    public void release() {
        if (closed) {
            return;
        }
        if (rxBlockOpen && rxPacketsLeft == 0) {
            rxBlockOpen = false;
            rxConsumedBlocks++;
            rxBlock = nextBlock(rxBlock);
        }
        while (rxConsumedBlocks > 0) {
            UnsafeApi.putIntRelease(null, blockAddress(rxReleaseBlock) + BLOCK_STATUS_OFFSET, TP_STATUS_KERNEL);
            rxReleaseBlock = nextBlock(rxReleaseBlock);
            rxConsumedBlocks--;
        }
        if (rxLossSeen) {
            rxLossSeen = false;
            refreshStatistics();
        }
    }

    private int nextBlock(int block) {
        return block + 1 == rxBlockCount ? 0 : block + 1;
    }

    private long blockAddress(int block) {
        return rxRing + (long) block * rxBlockSize;
    }

    /**
     * Adds the kernel's count of frames dropped for want of ring space ({@code PACKET_STATISTICS},
     * which resets on read) to {@link PortCounters#rxDrops()}. Called automatically when a block
     * arrives flagged as losing; owner thread only.
     */
    public void refreshStatistics() {
        if (closed) {
            return;
        }
        UnsafeApi.putInt(scratch + 16, 12); // socklen_t: sizeof(struct tpacket_stats_v3)
        if (LIBC.getsockopt(rxFd, Native.SOL_PACKET, PACKET_STATISTICS, scratch, scratch + 16) == 0) {
            final long drops = UnsafeApi.getInt(scratch + 4) & 0xffffffffL; // tp_drops
            if (drops != 0) {
                counters.addRxDrops(drops);
            }
        } else {
            counters.incErrors();
        }
    }

    @Override
    public boolean send(long address, int length) {
        if (length < ETH_HLEN || (length > maxUntaggedLength
            && (length > maxTaggedLength || UnsafeApi.getShort(address + 12) != ETH_P_8021Q_NET))) {
            counters.incErrors();
            return false;
        }
        final long slot = txSlot();
        if (slot == 0) {
            return false;
        }
        UnsafeApi.copyMemory(address, slot + TX_DATA_OFFSET, length);
        commit(slot, length);
        return true;
    }

    @Override
    public boolean send(DirectBuffer buffer, int offset, int length) {
        if (offset < 0 || length < ETH_HLEN || offset > buffer.capacity() - length) {
            counters.incErrors();
            return false;
        }
        if (length > maxUntaggedLength && (length > maxTaggedLength || buffer.getShort(offset + 12) != ETH_P_8021Q_NET)) {
            counters.incErrors();
            return false;
        }
        final long slot = txSlot();
        if (slot == 0) {
            return false;
        }
        UnsafeApi.copyMemory(buffer.byteArray(), buffer.addressOffset() + offset, null, slot + TX_DATA_OFFSET, length);
        commit(slot, length);
        return true;
    }

    /** The next free TX slot, or 0 (counted) when the kernel still owns it: the ring is full. */
    private long txSlot() {
        if (closed) {
            counters.incErrors(); // the ring is unmapped
            return 0;
        }
        final long slot = txRing + (long) txIndex * txFrameSize;
        if (UnsafeApi.getIntAcquire(null, slot + TP_STATUS_OFFSET) != TP_STATUS_AVAILABLE) {
            counters.incTxRingFull();
            return 0;
        }
        return slot;
    }

    private void commit(long slot, int length) {
        UnsafeApi.putInt(slot + TP_LEN_OFFSET, length);
        UnsafeApi.putIntRelease(null, slot + TP_STATUS_OFFSET, TP_STATUS_SEND_REQUEST);
        txIndex = txIndex + 1 == txFrameCount ? 0 : txIndex + 1;
        txQueued++;
        counters.addTx(1, length);
    }

    /**
     * Kicks the TX ring. A kick the kernel refuses (for example ENOBUFS) is counted in errors and the
     * frames stay queued for the next flush, so call it every duty cycle while {@link #txQueued()} is
     * non-zero.
     */
    @Override
    public void flush() {
        if (txQueued == 0 || closed) {
            return;
        }
        if (LIBC.sendto(txFd, 0L, 0L, Native.MSG_DONTWAIT, 0L, 0) < 0) {
            counters.incErrors();
            return;
        }
        txQueued = 0;
    }

    /** Frames queued by {@link #send} and not yet kicked successfully. */
    public int txQueued() {
        return txQueued;
    }

    /** Frames the TX ring holds. */
    public int txRingCapacity() {
        return txFrameCount;
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
        if (closed) {
            return false;
        }
        final long ifreq = UnsafeApi.allocateMemory(Native.IFREQ_SIZE);
        try {
            putInterfaceName(ifreq, name);
            if (LIBC.ioctl(rxFd, Native.SIOCGIFFLAGS, ifreq) != 0) {
                return false;
            }
            final int flags = UnsafeApi.getShort(ifreq + Native.IFNAMSIZ) & 0xffff;
            return (flags & (Native.IFF_UP | Native.IFF_RUNNING)) == (Native.IFF_UP | Native.IFF_RUNNING);
        } finally {
            UnsafeApi.freeMemory(ifreq);
        }
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
        return rxFd;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        refreshStatistics();
        closed = true;
        LIBC.munmap(rxRing, rxRingSize);
        LIBC.munmap(txRing, txRingSize);
        LIBC.close(rxFd);
        LIBC.close(txFd);
        UnsafeApi.freeMemory(scratch);
    }

    @Override
    public String toString() {
        return "AfPacketPort{" + name + " ifindex " + ifIndex + (closed ? " closed" : "") + "}";
    }

    static void putInterfaceName(long ifreq, String name) {
        UnsafeApi.setMemory(ifreq, Native.IFREQ_SIZE, (byte) 0);
        for (int i = 0; i < name.length(); i++) {
            UnsafeApi.putByte(ifreq + i, (byte) name.charAt(i));
        }
    }

    /** Creates the sockets, rings and mappings, remembering each so a failure releases them all. */
    private static final class Opener {
        final AfPacketConfig config;
        final String name;
        int ifIndex;
        int rxFd = -1;
        int txFd = -1;
        long rxRing = Native.MAP_FAILED;
        long rxRingSize;
        long txRing = Native.MAP_FAILED;
        long txRingSize;
        int txFrameSize;
        int txFrameCount;
        long macAddress;
        int mtu;
        final long scratch = UnsafeApi.allocateMemory(SCRATCH_SIZE);
        boolean scratchOwnedByPort;

        Opener(AfPacketConfig config) {
            this.config = config;
            this.name = config.interfaceName;
        }

        /** Runs inside the interface's network namespace: sockets belong to it from now on. */
        void createSockets() {
            ifIndex = LIBC.if_nametoindex(name);
            if (ifIndex == 0) {
                final int e = Native.errno();
                throw new PacketIoException(name, e, "interface '" + name + "' does not exist"
                    + (config.networkNamespace == null ? "" : " in network namespace '" + config.networkNamespace + "'")
                    + " (" + Native.strerror(e) + ")");
            }
            // Protocol 0 until bind(): an ETH_P_ALL socket would receive from every interface meanwhile.
            rxFd = socket(0);
            txFd = socket(0);
        }

        private int socket(int protocol) {
            final int fd = LIBC.socket(Native.AF_PACKET, Native.SOCK_RAW | Native.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                final int e = Native.errno();
                throw new PacketIoException(name, e, "cannot open an AF_PACKET socket for interface '" + name + "': "
                    + Native.strerror(e) + (e == Native.EPERM || e == Native.EACCES
                    ? "; packet ports need CAP_NET_RAW (run as root, or grant it: setcap cap_net_raw+ep on the "
                    + "java binary, or AmbientCapabilities=CAP_NET_RAW in a systemd unit)" : ""));
            }
            return fd;
        }

        void configure() {
            mtu = readMtu();
            macAddress = readMacAddress();

            setInt(rxFd, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            rxRingSize = (long) config.rxBlockSize * config.rxBlockCount;
            setRing(rxFd, PACKET_RX_RING, config.rxBlockSize, config.rxBlockCount, config.rxFrameSize,
                (int) (rxRingSize / config.rxFrameSize), config.rxRetireTimeoutMillis, "PACKET_RX_RING");
            rxRing = map(rxFd, rxRingSize, "RX ring");
            if (config.ignoreOutgoing) {
                setInt(rxFd, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            }
            bind(rxFd, Native.ETH_P_ALL);
            if (config.promiscuous) {
                UnsafeApi.setMemory(scratch, 16, (byte) 0); // struct packet_mreq
                UnsafeApi.putInt(scratch, ifIndex);
                UnsafeApi.putShort(scratch + 4, (short) PACKET_MR_PROMISC);
                setOption(rxFd, PACKET_ADD_MEMBERSHIP, 16, "PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC");
            }
            if (config.fanoutMode != AfPacketConfig.FanoutMode.NONE) {
                setInt(rxFd, PACKET_FANOUT, config.fanoutGroupId | (config.fanoutMode.kernelValue << 16),
                    "PACKET_FANOUT " + config.fanoutMode + " group " + config.fanoutGroupId);
            }

            // Smallest power of two holding the slot header and a tagged frame of this MTU.
            txFrameSize = Math.max(2048, Integer.highestOneBit(TX_DATA_OFFSET + mtu + ETH_HLEN + VLAN_HLEN - 1) << 1);
            final int txBlockSize = Math.max(TX_BLOCK_SIZE, txFrameSize);
            final int framesPerBlock = txBlockSize / txFrameSize;
            final int txBlocks = (config.txFrameCount + framesPerBlock - 1) / framesPerBlock;
            txFrameCount = txBlocks * framesPerBlock;
            txRingSize = (long) txBlockSize * txBlocks;
            setInt(txFd, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION TPACKET_V3");
            if (config.qdiscBypass) {
                setInt(txFd, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            setInt(txFd, PACKET_LOSS, 1, "PACKET_LOSS");
            setRing(txFd, PACKET_TX_RING, txBlockSize, txBlocks, txFrameSize, txFrameCount, 0, "PACKET_TX_RING");
            txRing = map(txFd, txRingSize, "TX ring");
            bind(txFd, 0);
            scratchOwnedByPort = true;
        }

        private int readMtu() {
            final long ifreq = scratch;
            putInterfaceName(ifreq, name);
            ioctl(Native.SIOCGIFMTU, ifreq, "SIOCGIFMTU");
            return UnsafeApi.getInt(ifreq + Native.IFNAMSIZ);
        }

        private long readMacAddress() {
            final long ifreq = scratch;
            putInterfaceName(ifreq, name);
            ioctl(Native.SIOCGIFHWADDR, ifreq, "SIOCGIFHWADDR");
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (UnsafeApi.getByte(ifreq + Native.IFNAMSIZ + 2 + i) & 0xff);
            }
            return mac;
        }

        private void ioctl(long request, long ifreq, String what) {
            if (LIBC.ioctl(rxFd, request, ifreq) != 0) {
                throw failure(what);
            }
        }

        private void bind(int fd, int protocol) {
            UnsafeApi.setMemory(scratch, 20, (byte) 0); // struct sockaddr_ll
            UnsafeApi.putShort(scratch, (short) Native.AF_PACKET);
            UnsafeApi.putShort(scratch + 2, (short) Native.htons(protocol));
            UnsafeApi.putInt(scratch + 4, ifIndex);
            if (LIBC.bind(fd, scratch, 20) != 0) {
                throw failure("bind");
            }
        }

        private void setRing(int fd, int option, int blockSize, int blockCount, int frameSize, int frameCount,
                             int retireTimeoutMillis, String what) {
            UnsafeApi.setMemory(scratch, 28, (byte) 0); // struct tpacket_req3
            UnsafeApi.putInt(scratch, blockSize);
            UnsafeApi.putInt(scratch + 4, blockCount);
            UnsafeApi.putInt(scratch + 8, frameSize);
            UnsafeApi.putInt(scratch + 12, frameCount);
            UnsafeApi.putInt(scratch + 16, retireTimeoutMillis);
            setOption(fd, option, 28, what + " " + blockCount + "x" + blockSize + "B");
        }

        private void setInt(int fd, int option, int value, String what) {
            UnsafeApi.putInt(scratch, value);
            setOption(fd, option, 4, what);
        }

        private void setOption(int fd, int option, int length, String what) {
            if (LIBC.setsockopt(fd, Native.SOL_PACKET, option, scratch, length) != 0) {
                throw failure("setsockopt " + what);
            }
        }

        private long map(int fd, long size, String what) {
            final long address = LIBC.mmap(0L, size, Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_SHARED | Native.MAP_POPULATE, fd, 0L);
            if (address == Native.MAP_FAILED) {
                throw failure("mmap " + what + " of " + size + " bytes");
            }
            return address;
        }

        private PacketIoException failure(String what) {
            final int e = Native.errno();
            return new PacketIoException(name, e, what + " on interface '" + name + "' failed: " + Native.strerror(e));
        }

        void closeAll() {
            if (rxRing != Native.MAP_FAILED) {
                LIBC.munmap(rxRing, rxRingSize);
            }
            if (txRing != Native.MAP_FAILED) {
                LIBC.munmap(txRing, txRingSize);
            }
            Native.closeQuietly(rxFd);
            Native.closeQuietly(txFd);
            if (!scratchOwnedByPort) {
                UnsafeApi.freeMemory(scratch);
            }
        }
    }
}
