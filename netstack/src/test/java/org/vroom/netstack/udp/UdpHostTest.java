package org.vroom.netstack.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.InterfaceConfig;
import org.vroom.vr.VirtualRouter;
import org.vroom.vr.VrConfig;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.UdpSocket;
import org.vroom.vr.testkit.SimNetwork;

/** Two VRs on one simulated link exchange UDP: unicast, broadcast, binding rules, malformed input. */
class UdpHostTest {
    static final int A = Ipv4Addresses.parse("10.0.0.1");
    static final int B = Ipv4Addresses.parse("10.0.0.2");

    private SimNetwork net;
    private UdpHost a;
    private UdpHost b;
    private final List<String> received = new ArrayList<>();

    @BeforeEach
    void setUp() {
        net = new SimNetwork(7);
        VirtualRouter ra = net.addRouter(VrConfig.of(1, "a", List.of(InterfaceConfig.of("eth0", A, 24)), List.of()));
        VirtualRouter rb = net.addRouter(VrConfig.of(2, "b", List.of(InterfaceConfig.of("eth0", B, 24)), List.of()));
        ra.start();
        rb.start();
        net.link("a", "eth0", "b", "eth0");
        a = new UdpHost(ra.context());
        b = new UdpHost(rb.context());
        net.host("a").setUdp(a);
        net.host("b").setUdp(b);
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    private static UnsafeBuffer text(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    private UdpSocket bindRecording(UdpHost host, int address, int port) {
        return host.bind(address, port, (socket, ifIndex, source, sourcePort, destination, buffer, offset, length) ->
                received.add(Ipv4Addresses.format(source) + ":" + sourcePort + " -> " + Ipv4Addresses.format(destination)
                        + ":" + socket.localPort() + " if" + ifIndex + " " + buffer.getStringWithoutLengthAscii(offset, length)));
    }

    @Test
    void datagramsGoBothWaysWithTheirPortsAndAddresses() {
        UdpSocket sa = bindRecording(a, 0, 5000);
        UdpSocket sb = bindRecording(b, B, 6000);
        UnsafeBuffer hello = text("hello");
        SendStatus st = sa.send(B, 6000, hello, 0, 5);
        assertTrue(st == SendStatus.SENT || st == SendStatus.QUEUED, st.toString());
        net.runUntilIdle();
        UnsafeBuffer back = text("back");
        sb.send(A, 5000, back, 0, 4);
        net.runUntilIdle();
        assertTrue(received.contains("10.0.0.1:5000 -> 10.0.0.2:6000 if0 hello"), received.toString());
        assertTrue(received.contains("10.0.0.2:6000 -> 10.0.0.1:5000 if0 back"), received.toString());
    }

    @Test
    void broadcastReachesAWildcardSocketAndTheSourceIsTheInterface() {
        bindRecording(b, 0, 520);
        UdpSocket sa = bindRecording(a, 0, 520);
        sa.sendOn(0, Ipv4Addresses.parse("255.255.255.255"), 520, 1, text("rip"), 0, 3);
        net.runUntilIdle();
        assertEquals(List.of("10.0.0.1:520 -> 255.255.255.255:520 if0 rip"), received);
    }

    @Test
    void bindingRules() {
        UdpSocket s = bindRecording(a, 0, 7000);
        assertThrows(IllegalStateException.class, () -> bindRecording(a, A, 7000), "port taken by the wildcard");
        assertThrows(IllegalArgumentException.class, () -> bindRecording(a, B, 7001), "not our address");
        assertThrows(IllegalArgumentException.class, () -> bindRecording(a, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> bindRecording(a, 0, 70_000));
        s.close();
        assertTrue(s.isClosed());
        UdpSocket again = bindRecording(a, A, 7000);
        assertFalse(again.isClosed());
        assertEquals(SendStatus.NOT_RUNNING, s.send(B, 1, text("x"), 0, 1));
    }

    @Test
    void unboundPortsBadChecksumsAndShortDatagramsAreCountedNotThrown() {
        bindRecording(b, 0, 6000);
        UdpSocket sa = bindRecording(a, 0, 5000);
        sa.send(B, 6001, text("nobody"), 0, 6);
        net.runUntilIdle();
        assertTrue(received.isEmpty());
        assertEquals(1, counter("b", "udp.rx.no-socket"));
        // hand-made datagrams through the raw SPI: a wrong checksum, a length beyond the packet
        UnsafeBuffer d = new UnsafeBuffer(new byte[40]);
        for (int variant = 0; variant < 2; variant++) {
            Ipv4Flyweight.writeHeader(d, 0, 0, 28 + 4, 1, 0, 64, Ipv4Flyweight.PROTOCOL_UDP, A, B);
            d.putShort(20, (short) 5000, ByteOrder.BIG_ENDIAN);
            d.putShort(22, (short) 6000, ByteOrder.BIG_ENDIAN);
            d.putShort(24, (short) (variant == 0 ? 12 : 200), ByteOrder.BIG_ENDIAN);
            d.putShort(26, (short) 0x1234, ByteOrder.BIG_ENDIAN);
            d.putInt(28, 0x41424344);
            net.router("a").context().sendIp(0, B, d, 0, 32);
        }
        net.runUntilIdle();
        assertTrue(received.isEmpty(), received.toString());
        assertEquals(1, counter("b", "udp.rx.bad-checksum"));
        assertEquals(1, counter("b", "udp.rx.malformed"));
    }

    private long counter(String vr, String name) {
        return net.host(vr).counter("vr." + name, -1);
    }
}
