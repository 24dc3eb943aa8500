package org.vroom.netstack.udp;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.codec.InternetChecksum;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.Registration;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.UdpHandler;
import org.vroom.vr.spi.UdpSocket;
import org.vroom.vr.spi.UdpStack;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;

/**
 * One VR's UDP (RFC 768). Per datagram: no allocation, no lock. VR loop only.
 */
public final class UdpHost implements UdpStack, AutoCloseable {
    private static final int HEADER = 8;
    private static final int MAX_DATAGRAM = 65_535;
    private static final int IP = Ipv4Flyweight.MIN_HEADER_LENGTH;

    private final VrContext ctx;
    /** Port to the socket bound to all addresses. */
    private final Int2ObjectHashMap<Socket> wildcard = new Int2ObjectHashMap<>();
    /** (address, port) to the socket bound to that address. */
    private final Long2ObjectHashMap<Socket> specific = new Long2ObjectHashMap<>();
    /** Where datagrams are built: allocated on the first send (most VRs never send UDP). */
    private UnsafeBuffer out;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Counter rxDelivered;
    private final Counter rxNoSocket;
    private final Counter rxMalformed;
    private final Counter rxBadChecksum;
    private final Counter txSent;
    private final Counter txFailed;
    private Registration registration;
    private int bound;
    private int identification;

    public UdpHost(VrContext ctx) {
        this.ctx = ctx;
        rxDelivered = ctx.counter("udp.rx.delivered");
        rxNoSocket = ctx.counter("udp.rx.no-socket");
        rxMalformed = ctx.counter("udp.rx.malformed");
        rxBadChecksum = ctx.counter("udp.rx.bad-checksum");
        txSent = ctx.counter("udp.tx.sent");
        txFailed = ctx.counter("udp.tx.failed");
    }

    @Override
    public UdpSocket bind(int localAddress, int port, UdpHandler handler) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("UDP port " + port + " is out of range 1..65535");
        }
        if (handler == null) {
            throw new IllegalArgumentException("a UDP socket needs a handler");
        }
        if (localAddress != 0 && ctx.interfaceByAddress(localAddress) == null) {
            throw new IllegalArgumentException(Ipv4Addresses.format(localAddress) + " is not an address of VR "
                    + ctx.vrName());
        }
        if (wildcard.containsKey(port) || (localAddress == 0 ? anySpecific(port) : specific.containsKey(key(localAddress, port)))) {
            throw new IllegalStateException("VR " + ctx.vrName() + ": UDP port " + port + " is bound already");
        }
        Socket s = new Socket(localAddress, port, handler);
        if (localAddress == 0) {
            wildcard.put(port, s);
        } else {
            specific.put(key(localAddress, port), s);
        }
        if (bound++ == 0) {
            registration = ctx.registerProtocol(Ipv4Flyweight.PROTOCOL_UDP, this::onIpPacket);
        }
        return s;
    }

    private boolean anySpecific(int port) {
        for (Socket s : specific.values()) {
            if (s.port == port) {
                return true;
            }
        }
        return false;
    }

    private static long key(int address, int port) {
        return (address & 0xFFFF_FFFFL) << 16 | port;
    }

    private void unbind(Socket s) {
        if (s.localAddress == 0) {
            wildcard.remove(s.port);
        } else {
            specific.remove(key(s.localAddress, s.port));
        }
        if (--bound == 0 && registration != null) {
            registration.close();
            registration = null;
        }
    }

    private void onIpPacket(int ifIndex, DirectBuffer buffer, int offset, int length) {
        ip.wrap(buffer, offset, length);
        if (ip.validate() != org.vroom.packetio.codec.ValidationResult.OK || ip.isFragment()) {
            rxMalformed.increment();
            return;
        }
        int u = ip.payloadOffset();
        int available = ip.payloadLength();
        if (available < HEADER) {
            rxMalformed.increment();
            return;
        }
        int udpLength = buffer.getShort(u + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (udpLength < HEADER || udpLength > available) {
            rxMalformed.increment();
            return;
        }
        int checksum = buffer.getShort(u + 6, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (checksum != 0) {
            int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum(ip.source(), ip.destination(),
                    Ipv4Flyweight.PROTOCOL_UDP, udpLength), InternetChecksum.sum(buffer, u, udpLength));
            if (InternetChecksum.complement(sum) != 0) {
                rxBadChecksum.increment();
                return;
            }
        }
        int destination = ip.destination();
        int port = buffer.getShort(u + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        Socket s = specific.isEmpty() ? null : specific.get(key(destination, port));
        if (s == null) {
            s = wildcard.get(port);
        }
        if (s == null) {
            rxNoSocket.increment();
            return;
        }
        rxDelivered.increment();
        s.handler.onDatagram(s, ifIndex, ip.source(), buffer.getShort(u, ByteOrder.BIG_ENDIAN) & 0xFFFF, destination,
                buffer, u + HEADER, udpLength - HEADER);
    }

    /** Builds the datagram in {@code out} and hands it to the VR. */
    private SendStatus send(int ifIndex, int nextHop, int source, int sourcePort, int destination, int destinationPort,
                            int ttl, DirectBuffer data, int offset, int length) {
        if (length < 0 || length > MAX_DATAGRAM - IP - HEADER) {
            txFailed.increment();
            return SendStatus.TOO_BIG;
        }
        int udpLength = HEADER + length;
        if (out == null) {
            out = new UnsafeBuffer(new byte[IP + HEADER + MAX_DATAGRAM]);
        }
        out.putShort(IP, (short) sourcePort, ByteOrder.BIG_ENDIAN);
        out.putShort(IP + 2, (short) destinationPort, ByteOrder.BIG_ENDIAN);
        out.putShort(IP + 4, (short) udpLength, ByteOrder.BIG_ENDIAN);
        out.putShort(IP + 6, (short) 0);
        out.putBytes(IP + HEADER, data, offset, length);
        int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum(source, destination, Ipv4Flyweight.PROTOCOL_UDP,
                udpLength), InternetChecksum.sum(out, IP, udpLength));
        int c = InternetChecksum.complement(sum);
        out.putShort(IP + 6, (short) (c == 0 ? 0xFFFF : c), ByteOrder.BIG_ENDIAN);
        Ipv4Flyweight.writeHeader(out, 0, 0, IP + udpLength, ++identification & 0xFFFF, 0, ttl,
                Ipv4Flyweight.PROTOCOL_UDP, source, destination);
        SendStatus status = ctx.sendIp(ifIndex, nextHop, out, 0, IP + udpLength);
        (status == SendStatus.SENT || status == SendStatus.QUEUED ? txSent : txFailed).increment();
        return status;
    }

    /** Unbinds every socket (the VR is destroyed). */
    @Override
    public void close() {
        wildcard.clear();
        specific.clear();
        bound = 0;
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    private final class Socket implements UdpSocket {
        final int localAddress;
        final int port;
        final UdpHandler handler;
        boolean closed;

        Socket(int localAddress, int port, UdpHandler handler) {
            this.localAddress = localAddress;
            this.port = port;
            this.handler = handler;
        }

        @Override
        public int localAddress() {
            return localAddress;
        }

        @Override
        public int localPort() {
            return port;
        }

        @Override
        public SendStatus send(int remoteAddress, int remotePort, DirectBuffer buffer, int offset, int length) {
            if (closed) {
                return SendStatus.NOT_RUNNING;
            }
            VrInterface route = localAddress != 0 ? null : ctx.routeInterface(remoteAddress);
            int source = localAddress != 0 ? localAddress : route == null ? 0 : route.address();
            if (source == 0) {
                txFailed.increment();
                return SendStatus.NO_ROUTE;
            }
            return UdpHost.this.send(VrContext.ROUTE_BY_DESTINATION, 0, source, port, remoteAddress, remotePort, 64,
                    buffer, offset, length);
        }

        @Override
        public SendStatus sendOn(int ifIndex, int remoteAddress, int remotePort, int ttl, DirectBuffer buffer, int offset,
                                 int length) {
            if (closed) {
                return SendStatus.NOT_RUNNING;
            }
            VrInterface out = ctx.interfaceByIndex(ifIndex);
            if (out == null) {
                txFailed.increment();
                return SendStatus.NO_INTERFACE;
            }
            return UdpHost.this.send(ifIndex, remoteAddress, out.address(), port, remoteAddress, remotePort, ttl,
                    buffer, offset, length);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                unbind(this);
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }
}
