package org.vroom.kernel.dataplane;

import org.agrona.MutableDirectBuffer;
import org.vroom.packetio.codec.InternetChecksum;
import org.vroom.packetio.codec.Ipv4Flyweight;

import java.nio.ByteOrder;

/**
 * Completes a TCP/UDP checksum that a Linux sender left for "hardware" to finish (CHECKSUM_PARTIAL:
 * veth and other virtual devices hand such frames to AF_PACKET with only the pseudo-header sum in the
 * checksum field). A router that forwards them in user space must finish the sum, as the kernel's
 * {@code skb_checksum_help} does, or the receiver drops them. The field already holds the folded
 * pseudo-header sum, so the answer is the complement of the sum over the whole transport segment.
 */
public final class PartialChecksum {
    private static final int TCP_CHECKSUM_OFFSET = 16;
    private static final int UDP_CHECKSUM_OFFSET = 6;

    private PartialChecksum() {
    }

    /** Finishes the checksum of the (validated, unfragmented) datagram in {@code ip}; false if not TCP/UDP. */
    public static boolean complete(Ipv4Flyweight ip) {
        if (ip.isFragment()) {
            return false;
        }
        int field;
        int protocol = ip.protocol();
        if (protocol == Ipv4Flyweight.PROTOCOL_TCP) {
            field = TCP_CHECKSUM_OFFSET;
        } else if (protocol == Ipv4Flyweight.PROTOCOL_UDP) {
            field = UDP_CHECKSUM_OFFSET;
        } else {
            return false;
        }
        int l4 = ip.payloadOffset();
        int length = ip.totalLength() - ip.headerLength();
        if (length < field + 2) {
            return false;
        }
        MutableDirectBuffer b = (MutableDirectBuffer) ip.buffer();
        int sum = ~InternetChecksum.sum(b, l4, length) & 0xFFFF;
        if (sum == 0 && protocol == Ipv4Flyweight.PROTOCOL_UDP) {
            sum = 0xFFFF; // 0 means "no checksum" in UDP
        }
        b.putShort(l4 + field, (short) sum, ByteOrder.BIG_ENDIAN);
        return true;
    }
}
