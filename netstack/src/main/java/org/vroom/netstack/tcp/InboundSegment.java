package org.vroom.netstack.tcp;

import org.agrona.DirectBuffer;
import org.vroom.packetio.codec.InternetChecksum;

import java.nio.ByteOrder;

/**
 * One received segment, parsed in place: the IPv4 fields TCP needs, the TCP header and the options
 * this stack reads (MSS, window scale, MD5 signature). Reused for every segment; {@link #parse} never
 * throws and never reads outside {@code [offset, offset + length)}.
 */
final class InboundSegment {
    DirectBuffer buffer;
    int ifIndex;
    int source;
    int destination;
    int ttl;
    /** Offset of the TCP header in {@link #buffer}. */
    int tcpOffset;
    /** TCP header plus data. */
    int tcpLength;
    int headerLength;
    int sourcePort;
    int destinationPort;
    int seq;
    int ack;
    int flags;
    /** The raw 16-bit window field. */
    int window;
    int payloadOffset;
    int payloadLength;
    /** MSS option, or -1. */
    int mss;
    /** Window scale option (shift, not yet clamped), or -1. */
    int windowScale;
    /** Offset of the 16-byte MD5 digest in {@link #buffer}, or -1. */
    int md5Offset;

    /** Parses a whole IPv4 datagram; returns null when the segment may be processed, else why it is dropped. */
    TcpCounter parse(int ifIndexValue, DirectBuffer buf, int offset, int length) {
        this.buffer = buf;
        this.ifIndex = ifIndexValue;
        if (length < TcpWire.IP_HEADER || offset < 0 || (long) offset + length > buf.capacity()) {
            return TcpCounter.RX_MALFORMED;
        }
        int versionIhl = buf.getByte(offset) & 0xFF;
        int ihl = (versionIhl & 0x0F) << 2;
        int totalLength = buf.getShort(offset + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((versionIhl >>> 4) != 4 || ihl < TcpWire.IP_HEADER || totalLength < ihl || totalLength > length) {
            return TcpCounter.RX_MALFORMED;
        }
        int fragment = buf.getShort(offset + 6, ByteOrder.BIG_ENDIAN) & 0x3FFF; // MF and the offset
        if (fragment != 0) {
            return TcpCounter.RX_FRAGMENT;
        }
        ttl = buf.getByte(offset + 8) & 0xFF;
        source = buf.getInt(offset + 12, ByteOrder.BIG_ENDIAN);
        destination = buf.getInt(offset + 16, ByteOrder.BIG_ENDIAN);
        tcpOffset = offset + ihl;
        tcpLength = totalLength - ihl;
        if (tcpLength < TcpWire.MIN_HEADER) {
            return TcpCounter.RX_MALFORMED;
        }
        headerLength = (buf.getByte(tcpOffset + TcpWire.DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
        if (headerLength < TcpWire.MIN_HEADER || headerLength > tcpLength) {
            return TcpCounter.RX_MALFORMED;
        }
        int sum = InternetChecksum.add(
                InternetChecksum.pseudoHeaderSum(source, destination, TcpWire.PROTOCOL_TCP, tcpLength),
                InternetChecksum.sum(buf, tcpOffset, tcpLength));
        if (sum != 0xFFFF) {
            return TcpCounter.RX_BAD_CHECKSUM;
        }
        sourcePort = buf.getShort(tcpOffset + TcpWire.SOURCE_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        destinationPort = buf.getShort(tcpOffset + TcpWire.DESTINATION_PORT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        seq = buf.getInt(tcpOffset + TcpWire.SEQ_OFFSET, ByteOrder.BIG_ENDIAN);
        ack = buf.getInt(tcpOffset + TcpWire.ACK_OFFSET, ByteOrder.BIG_ENDIAN);
        flags = buf.getByte(tcpOffset + TcpWire.FLAGS_OFFSET) & 0x3F;
        window = buf.getShort(tcpOffset + TcpWire.WINDOW_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        payloadOffset = tcpOffset + headerLength;
        payloadLength = tcpLength - headerLength;
        return parseOptions();
    }

    private TcpCounter parseOptions() {
        mss = -1;
        windowScale = -1;
        md5Offset = -1;
        int i = tcpOffset + TcpWire.OPTIONS_OFFSET;
        int end = tcpOffset + headerLength;
        while (i < end) {
            int kind = buffer.getByte(i) & 0xFF;
            if (kind == TcpWire.OPT_EOL) {
                break;
            }
            if (kind == TcpWire.OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return TcpCounter.RX_BAD_OPTION;
            }
            int len = buffer.getByte(i + 1) & 0xFF;
            if (len < 2 || i + len > end) {
                return TcpCounter.RX_BAD_OPTION;
            }
            switch (kind) {
                case TcpWire.OPT_MSS -> {
                    if (len != TcpWire.OPT_MSS_LENGTH) {
                        return TcpCounter.RX_BAD_OPTION;
                    }
                    mss = buffer.getShort(i + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                }
                case TcpWire.OPT_WINDOW_SCALE -> {
                    if (len != TcpWire.OPT_WINDOW_SCALE_LENGTH) {
                        return TcpCounter.RX_BAD_OPTION;
                    }
                    windowScale = buffer.getByte(i + 2) & 0xFF;
                }
                case TcpWire.OPT_MD5 -> {
                    if (len != TcpWire.OPT_MD5_LENGTH) {
                        return TcpCounter.RX_BAD_OPTION;
                    }
                    md5Offset = i + 2;
                }
                default -> {
                    // SACK-permitted, timestamps and the rest: not used
                }
            }
            i += len;
        }
        return null;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: data plus one each for SYN and FIN. */
    int seqLength() {
        return payloadLength + (flags & TcpWire.SYN) / TcpWire.SYN + (flags & TcpWire.FIN);
    }
}
