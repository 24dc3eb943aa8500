package org.vroom.lab;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.AfPacketConfig;
import org.vroom.packetio.AfPacketPort;
import org.vroom.packetio.PollSet;
import org.vroom.packetio.RxBatch;

/**
 * A user-space 802.1Q access switch for labs on a kernel without the 8021q module (hosts cannot have
 * VLAN interfaces): in one namespace it bridges untagged access interfaces to tagged trunk interfaces,
 * one access interface per (trunk, VLAN) pair, with no MAC learning (each access port has exactly one
 * trunk VLAN, so none is needed).
 *
 * <ul>
 *   <li>access to trunk: every frame received on an access interface leaves its trunk with an 802.1Q
 *       tag (TPID 0x8100, PCP 0, the access port's VLAN id) inserted after the MAC addresses;</li>
 *   <li>trunk to access: a frame received on a trunk with a tag whose VLAN id has an access port on
 *       that trunk leaves that access port with the tag removed. Untagged frames, frames of other
 *       VLANs and frames with a stacked or non-0x8100 outer tag are dropped and counted.</li>
 * </ul>
 *
 * <p>Every interface is an {@link AfPacketPort} opened inside the switch's namespace from the calling
 * thread (sockets keep their namespace), with {@link AfPacketConfig.Builder#restoreVlanTag} on so a
 * trunk frame shows its tag in place, and outgoing frames ignored so the switch never sees its own
 * transmissions. One daemon thread forwards: it drains every port and sleeps in poll(2) when all are
 * idle. The switch lives in the test JVM and is closed by the {@link Lab} before the namespaces go.
 *
 * <p>Threads: {@link #start} and {@link #close} from any one thread; the counters from any thread.
 * The forwarding loop allocates nothing and takes no locks.
 */
public final class VlanShim implements AutoCloseable {
    private static final int ETH_ADDRS = 12;
    private static final int VLAN_HLEN = 4;
    private static final int TPID_8021Q = 0x8100;
    private static final int MAX_FRAME = 16 * 1024;
    private static final int BATCH = 64;
    private static final long IDLE_POLL_MILLIS = 100;
    private static final int TX_RETRIES = 100;

    /** One access port: untagged {@code accessIf} is VLAN {@code vlan} of trunk {@code trunkIf}. */
    public record Access(String accessIf, String trunkIf, int vlan) {
        public Access {
            if (vlan < 1 || vlan > 4094) {
                throw new IllegalArgumentException("VLAN id must be 1..4094: " + vlan);
            }
            Lab.checkIfName(accessIf);
            Lab.checkIfName(trunkIf);
            if (accessIf.equals(trunkIf)) {
                throw new IllegalArgumentException("an interface cannot be its own trunk: " + accessIf);
            }
        }
    }

    private final Host host;
    private final List<AfPacketPort> opened = new ArrayList<>();
    /** Per port index: -1 for a trunk, else the trunk's port index. */
    private final int[] trunkOf;
    /** Per port index: the access port's VLAN id (0 for a trunk). */
    private final int[] vlanOf;
    /** Per trunk port index and VLAN id: the access port index + 1 (0 = no such access port). */
    private final short[][] accessByVlan;
    private final AfPacketPort[] ports;
    private final PollSet poll;
    private final RxBatch batch = new RxBatch(BATCH);
    private final UnsafeBuffer rx = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_FRAME + VLAN_HLEN]);
    private final AtomicLong tagged = new AtomicLong();
    private final AtomicLong untagged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private VlanShim(Host host, List<Access> accesses) {
        this.host = host;
        Map<String, Integer> index = new LinkedHashMap<>();
        for (Access a : accesses) {
            index.putIfAbsent(a.trunkIf(), index.size());
        }
        for (Access a : accesses) {
            if (index.containsKey(a.accessIf())) {
                throw new IllegalArgumentException("interface used twice: " + a.accessIf());
            }
            index.put(a.accessIf(), index.size());
        }
        int n = index.size();
        trunkOf = new int[n];
        vlanOf = new int[n];
        ports = new AfPacketPort[n];
        accessByVlan = new short[n][];
        Arrays.fill(trunkOf, -1);
        for (Access a : accesses) {
            int t = index.get(a.trunkIf());
            int p = index.get(a.accessIf());
            if (accessByVlan[t] == null) {
                accessByVlan[t] = new short[4096];
            }
            short[] byVlan = accessByVlan[t];
            if (byVlan[a.vlan()] != 0) {
                throw new IllegalArgumentException("VLAN " + a.vlan() + " of " + a.trunkIf() + " has two access ports");
            }
            byVlan[a.vlan()] = (short) (p + 1);
            trunkOf[p] = t;
            vlanOf[p] = a.vlan();
        }
        poll = new PollSet(n);
        try {
            for (Map.Entry<String, Integer> e : index.entrySet()) {
                AfPacketPort port = AfPacketPort.open(AfPacketConfig.builder(e.getKey())
                        .networkNamespace(host.netns()).promiscuous(true).restoreVlanTag(true)
                        .rxRing(64 * 1024, 16).txRing(64).build());
                opened.add(port);
                ports[e.getValue()] = port;
                poll.add(port);
            }
        } catch (RuntimeException e) {
            closePorts();
            throw e;
        }
        thread = new Thread(this::run, "vlan-shim-" + host.name());
        thread.setDaemon(true);
    }

    /**
     * Opens every interface of {@code accesses} inside {@code host} (they must exist and be up) and
     * starts forwarding. The lab closes the switch at teardown, before it deletes the namespaces.
     */
    public static VlanShim start(Host host, List<Access> accesses) {
        if (accesses.isEmpty()) {
            throw new IllegalArgumentException("no access ports");
        }
        VlanShim shim = new VlanShim(host, accesses);
        host.lab().onClose("stop VLAN shim in " + host.netns(), shim::close);
        shim.thread.start();
        return shim;
    }

    /** Frames that went from an access port onto a trunk (tag pushed). */
    public long taggedFrames() {
        return tagged.get();
    }

    /** Frames that went from a trunk to an access port (tag popped). */
    public long untaggedFrames() {
        return untagged.get();
    }

    /** Frames the kernel dropped because one of the switch's receive rings was full (the switch starved). */
    public long ringDrops() {
        long sum = 0;
        for (AfPacketPort p : ports) {
            p.refreshStatistics();
            sum += p.counters().rxDrops();
        }
        return sum;
    }

    /** Frames dropped: untagged or unknown VLAN on a trunk, too long, or the output ring stayed full. */
    public long droppedFrames() {
        return dropped.get();
    }

    /** One line for assertion messages. */
    public String describe() {
        return "\n--- VLAN shim in " + host.name() + ": tagged " + taggedFrames() + ", untagged " + untaggedFrames()
                + ", dropped " + droppedFrames() + (thread.isAlive() ? "" : " (NOT RUNNING)");
    }

    private void run() {
        try {
            while (running) {
                int work = 0;
                for (int p = 0; p < ports.length; p++) {
                    work += drain(p);
                }
                for (AfPacketPort port : ports) {
                    port.flush();
                }
                if (work == 0) {
                    poll.await(IDLE_POLL_MILLIS);
                }
            }
        } catch (RuntimeException | Error e) {
            System.err.println("vroom lab: VLAN shim in " + host.netns() + " failed: " + e);
            throw e;
        }
    }

    /** Forwards every frame waiting on port {@code p}; returns how many it received. */
    private int drain(int p) {
        AfPacketPort in = ports[p];
        int n = in.receive(batch);
        for (int i = 0; i < n; i++) {
            batch.wrap(i, rx);
            int length = batch.length(i);
            if (trunkOf[p] >= 0) {
                if ((batch.flags(i) & org.vroom.packetio.RxBatch.FLAG_CHECKSUM_PARTIAL) != 0) {
                    completeChecksum(rx, length);
                }
                pushTag(rx, length, vlanOf[p], ports[trunkOf[p]]);
            } else {
                popTag(p, rx, length);
            }
        }
        in.release();
        return n;
    }

    /**
     * A host's frame that its kernel left with a partial TCP/UDP checksum (veth checksum offload): a
     * packet socket does not carry that state on, so a switch must complete the checksum before the
     * frame leaves it, as a NIC would have.
     */
    private void completeChecksum(UnsafeBuffer frame, int length) {
        if (length < ETH_ADDRS + 2 + 20 || (frame.getShort(ETH_ADDRS, ByteOrder.BIG_ENDIAN) & 0xffff) != 0x0800) {
            return;
        }
        ip.wrap(frame, ETH_ADDRS + 2, length - ETH_ADDRS - 2);
        if (ip.validate() == org.vroom.packetio.codec.ValidationResult.OK) {
            org.vroom.kernel.dataplane.PartialChecksum.complete(ip);
        }
    }

    private final org.vroom.packetio.codec.Ipv4Flyweight ip = new org.vroom.packetio.codec.Ipv4Flyweight();

    private void pushTag(UnsafeBuffer frame, int length, int vlan, AfPacketPort out) {
        if (length < ETH_ADDRS + 2 || length > MAX_FRAME) {
            dropped.incrementAndGet();
            return;
        }
        scratch.putBytes(0, frame, 0, ETH_ADDRS);
        scratch.putShort(ETH_ADDRS, (short) TPID_8021Q, ByteOrder.BIG_ENDIAN);
        scratch.putShort(ETH_ADDRS + 2, (short) vlan, ByteOrder.BIG_ENDIAN);
        scratch.putBytes(ETH_ADDRS + VLAN_HLEN, frame, ETH_ADDRS, length - ETH_ADDRS);
        if (send(out, length + VLAN_HLEN)) {
            tagged.lazySet(tagged.get() + 1);
        }
    }

    private void popTag(int trunk, UnsafeBuffer frame, int length) {
        if (length < ETH_ADDRS + VLAN_HLEN + 2 || length > MAX_FRAME
                || (frame.getShort(ETH_ADDRS, ByteOrder.BIG_ENDIAN) & 0xffff) != TPID_8021Q) {
            dropped.incrementAndGet();
            return;
        }
        int vlan = frame.getShort(ETH_ADDRS + 2, ByteOrder.BIG_ENDIAN) & 0x0fff;
        int inner = frame.getShort(ETH_ADDRS + VLAN_HLEN, ByteOrder.BIG_ENDIAN) & 0xffff;
        short[] byVlan = accessByVlan[trunk];
        int access = byVlan == null ? 0 : byVlan[vlan];
        if (access == 0 || inner == TPID_8021Q || inner == 0x88a8) {
            dropped.incrementAndGet();
            return;
        }
        scratch.putBytes(0, frame, 0, ETH_ADDRS);
        scratch.putBytes(ETH_ADDRS, frame, ETH_ADDRS + VLAN_HLEN, length - ETH_ADDRS - VLAN_HLEN);
        if (send(ports[access - 1], length - VLAN_HLEN)) {
            untagged.lazySet(untagged.get() + 1);
        }
    }

    /** Sends {@code length} bytes of the scratch buffer, kicking a full ring a few times before dropping. */
    private boolean send(AfPacketPort out, int length) {
        for (int tries = 0; !out.send(scratch, 0, length); tries++) {
            if (tries == TX_RETRIES) {
                dropped.incrementAndGet();
                return false;
            }
            out.flush();
            Thread.onSpinWait();
        }
        return true;
    }

    /** Stops the forwarding thread and closes every port. Idempotent. */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            poll.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                throw new LabException("VLAN shim thread in " + host.netns() + " did not stop");
            }
        }
        closePorts();
    }

    private synchronized void closePorts() {
        for (AfPacketPort p : opened) {
            poll.remove(p);
            p.close();
        }
        opened.clear();
        poll.close();
    }
}
