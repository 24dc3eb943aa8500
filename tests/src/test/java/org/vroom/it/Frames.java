package org.vroom.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Hand-built Ethernet/IPv4 frames for the malformed-input test, written independently of the router's
 * codecs (a test must not build its inputs with the code it checks). Addresses are dotted strings and
 * MACs {@code aa:bb:cc:dd:ee:ff}; a frame is a byte array starting at the destination MAC.
 */
final class Frames {
    static final int ETH_HLEN = 14;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int IP_HLEN = 20;
    static final int UDP_HLEN = 8;

    private Frames() {
    }

    static byte[] mac(String text) {
        String[] p = text.split(":");
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(p[i], 16);
        }
        return m;
    }

    static byte[] ip(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(p[i]);
        }
        return a;
    }

    /**
     * A valid untagged IPv4/UDP frame: TTL 64, DF clear, the header checksum right, {@code payload}
     * bytes of zeros after the UDP header (UDP checksum 0: none).
     */
    static byte[] udp(String dstMac, String srcMac, String src, String dst, int payload) {
        int ipLength = IP_HLEN + UDP_HLEN + payload;
        ByteBuffer b = ByteBuffer.allocate(ETH_HLEN + ipLength).order(ByteOrder.BIG_ENDIAN);
        b.put(mac(dstMac)).put(mac(srcMac)).putShort((short) ETHERTYPE_IPV4);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength);
        b.putShort((short) 0x1234).putShort((short) 0);
        b.put((byte) 64).put((byte) 17).putShort((short) 0);
        b.put(ip(src)).put(ip(dst));
        b.putShort((short) 40000).putShort((short) 9).putShort((short) (UDP_HLEN + payload)).putShort((short) 0);
        byte[] f = b.array();
        fixChecksum(f);
        return f;
    }

    /** Recomputes the IPv4 header checksum over the header length the IHL field says (at least 20). */
    static byte[] fixChecksum(byte[] f) {
        int ihl = Math.max(IP_HLEN, (f[ETH_HLEN] & 0x0F) * 4);
        ihl = Math.min(ihl, f.length - ETH_HLEN);
        f[ETH_HLEN + 10] = 0;
        f[ETH_HLEN + 11] = 0;
        int c = checksum(f, ETH_HLEN, ihl);
        f[ETH_HLEN + 10] = (byte) (c >>> 8);
        f[ETH_HLEN + 11] = (byte) c;
        return f;
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes at {@code offset}. */
    static int checksum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((b[offset + i] & 0xFF) << 8) | (b[offset + i + 1] & 0xFF);
        }
        if ((length & 1) != 0) {
            sum += (b[offset + length - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** A copy with the IPv4 total length set to {@code totalLength} (checksum fixed). */
    static byte[] withTotalLength(byte[] f, int totalLength) {
        byte[] c = f.clone();
        c[ETH_HLEN + 2] = (byte) (totalLength >>> 8);
        c[ETH_HLEN + 3] = (byte) totalLength;
        return fixChecksum(c);
    }

    /** A copy with the version/IHL byte set (checksum fixed over what the new IHL covers, or 20 bytes). */
    static byte[] withVersionIhl(byte[] f, int version, int ihl) {
        byte[] c = f.clone();
        c[ETH_HLEN] = (byte) (version << 4 | ihl);
        return fixChecksum(c);
    }

    /** A copy with a wrong header checksum. */
    static byte[] withBadChecksum(byte[] f) {
        byte[] c = f.clone();
        c[ETH_HLEN + 11] ^= 0x5A;
        return c;
    }

    /** A copy with another source address (checksum fixed). */
    static byte[] withSource(byte[] f, String src) {
        byte[] c = f.clone();
        System.arraycopy(ip(src), 0, c, ETH_HLEN + 12, 4);
        return fixChecksum(c);
    }

    /** A copy with another destination address (checksum fixed). */
    static byte[] withDestination(byte[] f, String dst) {
        byte[] c = f.clone();
        System.arraycopy(ip(dst), 0, c, ETH_HLEN + 16, 4);
        return fixChecksum(c);
    }

    /** The first {@code length} bytes. */
    static byte[] truncated(byte[] f, int length) {
        return Arrays.copyOf(f, length);
    }

    /** A copy with another EtherType. */
    static byte[] withEtherType(byte[] f, int etherType) {
        byte[] c = f.clone();
        c[12] = (byte) (etherType >>> 8);
        c[13] = (byte) etherType;
        return c;
    }

    /** A copy with another destination MAC. */
    static byte[] withDestinationMac(byte[] f, String dstMac) {
        byte[] c = f.clone();
        System.arraycopy(mac(dstMac), 0, c, 0, 6);
        return c;
    }

    /** A copy with an 802.1Q tag for {@code vlan} inserted after the MACs. */
    static byte[] tagged(byte[] f, int vlan) {
        byte[] c = new byte[f.length + 4];
        System.arraycopy(f, 0, c, 0, 12);
        c[12] = (byte) (ETHERTYPE_VLAN >>> 8);
        c[13] = (byte) ETHERTYPE_VLAN;
        c[14] = (byte) (vlan >>> 8);
        c[15] = (byte) vlan;
        System.arraycopy(f, 12, c, 16, f.length - 12);
        return c;
    }

    // ------------------------------------------------------------------ ARP and ICMP echo

    static final int ETHERTYPE_ARP = 0x0806;
    static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

    /** A broadcast ARP request: who has {@code targetIp}, tell {@code senderIp} at {@code srcMac}. */
    static byte[] arpRequest(String srcMac, String senderIp, String targetIp) {
        ByteBuffer b = ByteBuffer.allocate(ETH_HLEN + 28).order(ByteOrder.BIG_ENDIAN);
        b.put(mac(BROADCAST)).put(mac(srcMac)).putShort((short) ETHERTYPE_ARP);
        b.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(mac(srcMac)).put(ip(senderIp)).put(new byte[6]).put(ip(targetIp));
        return b.array();
    }

    /** An ICMP echo request with {@code payload} bytes of data, TTL {@code ttl}, checksums right. */
    static byte[] echoRequest(String dstMac, String srcMac, String src, String dst, int id, int seq, int ttl,
                              int payload) {
        int icmpLength = 8 + payload;
        int ipLength = IP_HLEN + icmpLength;
        ByteBuffer b = ByteBuffer.allocate(ETH_HLEN + ipLength).order(ByteOrder.BIG_ENDIAN);
        b.put(mac(dstMac)).put(mac(srcMac)).putShort((short) ETHERTYPE_IPV4);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength);
        b.putShort((short) seq).putShort((short) 0);
        b.put((byte) ttl).put((byte) 1).putShort((short) 0);
        b.put(ip(src)).put(ip(dst));
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq);
        for (int i = 0; i < payload; i++) {
            b.put((byte) i);
        }
        byte[] f = b.array();
        int c = checksum(f, ETH_HLEN + IP_HLEN, icmpLength);
        f[ETH_HLEN + IP_HLEN + 2] = (byte) (c >>> 8);
        f[ETH_HLEN + IP_HLEN + 3] = (byte) c;
        return fixChecksum(f);
    }

    /** The 802.1Q VLAN id of a frame, or -1 when it is untagged. */
    static int vlan(byte[] f) {
        return f.length >= 18 && u16(f, 12) == ETHERTYPE_VLAN ? u16(f, 14) & 0x0FFF : -1;
    }

    /** The frame without its 802.1Q tag (the frame itself when untagged). */
    static byte[] untagged(byte[] f) {
        if (vlan(f) < 0) {
            return f;
        }
        byte[] c = new byte[f.length - 4];
        System.arraycopy(f, 0, c, 0, 12);
        System.arraycopy(f, 16, c, 12, f.length - 16);
        return c;
    }

    static int etherType(byte[] untagged) {
        return u16(untagged, 12);
    }

    static String sourceMac(byte[] f) {
        return formatMac(f, 6);
    }

    /** True for an ARP reply (in an untagged view) saying {@code senderIp} is at some MAC. */
    static boolean isArpReplyFrom(byte[] u, String senderIp) {
        return u.length >= ETH_HLEN + 28 && etherType(u) == ETHERTYPE_ARP && u16(u, ETH_HLEN + 6) == 2
                && Arrays.equals(Arrays.copyOfRange(u, ETH_HLEN + 14, ETH_HLEN + 18), ip(senderIp));
    }

    /** The sender hardware address of an ARP packet (untagged view). */
    static String arpSenderMac(byte[] u) {
        return formatMac(u, ETH_HLEN + 8);
    }

    /** True for an ICMP echo reply (untagged view) from {@code src} with identifier {@code id}. */
    static boolean isEchoReplyFrom(byte[] u, String src, int id) {
        if (u.length < ETH_HLEN + IP_HLEN + 8 || etherType(u) != ETHERTYPE_IPV4 || u[ETH_HLEN + 9] != 1) {
            return false;
        }
        int ihl = (u[ETH_HLEN] & 0x0F) * 4;
        int icmp = ETH_HLEN + ihl;
        return Arrays.equals(Arrays.copyOfRange(u, ETH_HLEN + 12, ETH_HLEN + 16), ip(src))
                && u.length >= icmp + 8 && u[icmp] == 0 && u16(u, icmp + 4) == id;
    }

    /** True for an ICMP echo request (untagged view) to {@code dst}. */
    static boolean isEchoRequestTo(byte[] u, String dst) {
        if (u.length < ETH_HLEN + IP_HLEN + 8 || etherType(u) != ETHERTYPE_IPV4 || u[ETH_HLEN + 9] != 1) {
            return false;
        }
        int icmp = ETH_HLEN + (u[ETH_HLEN] & 0x0F) * 4;
        return Arrays.equals(Arrays.copyOfRange(u, ETH_HLEN + 16, ETH_HLEN + 20), ip(dst))
                && u.length > icmp && u[icmp] == 8;
    }

    /** The IPv4 total length (untagged view). */
    static int ipTotalLength(byte[] u) {
        return u16(u, ETH_HLEN + 2);
    }

    /** The IPv4 TTL (untagged view). */
    static int ttl(byte[] u) {
        return u[ETH_HLEN + 8] & 0xFF;
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 8 | (b[offset + 1] & 0xFF);
    }

    private static String formatMac(byte[] b, int offset) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", b[offset + i] & 0xFF));
        }
        return s.toString();
    }
}
