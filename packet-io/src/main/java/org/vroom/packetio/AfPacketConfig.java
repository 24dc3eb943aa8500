package org.vroom.packetio;

import java.util.Objects;

/**
 * How to open an {@link AfPacketPort}. Defaults suit a router port on a small box: a 4 MiB receive
 * ring (256 blocks of 16 KiB, retired after 2 ms when not full: at low rates each block holds 2 ms
 * of traffic, so the ring rides out about half a second of a starved worker), a 256-frame transmit ring,
 * promiscuous mode, own transmissions ignored, queueing discipline bypassed, 802.1Q tags put back.
 */
public final class AfPacketConfig {

    /** {@code PACKET_FANOUT} modes for several ports (workers) sharing one interface. */
    public enum FanoutMode {
        /** No fanout group: this port sees every frame of the interface. */
        NONE(-1),
        /** By flow hash: a flow always reaches the same member (keeps per-flow order). */
        HASH(0),
        /** Round robin. */
        LOAD_BALANCE(1),
        /** By the CPU that received the frame. */
        CPU(2),
        /** By the device's receive queue. */
        QUEUE_MAPPING(5);

        final int kernelValue;

        FanoutMode(int kernelValue) {
            this.kernelValue = kernelValue;
        }
    }

    final String interfaceName;
    final String networkNamespace;
    final int rxBlockSize;
    final int rxBlockCount;
    final int rxFrameSize;
    final int rxRetireTimeoutMillis;
    final int txFrameCount;
    final boolean promiscuous;
    final boolean ignoreOutgoing;
    final boolean qdiscBypass;
    final boolean restoreVlanTag;
    final FanoutMode fanoutMode;
    final int fanoutGroupId;

    private AfPacketConfig(Builder b) {
        interfaceName = b.interfaceName;
        networkNamespace = b.networkNamespace;
        rxBlockSize = b.rxBlockSize;
        rxBlockCount = b.rxBlockCount;
        rxFrameSize = b.rxFrameSize;
        rxRetireTimeoutMillis = b.rxRetireTimeoutMillis;
        txFrameCount = b.txFrameCount;
        promiscuous = b.promiscuous;
        ignoreOutgoing = b.ignoreOutgoing;
        qdiscBypass = b.qdiscBypass;
        restoreVlanTag = b.restoreVlanTag;
        fanoutMode = b.fanoutMode;
        fanoutGroupId = b.fanoutGroupId;
    }

    public static Builder builder(String interfaceName) {
        return new Builder(interfaceName);
    }

    /** Defaults for {@code interfaceName} in the caller's network namespace. */
    public static AfPacketConfig of(String interfaceName) {
        return builder(interfaceName).build();
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** Named network namespace ({@code /run/netns/<name>}) the interface lives in, or null. */
    public String networkNamespace() {
        return networkNamespace;
    }

    @Override
    public String toString() {
        return "AfPacketConfig{" + interfaceName + (networkNamespace == null ? "" : " in netns " + networkNamespace)
            + ", rx " + rxBlockCount + "x" + rxBlockSize + "B/" + rxRetireTimeoutMillis + "ms, tx " + txFrameCount
            + " frames, promisc=" + promiscuous + ", fanout=" + fanoutMode
            + (fanoutMode == FanoutMode.NONE ? "" : "#" + fanoutGroupId) + "}";
    }

    public static final class Builder {
        private final String interfaceName;
        private String networkNamespace;
        private int rxBlockSize = 16 * 1024;
        private int rxBlockCount = 256;
        private int rxFrameSize = 2048;
        private int rxRetireTimeoutMillis = 2;
        private int txFrameCount = 256;
        private boolean promiscuous = true;
        private boolean ignoreOutgoing = true;
        private boolean qdiscBypass = true;
        private boolean restoreVlanTag = true;
        private FanoutMode fanoutMode = FanoutMode.NONE;
        private int fanoutGroupId;

        private Builder(String interfaceName) {
            this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
            if (interfaceName.isEmpty() || interfaceName.length() >= Native.IFNAMSIZ || interfaceName.indexOf('/') >= 0) {
                throw new IllegalArgumentException("not a valid interface name: '" + interfaceName + "'");
            }
        }

        /** Opens the port inside the named network namespace (as {@code ip netns} names it). */
        public Builder networkNamespace(String name) {
            if (name != null && (name.isEmpty() || name.indexOf('/') >= 0)) {
                throw new IllegalArgumentException("not a valid network namespace name: '" + name + "'");
            }
            this.networkNamespace = name;
            return this;
        }

        /**
         * Receive ring geometry: {@code blockCount} blocks of {@code blockSize} bytes (a multiple of the
         * page size, and larger than the biggest frame plus 128 bytes of headers).
         */
        public Builder rxRing(int blockSize, int blockCount) {
            if (blockSize <= 0 || blockSize % org.agrona.UnsafeApi.pageSize() != 0 || blockSize < 2 * rxFrameSize) {
                throw new IllegalArgumentException("rx block size must be a positive multiple of the page size "
                    + "and at least " + 2 * rxFrameSize + ": " + blockSize);
            }
            if (blockCount < 2) {
                throw new IllegalArgumentException("rx ring needs at least 2 blocks: " + blockCount);
            }
            this.rxBlockSize = blockSize;
            this.rxBlockCount = blockCount;
            return this;
        }

        /** A block that is not full is handed to user space after this long (latency at low rates). */
        public Builder rxRetireTimeoutMillis(int millis) {
            if (millis <= 0) {
                throw new IllegalArgumentException("retire timeout must be positive: " + millis);
            }
            this.rxRetireTimeoutMillis = millis;
            return this;
        }

        /**
         * Transmit ring of {@code frameCount} frames. The frame size defaults to the smallest power of
         * two that holds the 48-byte header and a tagged frame of the interface's MTU.
         */
        public Builder txRing(int frameCount) {
            if (frameCount < 1) {
                throw new IllegalArgumentException("tx ring needs at least 1 frame: " + frameCount);
            }
            this.txFrameCount = frameCount;
            return this;
        }

        public Builder promiscuous(boolean on) {
            this.promiscuous = on;
            return this;
        }

        /** Whether the receive socket skips frames this host transmits on the interface (default true). */
        public Builder ignoreOutgoing(boolean on) {
            this.ignoreOutgoing = on;
            return this;
        }

        public Builder qdiscBypass(boolean on) {
            this.qdiscBypass = on;
            return this;
        }

        /** Whether received frames get their 802.1Q tag, stripped by the kernel, back (default true). */
        public Builder restoreVlanTag(boolean on) {
            this.restoreVlanTag = on;
            return this;
        }

        /** Joins fanout group {@code groupId} (0..65535, per network namespace) in {@code mode}. */
        public Builder fanout(FanoutMode mode, int groupId) {
            this.fanoutMode = Objects.requireNonNull(mode, "mode");
            if (mode != FanoutMode.NONE && (groupId < 0 || groupId > 0xffff)) {
                throw new IllegalArgumentException("fanout group id must be 0..65535: " + groupId);
            }
            this.fanoutGroupId = groupId;
            return this;
        }

        public AfPacketConfig build() {
            return new AfPacketConfig(this);
        }
    }
}
