#!/usr/bin/env python3
"""Regenerates the codec byte vectors in good/ and bad/ (run from this directory).

The frames in CAPTURED were captured with tcpdump on a veth in a throwaway network namespace
(Linux 6.18, iputils ping, a Python UDP socket; TX checksum offload turned off with ethtool so
that the captured checksums are final). Frame numbers are those of that capture. Everything else
is derived from them here, with checksums computed by this script, independently of the Java code
under test. The Java tests only read the .hex files; this script is kept for provenance and to
extend the corpus.
"""
import os
import struct

CAPTURED = {
    1: (
        'ffffffffffff020000000a0108060001080006040001020000000a010a4d01010000000000000a4d01fe'
    ),
    2: (
        '020000000a01020000000afe08060001080006040002020000000afe0a4d01fe020000000a010a4d0101'
    ),
    3: (
        '020000000afe020000000a01080045000054c2444000400160cc0a4d01010a4d01fe0800e44d244c00017c59026b0000'
        '0000accd050000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435'
        '3637'
    ),
    4: (
        '020000000a01020000000afe0800450000540e6d0000400154a40a4d01fe0a4d01010000ec4d244c00017c59026b0000'
        '0000accd050000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435'
        '3637'
    ),
    5: (
        '020000000afe020000000a0108004f00007c7afc400040016a8c0a4d01010a4d0201010727080a4d0101000000000000'
        '00000000000000000000000000000000000000000000000000000800943e244d00017c59026b00000000fcdb05000000'
        '0000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637'
    ),
    6: (
        '020000000a01020000000afe08004f00007c429500003f0177ec0a4d02010a4d01010727180a4d01010a4d02fe0a4d02'
        '010a4d02010a4d01fe000000000000000000000000000000000000009c3e244d00017c59026b00000000fcdb05000000'
        '0000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637'
    ),
    7: (
        '020000000afe020000000a010800450000547afd40000101e7100a4d01010a4d020108009533244e00017c59026b0000'
        '0000fbe5050000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435'
        '3637'
    ),
    8: (
        '020000000a01020000000afe080045c000700e6e0000400153c70a4d01fe0a4d01010b00f4ff00000000450000547afd'
        '40000101e7100a4d01010a4d020108009533244e00017c59026b00000000fbe505000000000010111213141516171819'
        '1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637'
    ),
    9: (
        '020000000afe020000000a010800450005dcc245200040017b430a4d01010a4d01fe0800acb9244f00017c59026b0000'
        '000075ef050000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435'
        '363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465'
        '666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495'
        '969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5'
        'c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5'
        'f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425'
        '262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455'
        '565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485'
        '868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5'
        'b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5'
        'e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415'
        '161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445'
        '464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475'
        '767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5'
        'a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5'
        'd6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405'
        '060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435'
        '363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465'
        '666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495'
        '969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5'
        'c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5'
        'f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425'
        '262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455'
        '565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485'
        '868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5'
        'b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5'
        'e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415'
        '161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445'
        '464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475'
        '767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5'
        'a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf'
    ),
    10: (
        '020000000afe020000000a01080045000094c24500b940019fd20a4d01010a4d01fec0c1c2c3c4c5c6c7c8c9cacbcccd'
        'cecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfd'
        'feff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d'
        '2e2f303132333435363738393a3b3c3d3e3f'
    ),
    13: (
        '020000000afe020000000a01080046000042cb8e40004011c27c0a4d01010a4d020194040000b46614e9002a7a407672'
        '6f6f6d20636f6465632074657374207769746820726f7574657220616c657274'
    ),
    14: (
        '020000000a01020000000afe080045c0005e42ae00003f0120960a4d02010a4d0101030314d40000000046000042cb8e'
        '40003f11c37c0a4d01010a4d020194040000b46614e9002a7a4076726f6f6d20636f6465632074657374207769746820'
        '726f7574657220616c657274'
    ),
    15: (
        '020000000afe020000000a0108004500001fcb8f4000401157a30a4d01010a4d0201c22c829a000bd0106f6464'
    ),
    16: (
        '020000000a01020000000afe080045c0003b42af00003f0120b80a4d02010a4d0101030314b5000000004500001fcb8f'
        '40003f1158a30a4d01010a4d0201c22c829a000bd0106f6464'
    ),
    17: (
        '020000000afe020000000a01080045000028cb904000401157990a4d01010a4d0201ddc90009001400006e6f20636865'
        '636b73756d21'
    ),
    18: (
        '020000000a01020000000afe080045c0004442b000003f0120ae0a4d02010a4d01010303e3db0000000045000028cb90'
        '40003f1158990a4d01010a4d0201ddc90009001400006e6f20636865636b73756d21'
    ),
    20: (
        '020000000a01020000000afe080045c000700e7c0000400153b90a4d01fe0a4d01010300fcff00000000450000543684'
        '40004001898c0a4d01010a4d64fe08000125247900017c59026b000000008dc907000000000010111213141516171819'
        '1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637'
    ),
}

# Captured the same way with TX checksum offload left on: the sender's veth left the UDP checksum
# partial (CHECKSUM_PARTIAL), holding only the folded pseudo-header sum, as AF_PACKET shows it.
CAPTURED_OFFLOAD = {
    15: '020000000afe020000000a0108004500001f53ea40004011cf480a4d01010a4d0201e84f829a000b17b86f6464',
}

TUNNEL_PORT = 61000


def frame(n):
    return bytearray.fromhex(''.join(CAPTURED[n]))


def csum(data):
    """RFC 1071 checksum, byte by byte."""
    if len(data) % 2:
        data = bytes(data) + b'\0'
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def fix_ip_checksum(f, ip=14):
    ihl = (f[ip] & 0x0F) * 4
    f[ip + 10:ip + 12] = b'\0\0'
    f[ip + 10:ip + 12] = struct.pack('!H', csum(f[ip:ip + ihl]))
    return f


def fix_icmp_checksum(f, ip=14):
    ihl = (f[ip] & 0x0F) * 4
    total = struct.unpack('!H', f[ip + 2:ip + 4])[0]
    f[ip + ihl + 2:ip + ihl + 4] = b'\0\0'
    f[ip + ihl + 2:ip + ihl + 4] = struct.pack('!H', csum(f[ip + ihl:ip + total]))
    return f


def udp_checksum(src, dst, udp):
    c = csum(src + dst + struct.pack('!BBH', 0, 17, len(udp)) + udp)
    return 0xFFFF if c == 0 else c


def tunnel_packet(inner, flags, vr_id, vif, seq, with_checksum, version=1, hlen=4, extra=b''):
    src, dst = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
    header = struct.pack('!BBHIQ', (version << 4) | hlen, flags, vif, vr_id, seq) + extra
    payload = header + inner
    udp = struct.pack('!HHHH', 49152 + (vr_id & 0x3FFF), TUNNEL_PORT, 8 + len(payload), 0) + payload
    if with_checksum:
        udp = udp[:6] + struct.pack('!H', udp_checksum(src, dst, udp)) + udp[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    eth = bytes.fromhex('020000000b02' '020000000b01' '0800')
    return bytearray(eth + ip + udp)


def insert_tags(f, tags):
    out = f[:12]
    for tpid, tci in tags:
        out += struct.pack('!HH', tpid, tci)
    return out + f[12:]


def write(path, description, expect, data, layers=None):
    lines = ['# ' + d for d in description.split('\n')]
    lines.append('# expect: ' + expect)
    if layers:
        lines.append('# layers: ' + layers)
    for i in range(0, len(data), 16):
        chunk = data[i:i + 16]
        lines.append(' '.join(chunk[j:j + 2].hex() for j in range(0, len(chunk), 2)))
    with open(path, 'w') as out:
        out.write('\n'.join(lines) + '\n')


def good(name, description, data, layers):
    write(os.path.join('good', name + '.hex'), description, 'OK', data, layers)


def bad(name, description, expect, data):
    write(os.path.join('bad', name + '.hex'), description, expect, data)


def main():
    os.makedirs('good', exist_ok=True)
    os.makedirs('bad', exist_ok=True)
    E, EA, EI, EIC, EIU = ('ETHERNET', 'ETHERNET ARP', 'ETHERNET IPV4', 'ETHERNET IPV4 ICMP',
                           'ETHERNET IPV4 UDP')
    good('arp-request', 'captured #1: Linux ARP request, who-has 10.77.1.254 tell 10.77.1.1', frame(1), EA)
    good('arp-reply', 'captured #2: Linux ARP reply, 10.77.1.254 is-at 02:00:00:00:0a:fe', frame(2), EA)
    good('icmp-echo-request', 'captured #3: ping 10.77.1.254, echo request, 56 data bytes', frame(3), EIC)
    good('icmp-echo-reply', 'captured #4: Linux echo reply to #3', frame(4), EIC)
    good('icmp-echo-request-record-route',
         'captured #5: ping -R, IPv4 header with IHL 15 (Record Route option), echo request', frame(5), EIC)
    good('icmp-echo-reply-record-route',
         'captured #6: echo reply to #5 after one router, Record Route option filled', frame(6), EIC)
    good('icmp-echo-request-ttl1', 'captured #7: ping -t 1 10.77.2.1 through a router', frame(7), EIC)
    good('icmp-time-exceeded',
         'captured #8: Linux router time exceeded in transit for #7, quotes all 84 bytes of #7', frame(8), EIC)
    good('ipv4-fragment-first',
         'captured #9: ping -s 1600, first fragment (MF set, offset 0), 1500-byte IPv4 packet', frame(9), EI)
    good('ipv4-fragment-last', 'captured #10: second and last fragment of the same datagram (offset 185)',
         frame(10), EI)
    good('udp-router-alert-option',
         'captured #13: UDP to 10.77.2.1:5353 with an IPv4 Router Alert option (IHL 6)', frame(13), EIU)
    good('icmp-port-unreachable-router-alert', 'captured #14: Linux port unreachable for #13', frame(14), EIC)
    good('udp-odd-length', 'captured #15: UDP with a 3-byte payload (odd checksum length)', frame(15), EIU)
    good('icmp-port-unreachable-odd', 'captured #16: Linux port unreachable for #15', frame(16), EIC)
    good('udp-zero-checksum', 'captured #17: UDP sent with SO_NO_CHECK, checksum 0 (none)', frame(17), EIU)
    good('icmp-port-unreachable-zero-checksum', 'captured #18: Linux port unreachable for #17', frame(18), EIC)
    good('icmp-net-unreachable', 'captured #20: Linux router network unreachable for an echo request',
         frame(20), EIC)
    good('udp-odd-length-padded', 'derived from #15: padded with zeros to the 60-byte Ethernet minimum',
         frame(15) + bytes(60 - len(frame(15))), EIU)
    good('icmp-echo-request-vlan100',
         'derived from #3: 802.1Q tag inserted, TPID 0x8100, PCP 5, VID 100', insert_tags(frame(3), [(0x8100, 0xA064)]),
         EIC)
    good('icmp-echo-request-qinq',
         'derived from #3: QinQ, outer TPID 0x88a8 VID 200, inner TPID 0x8100 VID 300',
         insert_tags(frame(3), [(0x88A8, 200), (0x8100, 300)]), EIC)
    good('arp-request-vlan-4094', 'derived from #1: 802.1Q tag VID 4094 (highest), PCP 7, DEI 1',
         insert_tags(frame(1), [(0x8100, 0xFFFE)]), EA)
    good('ethernet-other-ethertype', 'derived from #3: ethertype changed to 0x86dd (not decoded further)',
         frame(3)[:12] + b'\x86\xdd' + frame(3)[14:], E)
    good('tunnel-echo-request',
         'vroom tunnel, UDP checksum on: VR 7, interface 2, sequence 0x0102030405060708, inner frame #3',
         tunnel_packet(frame(3), 0x00, 7, 2, 0x0102030405060708, True), 'ETHERNET IPV4 UDP TUNNEL')
    good('tunnel-control-arp',
         'vroom tunnel, control flag, UDP checksum 0: VR 0xfffffffe, interface 65535, sequence 1, inner #1',
         tunnel_packet(frame(1), 0x80, 0xFFFFFFFE, 0xFFFF, 1, False), 'ETHERNET IPV4 UDP TUNNEL')
    good('tunnel-long-header',
         'vroom tunnel with a 24-byte header (HLen 6, a future extension is skipped), inner frame #15',
         tunnel_packet(frame(15), 0x00, 9, 1, 5, True, hlen=6, extra=bytes(8)), 'ETHERNET IPV4 UDP TUNNEL')

    # ---- bad inputs: each derived from a good frame, checksums repaired unless the checksum is the point
    bad('ethernet-empty', 'zero-length frame', 'ETH_TRUNCATED', b'')
    bad('ethernet-truncated-13', 'first 13 bytes of #3', 'ETH_TRUNCATED', frame(3)[:13])
    bad('vlan-tag-truncated', '#3 with a 802.1Q tag, cut inside the tag (16 bytes)', 'ETH_TAG_TRUNCATED',
        insert_tags(frame(3), [(0x8100, 100)])[:16])
    bad('vlan-tag-no-ethertype', '#3 with a 802.1Q tag, cut after the TCI (17 bytes)', 'ETH_TAG_TRUNCATED',
        insert_tags(frame(3), [(0x8100, 100)])[:17])
    bad('vlan-tag-without-payload', '802.1Q tag and inner ethertype IPv4, no IPv4 bytes at all (18 bytes)',
        'IPV4_TRUNCATED', insert_tags(frame(3), [(0x8100, 100)])[:18])
    bad('qinq-inner-tag-truncated', 'QinQ outer tag complete, inner 802.1Q tag cut (20 bytes)',
        'ETH_TAG_TRUNCATED', insert_tags(frame(3), [(0x88A8, 200), (0x8100, 300)])[:20])
    bad('three-tags', 'three stacked tags 0x88a8/0x8100/0x8100 in front of #3', 'ETH_TOO_MANY_TAGS',
        insert_tags(frame(3), [(0x88A8, 1), (0x8100, 2), (0x8100, 3)]))
    bad('arp-truncated', 'ARP request #1 missing its last byte', 'ARP_TRUNCATED', frame(1)[:41])
    f = frame(1); f[14 + 4] = 8
    bad('arp-bad-hardware-length', 'ARP request #1 with hardware length 8', 'ARP_BAD_HARDWARE_LENGTH', f)
    f = frame(1); f[14 + 5] = 16
    bad('arp-bad-protocol-length', 'ARP request #1 with protocol length 16', 'ARP_BAD_PROTOCOL_LENGTH', f)
    f = frame(1); f[14:16] = b'\x00\x06'
    bad('arp-bad-hardware-type', 'ARP request #1 with hardware type 6 (IEEE 802)', 'ARP_BAD_HARDWARE_TYPE', f)
    f = frame(1); f[16:18] = b'\x86\xdd'
    bad('arp-bad-protocol-type', 'ARP request #1 with protocol type 0x86dd', 'ARP_BAD_PROTOCOL_TYPE', f)
    f = frame(1); f[20:22] = b'\x00\x03'
    bad('arp-bad-opcode', 'ARP request #1 with opcode 3 (RARP request)', 'ARP_BAD_OPCODE', f)
    bad('ipv4-truncated-header', 'first 19 bytes of the IPv4 header of #3', 'IPV4_TRUNCATED', frame(3)[:14 + 19])
    f = frame(3); f[14] = 0x65; fix_ip_checksum(f)
    bad('ipv4-version-6', '#3 with version 6 (IHL 5), checksum repaired', 'IPV4_BAD_VERSION', f)
    f = frame(3); f[14] = 0x44
    bad('ipv4-ihl-4', '#3 with IHL 4', 'IPV4_BAD_IHL', f)
    f = frame(3); f[14] = 0x40
    bad('ipv4-ihl-0', '#3 with IHL 0', 'IPV4_BAD_IHL', f)
    bad('ipv4-options-truncated', '#5 (IHL 15) cut after 40 bytes of its 60-byte header', 'IPV4_HEADER_TRUNCATED',
        frame(5)[:14 + 40])
    f = frame(3); f[16:18] = struct.pack('!H', 85); fix_ip_checksum(f)
    bad('ipv4-total-length-too-large', '#3 with total length 85 for an 84-byte packet, checksum repaired',
        'IPV4_TOTAL_LENGTH_TOO_LONG', f)
    bad('ipv4-frame-truncated', '#3 cut to 60 bytes (total length 84 says more)', 'IPV4_TOTAL_LENGTH_TOO_LONG',
        frame(3)[:60])
    f = frame(3); f[16:18] = struct.pack('!H', 19); fix_ip_checksum(f)
    bad('ipv4-total-length-below-header', '#3 with total length 19, checksum repaired',
        'IPV4_TOTAL_LENGTH_TOO_SHORT', f)
    f = frame(5); f[16:18] = struct.pack('!H', 40); fix_ip_checksum(f)
    bad('ipv4-total-length-below-options', '#5 (IHL 15) with total length 40, checksum repaired',
        'IPV4_TOTAL_LENGTH_TOO_SHORT', f)
    f = frame(3); f[24:26] = b'\x60\xcd'
    bad('ipv4-bad-checksum', '#3 with IPv4 checksum 0x60cd instead of 0x60cc', 'IPV4_BAD_CHECKSUM', f)
    f = frame(5); f[14 + 30] ^= 0x01
    bad('ipv4-bad-checksum-options', '#5 with one bit of its Record Route option flipped', 'IPV4_BAD_CHECKSUM', f)
    f = frame(3); f[14 + 20 + 8] ^= 0xFF
    bad('icmp-bad-checksum', '#3 with one echo data byte changed', 'ICMP_BAD_CHECKSUM', f)
    f = frame(3)[:14 + 27]; f[16:18] = struct.pack('!H', 27); fix_ip_checksum(f)
    bad('icmp-truncated', '#3 cut to a 7-byte ICMP message, IPv4 total length and checksum repaired',
        'ICMP_TRUNCATED', f)
    f = frame(15); f[-1] ^= 0x20
    bad('udp-bad-checksum', '#15 with its last payload byte changed', 'UDP_BAD_CHECKSUM', f)
    bad('udp-partial-checksum',
        'captured with TX checksum offload on: UDP checksum field holds only the pseudo-header sum 0x17b8\n'
        '(valid when the port flags the frame as checksum-partial and the checksum is not verified)',
        'UDP_BAD_CHECKSUM', bytearray.fromhex(CAPTURED_OFFLOAD[15]))
    f = frame(15); f[14 + 20 + 4:14 + 20 + 6] = struct.pack('!H', 12)
    bad('udp-length-too-large', '#15 with UDP length 12 in an 11-byte IPv4 payload', 'UDP_BAD_LENGTH', f)
    f = frame(15); f[14 + 20 + 4:14 + 20 + 6] = struct.pack('!H', 7)
    bad('udp-length-below-header', '#15 with UDP length 7', 'UDP_BAD_LENGTH', f)
    f = frame(15)[:14 + 27]; f[16:18] = struct.pack('!H', 27); fix_ip_checksum(f)
    bad('udp-truncated', '#15 cut to a 7-byte UDP header, IPv4 total length and checksum repaired',
        'UDP_TRUNCATED', f)
    bad('tunnel-bad-version', 'tunnel header version 2', 'TUNNEL_BAD_VERSION',
        tunnel_packet(frame(3), 0, 7, 2, 1, True, version=2))
    bad('tunnel-header-length-3', 'tunnel header length 3 words (minimum is 4)', 'TUNNEL_BAD_HEADER_LENGTH',
        tunnel_packet(frame(3), 0, 7, 2, 1, True, hlen=3))
    bad('tunnel-header-length-past-end', 'tunnel header length 15 words with 12 bytes of inner frame',
        'TUNNEL_BAD_HEADER_LENGTH', tunnel_packet(frame(3)[:12], 0, 7, 2, 1, False, hlen=15))
    bad('tunnel-truncated', 'UDP to the tunnel port with only 15 bytes of tunnel header', 'TUNNEL_TRUNCATED',
        truncated_tunnel())
    bad('tunnel-inner-truncated', 'tunnel with a 13-byte inner frame', 'TUNNEL_INNER_TRUNCATED',
        tunnel_packet(frame(3)[:13], 0, 7, 2, 1, True))
    f = tunnel_packet(frame(3), 0, 7, 2, 1, True); f[14 + 20 + 8 + 30] ^= 0x10
    bad('tunnel-bad-udp-checksum', 'tunnel with one inner bit flipped under a UDP checksum', 'UDP_BAD_CHECKSUM', f)


def truncated_tunnel():
    """A well-formed IPv4/UDP datagram to the tunnel port whose payload is 15 bytes."""
    src, dst = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
    payload = struct.pack('!BBHIQ', 0x14, 0, 1, 7, 1)[:15]
    udp = struct.pack('!HHHH', 50007, TUNNEL_PORT, 8 + len(payload), 0) + payload
    udp = udp[:6] + struct.pack('!H', udp_checksum(src, dst, udp)) + udp[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return bytearray(bytes.fromhex('020000000b02020000000b010800') + ip + udp)


if __name__ == '__main__':
    main()
