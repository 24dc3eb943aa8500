package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vroom.vr.loop.TimerHandle;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.InterfaceListener;
import org.vroom.vr.spi.IpProtocolHandler;
import org.vroom.vr.spi.Registration;
import org.vroom.vr.spi.ResourceScope;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpConnectionHandler;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpStack;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.B;

/**
 * The per-segment path allocates nothing: two stacks wired back to back through a preallocated queue
 * (no SimHost copies), a steady exchange of data and ACKs, MD5 signing on, measured with the thread's
 * allocation counter after a warm-up.
 */
class NoAllocationTest {
    /** Datagrams in flight between the two stacks, copied into preallocated slots. */
    static final class Wire {
        final UnsafeBuffer[] slots = new UnsafeBuffer[4096];
        final int[] lengths = new int[4096];
        final WiredContext[] to = new WiredContext[4096];
        int head;
        int tail;

        Wire() {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new UnsafeBuffer(new byte[2048]);
            }
        }

        void offer(WiredContext destination, DirectBuffer b, int offset, int length) {
            int i = tail++ & (slots.length - 1);
            slots[i].putBytes(0, b, offset, length);
            lengths[i] = length;
            to[i] = destination;
        }

        int drain() {
            int n = 0;
            while (head != tail) {
                int i = head++ & (slots.length - 1);
                to[i].handler.onIpPacket(0, slots[i], 0, lengths[i]);
                n++;
            }
            return n;
        }
    }

    /** A VR context that hands sent datagrams to the wire; everything else is the real VR's. */
    static final class WiredContext implements VrContext {
        final VrContext vr;
        final Wire wire;
        WiredContext peer;
        IpProtocolHandler handler;

        WiredContext(VrContext vr, Wire wire) {
            this.vr = vr;
            this.wire = wire;
        }

        @Override
        public SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
            wire.offer(peer, buffer, offset, length);
            return SendStatus.SENT;
        }

        @Override
        public Registration registerProtocol(int ipProtocol, IpProtocolHandler h) {
            this.handler = h;
            return () -> handler = null;
        }

        @Override public int vrId() { return vr.vrId(); }
        @Override public String vrName() { return vr.vrName(); }
        @Override public List<VrInterface> interfaces() { return vr.interfaces(); }
        @Override public VrInterface interfaceByIndex(int ifIndex) { return vr.interfaceByIndex(ifIndex); }
        @Override public VrInterface interfaceByName(String name) { return vr.interfaceByName(name); }
        @Override public Registration addInterfaceListener(InterfaceListener l) { return vr.addInterfaceListener(l); }
        @Override public TcpStack tcp() { return vr.tcp(); }
        @Override public org.vroom.vr.spi.UdpStack udp() { return vr.udp(); }
        @Override public TimerHandle schedule(long delayNanos, Runnable task) { return vr.schedule(delayNanos, task); }
        @Override public void execute(Runnable task) { vr.execute(task); }
        @Override public long nanoTime() { return vr.nanoTime(); }
        @Override public RandomGenerator random() { return vr.random(); }
        @Override public Rib rib() { return vr.rib(); }
        @Override public Counter counter(String name) { return vr.counter(name); }
        @Override public System.Logger logger() { return vr.logger(); }
        @Override public ResourceScope scope() { return vr.scope(); }
    }

    /** Echoes nothing, consumes everything, writes a fixed message per message received. */
    static final class Pinger implements TcpConnectionHandler {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[4096]);
        TcpConnection connection;
        long received;

        @Override
        public int onData(TcpConnection c, DirectBuffer buffer, int offset, int length) {
            received += length;
            return length;
        }

        @Override
        public void onConnected(TcpConnection c) {
            connection = c;
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSteadyExchangeAllocatesNothingPerSegment(boolean md5) {
        try (TcpTestBed bed = new TcpTestBed(1)) {
            Wire wire = new Wire();
            WiredContext ca = new WiredContext(bed.vr("a").context(), wire);
            WiredContext cb = new WiredContext(bed.vr("b").context(), wire);
            ca.peer = cb;
            cb.peer = ca;
            TcpHost a = new TcpHost(ca, bed.options);
            TcpHost b = new TcpHost(cb, bed.options);
            TcpOptions options = (md5 ? TcpOptions.DEFAULT.withMd5Key("key".getBytes()) : TcpOptions.DEFAULT)
                    .withDelayedAck(false);
            Pinger server = new Pinger();
            b.listen(0, 179, options, c -> server);
            Pinger client = new Pinger();
            a.connect(0, B, 179, options, client);
            wire.drain();
            assertTrue(client.connection != null && server.connection != null, "connected");

            Runnable round = () -> {
                for (int i = 0; i < 1000; i++) {
                    client.connection.write(client.message, 0, 1000 + (i % 7) * 400);
                    server.connection.write(server.message, 0, 100 + (i % 3) * 1000);
                    wire.drain();
                }
            };
            for (int warm = 0; warm < 20; warm++) {
                round.run();
            }
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long segmentsBefore = a.counter(TcpCounter.TX_SEGMENTS) + b.counter(TcpCounter.TX_SEGMENTS);
            long before = threads.getCurrentThreadAllocatedBytes();
            long started = System.nanoTime();
            for (int r = 0; r < 10; r++) {
                round.run();
            }
            long elapsed = System.nanoTime() - started;
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long segments = a.counter(TcpCounter.TX_SEGMENTS) + b.counter(TcpCounter.TX_SEGMENTS) - segmentsBefore;
            assertTrue(segments > 20_000, "segments exchanged: " + segments);
            // a figure, not an assertion (shared machine): both stacks' work per segment, MD5 included
            System.out.printf("{\"figure\":\"tcp-segment-ns\",\"md5\":%b,\"segments\":%d,\"ns_per_segment\":%d,"
                    + "\"payload_mb_per_s\":%d}%n", md5, segments, elapsed / segments,
                    (server.received + client.received) * 1000 / Math.max(1, elapsed));
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + segments + " segments");
            assertEquals(0, a.counter(TcpCounter.RETRANSMITTED_SEGMENTS));
            assertTrue(server.received > 10_000_000L);
        }
    }
}
