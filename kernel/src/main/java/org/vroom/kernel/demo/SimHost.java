package org.vroom.kernel.demo;

import org.agrona.BufferUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.PacketPort;
import org.vroom.packetio.RxBatch;
import org.vroom.packetio.codec.ArpFlyweight;
import org.vroom.packetio.codec.EthernetFlyweight;
import org.vroom.packetio.codec.IcmpFlyweight;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.packetio.codec.MacAddress;
import org.vroom.packetio.codec.UdpFlyweight;
import org.vroom.packetio.codec.ValidationResult;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal IPv4 host on a packet port, for the embedded demo and for in-memory tests: it answers ARP
 * and ICMP echo, resolves its gateway, sends pings and sequence-numbered UDP datagrams, and records
 * what it receives (echo replies with their TTL, ICMP errors with their source, UDP sequence numbers).
 * Single-threaded: whoever owns it calls {@link #poll()}.
 */
public final class SimHost {
    /** An ICMP message the host received: type, code, source address, and the TTL it arrived with. */
    public record Icmp(int type, int code, int source, int ttl, int sequence) {
    }

    private final String name;
    private final PacketPort port;
    private final long mac;
    private final int address;
    private final int prefixLength;
    private final int gateway;
    private final int vlan;
    private final Long2LongHashMap arp = new Long2LongHashMap(0L);
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private final RxBatch batch = new RxBatch(64);
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final ArpFlyweight arpFw = new ArpFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final List<Icmp> icmpReceived = new ArrayList<>();
    private long udpReceived;
    private long udpLastSequence = -1;
    private long udpReordered;
    private int identification;

    public SimHost(String name, PacketPort port, long mac, int address, int prefixLength, int gateway, int vlan) {
        this.name = name;
        this.port = port;
        this.mac = mac;
        this.address = address;
        this.prefixLength = prefixLength;
        this.gateway = gateway;
        this.vlan = vlan;
    }

    public String name() {
        return name;
    }

    public int address() {
        return address;
    }

    /** Processes received frames; returns how many. */
    public int poll() {
        int n = port.receive(batch);
        for (int i = 0; i < n; i++) {
            frame.wrap(batch.address(i), batch.length(i));
            onFrame(batch.length(i));
        }
        if (n > 0) {
            port.release();
        }
        port.flush();
        return n;
    }

    private void onFrame(int len) {
        eth.wrap(frame, 0, len);
        if (eth.validate() != ValidationResult.OK) {
            return;
        }
        long dmac = MacAddress.read(frame, EthernetFlyweight.DESTINATION_MAC_OFFSET);
        if (dmac != mac && !MacAddress.isBroadcast(dmac) && !MacAddress.isMulticast(dmac)) {
            return;
        }
        int l3 = eth.payloadOffset();
        if (eth.etherType() == EthernetFlyweight.ETHERTYPE_ARP) {
            arpFw.wrap(frame, l3, len - l3);
            if (arpFw.validate() != ValidationResult.OK) {
                return;
            }
            if (arpFw.senderIp() != 0) {
                arp.put(arpFw.senderIp(), arpFw.senderMac());
            }
            if (arpFw.isRequest() && arpFw.targetIp() == address) {
                int flen = ArpFlyweight.writeReplyFrame(out, 0, mac, vlan, address, arpFw.senderMac(), arpFw.senderIp());
                port.send(out, 0, flen);
            }
            drainWaiting();
            return;
        }
        if (eth.etherType() != EthernetFlyweight.ETHERTYPE_IPV4) {
            return;
        }
        ip.wrap(frame, l3, len - l3);
        if (ip.validate() == ValidationResult.OK && org.vroom.packetio.codec.Ipv4Addresses.isMulticast(ip.destination())) {
            if (dmac == MacAddress.ipv4Multicast(ip.destination())) {
                byte[] payload = new byte[ip.payloadLength()];
                frame.getBytes(ip.payloadOffset(), payload);
                multicastReceived.add(new Datagram(ip.source(), ip.destination(), ip.protocol(), ip.ttl(), payload));
            }
            return;
        }
        if (ip.validate() != ValidationResult.OK || ip.destination() != address) {
            return;
        }
        if (ip.protocol() == Ipv4Flyweight.PROTOCOL_ICMP) {
            icmp.wrap(frame, ip.payloadOffset(), ip.payloadLength());
            if (icmp.validate() != ValidationResult.OK) {
                return;
            }
            if (icmp.type() == IcmpFlyweight.TYPE_ECHO_REQUEST) {
                byte[] data = new byte[icmp.length() - IcmpFlyweight.HEADER_LENGTH];
                frame.getBytes(icmp.offset() + IcmpFlyweight.HEADER_LENGTH, data);
                sendEcho(IcmpFlyweight.TYPE_ECHO_REPLY, ip.source(), icmp.identifier(), icmp.sequence(), data, 64);
                return;
            }
            int seq = icmp.type() == IcmpFlyweight.TYPE_ECHO_REPLY ? icmp.sequence() : -1;
            icmpReceived.add(new Icmp(icmp.type(), icmp.code(), ip.source(), ip.ttl(), seq));
        } else if (ip.protocol() == Ipv4Flyweight.PROTOCOL_UDP) {
            udp.wrap(frame, ip.payloadOffset(), ip.payloadLength());
            if (udp.validate(ip.source(), ip.destination()) != ValidationResult.OK || udp.length() < UdpFlyweight.HEADER_LENGTH + 8) {
                return;
            }
            long seq = frame.getLong(udp.offset() + UdpFlyweight.HEADER_LENGTH, ByteOrder.BIG_ENDIAN);
            udpReceived++;
            if (seq < udpLastSequence) {
                udpReordered++;
            }
            udpLastSequence = Math.max(udpLastSequence, seq);
        }
    }

    /** Sends an ICMP echo request to {@code destination} with the given TTL. */
    public void ping(int destination, int sequence, int ttl) {
        sendEcho(IcmpFlyweight.TYPE_ECHO_REQUEST, destination, 0x7e57, sequence, new byte[32], ttl);
    }

    private void sendEcho(int type, int destination, int id, int seq, byte[] data, int ttl) {
        byte[] pkt = new byte[20 + 8 + data.length];
        UnsafeBuffer b = new UnsafeBuffer(pkt);
        int icmpLen = IcmpFlyweight.writeEcho(b, 20, type, id, seq, new UnsafeBuffer(data), 0, data.length);
        Ipv4Flyweight.writeHeader(b, 0, 0, 20 + icmpLen, ++identification & 0xFFFF, 0, ttl,
                Ipv4Flyweight.PROTOCOL_ICMP, address, destination);
        sendIp(pkt);
    }

    /** A multicast datagram this host received. */
    public record Datagram(int source, int destination, int protocol, int ttl, byte[] payload) {
    }

    private final List<Datagram> multicastReceived = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The multicast datagrams received so far (to a group, with the group's MAC). */
    public List<Datagram> multicastReceived() {
        return multicastReceived;
    }

    /** Sends {@code payload} as IP protocol {@code protocol} to multicast group {@code group}, TTL 1 (as OSPF does). */
    public void sendMulticast(int group, int protocol, byte[] payload) {
        byte[] pkt = new byte[20 + payload.length];
        UnsafeBuffer b = new UnsafeBuffer(pkt);
        b.putBytes(20, payload);
        Ipv4Flyweight.writeHeader(b, 0, 0xC0, pkt.length, ++identification & 0xFFFF, 0, 1, protocol, address, group);
        int h = EthernetFlyweight.writeHeader(out, 0, MacAddress.ipv4Multicast(group), mac, vlan,
                EthernetFlyweight.ETHERTYPE_IPV4);
        out.putBytes(h, pkt);
        port.send(out, 0, h + pkt.length);
        port.flush();
    }

    /** Sends a UDP datagram carrying a 64-bit sequence number (and {@code padding} more bytes). */
    public void sendUdp(int destination, int port, long sequence, int padding) {
        byte[] pkt = new byte[20 + 8 + 8 + padding];
        UnsafeBuffer b = new UnsafeBuffer(pkt);
        int udpLen = 8 + 8 + padding;
        b.putShort(20, (short) 40000, ByteOrder.BIG_ENDIAN);
        b.putShort(22, (short) port, ByteOrder.BIG_ENDIAN);
        b.putShort(24, (short) udpLen, ByteOrder.BIG_ENDIAN);
        b.putShort(26, (short) 0); // no UDP checksum
        b.putLong(28, sequence, ByteOrder.BIG_ENDIAN);
        Ipv4Flyweight.writeHeader(b, 0, 0, 20 + udpLen, ++identification & 0xFFFF, 0, 64,
                Ipv4Flyweight.PROTOCOL_UDP, address, destination);
        sendIp(pkt);
    }

    private void sendIp(byte[] pkt) {
        int dst = new UnsafeBuffer(pkt).getInt(Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        int hop = onLink(dst) ? dst : gateway;
        long dmac = arp.get(hop);
        if (dmac == 0L) {
            waiting.add(pkt);
            int flen = ArpFlyweight.writeRequestFrame(out, 0, mac, vlan, address, hop);
            port.send(out, 0, flen);
            port.flush();
            return;
        }
        int h = EthernetFlyweight.writeHeader(out, 0, dmac, mac, vlan, EthernetFlyweight.ETHERTYPE_IPV4);
        out.putBytes(h, pkt);
        port.send(out, 0, h + pkt.length);
        port.flush();
    }

    private void drainWaiting() {
        int n = waiting.size();
        for (int i = 0; i < n; i++) {
            byte[] pkt = waiting.poll();
            int dst = new UnsafeBuffer(pkt).getInt(Ipv4Flyweight.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
            if (arp.get(onLink(dst) ? dst : gateway) != 0L) {
                sendIp(pkt);
            } else {
                waiting.add(pkt);
            }
        }
    }

    private boolean onLink(int dst) {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return (dst & mask) == (address & mask);
    }

    public List<Icmp> icmpReceived() {
        return icmpReceived;
    }

    public long udpReceived() {
        return udpReceived;
    }

    public long udpReordered() {
        return udpReordered;
    }

    public long arpEntry(int ip) {
        return arp.get(ip);
    }
}
