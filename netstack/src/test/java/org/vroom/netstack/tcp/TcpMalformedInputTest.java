package org.vroom.netstack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.spi.TcpConnection;
import org.vroom.vr.spi.TcpOptions;
import org.vroom.vr.spi.TcpState;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vroom.netstack.tcp.TcpTestBed.A;
import static org.vroom.netstack.tcp.TcpTestBed.B;
import static org.vroom.netstack.tcp.TcpTestBed.SECOND;

/** Bad input is dropped and counted under its reason, never thrown; random input never breaks the stack. */
class TcpMalformedInputTest {
    final TcpTestBed bed = new TcpTestBed(81);

    @AfterEach
    void close() {
        bed.close();
    }

    private SegmentBuilder syn() {
        return new SegmentBuilder(A, 40000, B, 179).flags(TcpWire.SYN).seq(1000);
    }

    private void feed(byte[] d) {
        feed(d, d.length);
    }

    private void feed(byte[] d, int length) {
        byte[] padded = Arrays.copyOf(d, Math.max(d.length, length) + 8); // bytes past length must not be read
        bed.b.onIpPacket(0, new UnsafeBuffer(padded), 0, length);
    }

    private Map<TcpCounter, Long> counters() {
        Map<TcpCounter, Long> m = new EnumMap<>(TcpCounter.class);
        for (TcpCounter c : TcpCounter.values()) {
            m.put(c, bed.b.counter(c));
        }
        return m;
    }

    private void expect(TcpCounter reason, byte[] d) {
        expect(reason, d, d.length);
    }

    private void expect(TcpCounter reason, byte[] d, int length) {
        Map<TcpCounter, Long> before = counters();
        feed(d, length);
        Map<TcpCounter, Long> after = counters();
        for (TcpCounter c : TcpCounter.values()) {
            long delta = after.get(c) - before.get(c);
            long wanted = c == reason || c == TcpCounter.RX_SEGMENTS
                    || (reason == TcpCounter.PASSIVE_OPENS && c == TcpCounter.TX_SEGMENTS) ? 1 : 0;
            assertEquals(wanted, delta, c + " after a datagram meant to count as " + reason);
        }
    }

    @Test
    void eachDefectIsCountedUnderItsReason() {
        bed.b.listen(0, 179, TcpOptions.DEFAULT, new Endpoint("server"));
        byte[] ok = syn().build();

        expect(TcpCounter.RX_MALFORMED, ok, 19); // shorter than an IP header
        byte[] v6 = ok.clone();
        v6[0] = 0x65;
        expect(TcpCounter.RX_MALFORMED, v6);
        byte[] longer = ok.clone();
        new UnsafeBuffer(longer).putShort(2, (short) (ok.length + 1), ByteOrder.BIG_ENDIAN);
        expect(TcpCounter.RX_MALFORMED, longer); // total length beyond what arrived
        byte[] shortTcp = ok.clone();
        new UnsafeBuffer(shortTcp).putShort(2, (short) 39, ByteOrder.BIG_ENDIAN);
        expect(TcpCounter.RX_MALFORMED, shortTcp); // 19 bytes of TCP header

        byte[] lowOffset = ok.clone();
        lowOffset[32] = 0x40; // data offset 4
        SegmentBuilder.fixChecksum(lowOffset);
        expect(TcpCounter.RX_MALFORMED, lowOffset);
        byte[] highOffset = ok.clone();
        highOffset[32] = (byte) 0xF0; // 60-byte header in a 20-byte segment
        SegmentBuilder.fixChecksum(highOffset);
        expect(TcpCounter.RX_MALFORMED, highOffset);

        byte[] badSum = ok.clone();
        badSum[36] ^= 0x55;
        expect(TcpCounter.RX_BAD_CHECKSUM, badSum);

        expect(TcpCounter.RX_BAD_OPTION, syn().options((byte) 2, (byte) 12, (byte) 5, (byte) 180).build()); // overruns
        expect(TcpCounter.RX_BAD_OPTION, syn().options((byte) 2, (byte) 0, (byte) 0, (byte) 0).build()); // length 0
        expect(TcpCounter.RX_BAD_OPTION, syn().options((byte) 8, (byte) 1, (byte) 0, (byte) 0).build()); // length 1
        expect(TcpCounter.RX_BAD_OPTION, syn().options((byte) 2, (byte) 3, (byte) 5, (byte) 1).build()); // MSS length 3
        expect(TcpCounter.RX_BAD_OPTION, syn().options((byte) 1, (byte) 1, (byte) 1, (byte) 3).build()); // no length byte
        expect(TcpCounter.RX_BAD_OPTION, syn().options((byte) 19, (byte) 4, (byte) 0, (byte) 0).build()); // MD5 length 4

        byte[] fragment = ok.clone();
        fragment[6] = 0x20; // MF
        expect(TcpCounter.RX_FRAGMENT, fragment);
        byte[] toMulticast = new SegmentBuilder(A, 40000, Ipv4Addresses.parse("224.0.0.5"), 179).flags(TcpWire.SYN).build();
        expect(TcpCounter.RX_NOT_UNICAST, toMulticast);
        byte[] toBroadcast = new SegmentBuilder(A, 40000, Ipv4Addresses.parse("10.0.0.255"), 179).flags(TcpWire.SYN)
                .build();
        expect(TcpCounter.RX_NOT_UNICAST, toBroadcast);

        // an EOL ends the options: what follows is padding
        expect(TcpCounter.PASSIVE_OPENS, syn().options((byte) 0, (byte) 77, (byte) 77, (byte) 77).build());
        assertEquals(0, bed.b.counter(TcpCounter.RX_MD5_BAD));
    }

    @Test
    void segmentsWithoutAConnectionAreAnsweredPerRfc9293() {
        List<byte[]> sent = new ArrayList<>();
        bed.link.dropIf(d -> sent.add(d) && false);
        feed(new SegmentBuilder(A, 40000, B, 4444).flags(TcpWire.ACK).seq(5).ack(777).build());
        bed.run(SECOND / 100);
        assertEquals(1, sent.size());
        assertEquals(TcpWire.RST, SegmentBuilder.flagsOf(sent.get(0)), "an ACK gets <SEQ=SEG.ACK><CTL=RST>");
        assertEquals(777, SegmentBuilder.seqOf(sent.get(0)));
        feed(new SegmentBuilder(A, 40000, B, 4444).flags(TcpWire.SYN).seq(5).payload(new byte[10]).build());
        bed.run(SECOND / 100);
        assertEquals(TcpWire.RST | TcpWire.ACK, SegmentBuilder.flagsOf(sent.get(1)));
        assertEquals(5 + 10 + 1, SegmentBuilder.ackOf(sent.get(1)), "ACK = SEG.SEQ + SEG.LEN");
        feed(new SegmentBuilder(A, 40000, B, 4444).flags(TcpWire.RST).seq(5).build());
        bed.run(SECOND / 100);
        assertEquals(2, sent.size(), "a RST is never answered");
        assertEquals(3, bed.b.counter(TcpCounter.RX_NO_SOCKET));
    }

    @Test
    void randomlyMutatedSegmentsNeverThrowAndTheStackStillWorks() {
        Endpoint server = new Endpoint("server");
        bed.b.listen(0, 179, TcpOptions.DEFAULT, server);
        Endpoint client = new Endpoint("client");
        TcpConnection c = bed.a.connect(0, B, 179, TcpOptions.DEFAULT, client);
        assertTrue(bed.runUntil(() -> server.connected, SECOND));
        TcpConnection s = server.connection;
        List<byte[]> seeds = List.of(
                syn().options((byte) 2, (byte) 4, (byte) 5, (byte) 180, (byte) 1, (byte) 3, (byte) 3, (byte) 7).build(),
                new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.ACK | TcpWire.PSH).seq(s.rcvNxt())
                        .ack(s.sndNxt()).payload(new byte[100]).build(),
                new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.ACK | TcpWire.FIN).seq(s.rcvNxt())
                        .ack(s.sndNxt()).build(),
                new SegmentBuilder(A, c.localPort(), B, 179).flags(TcpWire.ACK).seq(s.rcvNxt()).ack(s.sndNxt())
                        .md5("k".getBytes()).build());
        SplittableRandom random = new SplittableRandom(81);
        int n = 100_000;
        long before = bed.b.counter(TcpCounter.RX_SEGMENTS);
        for (int i = 0; i < n; i++) {
            byte[] d = seeds.get(random.nextInt(seeds.size())).clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = random.nextInt(random.nextBoolean() ? d.length : Math.min(d.length, 60));
                d[at] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(8) == 0 ? random.nextInt(d.length + 1) : d.length;
            if (random.nextBoolean()) {
                SegmentBuilder.fixChecksum(d); // get past the checksum into the state machine
            }
            feed(d, length);
            if (i % 1000 == 0) {
                bed.run(SECOND / 10);
            }
        }
        long received = bed.b.counter(TcpCounter.RX_SEGMENTS) - before;
        assertTrue(received >= n && received < n + 20_000, "no ACK storm between the two ends: " + received);
        long dropped = 0;
        for (TcpCounter k : List.of(TcpCounter.RX_MALFORMED, TcpCounter.RX_BAD_OPTION, TcpCounter.RX_BAD_CHECKSUM,
                TcpCounter.RX_FRAGMENT, TcpCounter.RX_NOT_UNICAST)) {
            dropped += bed.b.counter(k);
        }
        assertTrue(dropped > n / 4 && dropped < n, "a good share is rejected at parsing: " + dropped);

        // still a working stack
        Endpoint late = new Endpoint("late").expect(8);
        bed.b.listen(0, 1790, TcpOptions.DEFAULT, late);
        Endpoint sender = new Endpoint("sender").send(8, 100_000);
        bed.a.connect(0, B, 1790, TcpOptions.DEFAULT, sender);
        assertTrue(bed.runUntil(() -> late.received == 100_000, 30 * SECOND));
        assertEquals(0, late.mismatches);
        assertTrue(c.state() == TcpState.ESTABLISHED || c.state() == TcpState.CLOSED || c.state().ordinal() > 4);
    }
}
