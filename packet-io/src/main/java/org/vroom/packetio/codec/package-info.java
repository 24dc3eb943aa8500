/**
 * Flyweight codecs for the frames a vroom node sees: Ethernet II with VLAN/QinQ tags, ARP, IPv4, ICMP,
 * UDP and the vroom node-to-node tunnel, over Agrona {@code DirectBuffer}/{@code MutableDirectBuffer}
 * (in practice the {@code UnsafeBuffer} that wraps a ring frame).
 *
 * <h2>Split</h2>
 * <ul>
 *   <li>One flyweight per header: {@link org.vroom.packetio.codec.EthernetFlyweight},
 *       {@link org.vroom.packetio.codec.ArpFlyweight}, {@link org.vroom.packetio.codec.Ipv4Flyweight},
 *       {@link org.vroom.packetio.codec.IcmpFlyweight}, {@link org.vroom.packetio.codec.UdpFlyweight},
 *       {@link org.vroom.packetio.codec.TunnelFlyweight} (decode) and
 *       {@link org.vroom.packetio.codec.TunnelEncoder} (encode). Each has named {@code *_OFFSET}
 *       constants, {@code wrap(buffer, offset, length)}, {@code validate()}, int-returning accessors,
 *       in-place mutators and static {@code write*} methods that build the header.</li>
 *   <li>{@link org.vroom.packetio.codec.ValidationResult}: one dense int space of result codes shared by
 *       every validator and classifier, so a worker counts drops with {@code counters[code]++}.</li>
 *   <li>{@link org.vroom.packetio.codec.InternetChecksum}: RFC 1071 sums over 64-bit loads,
 *       pseudo-header sums, RFC 1624 incremental updates.</li>
 *   <li>{@link org.vroom.packetio.codec.Ipv4Addresses} (martian classification, formatting) and
 *       {@link org.vroom.packetio.codec.MacAddress} (MACs as {@code long}).</li>
 *   <li>{@link org.vroom.packetio.codec.FrameDecoder}: all layers at once, for host-stack delivery,
 *       tools and tests.</li>
 * </ul>
 *
 * <h2>Threads and allocation</h2>
 * A flyweight holds only a buffer reference and a few ints; a substrate worker (or a VR loop) creates
 * its flyweights once and re-wraps them for every packet. They are not thread-safe and never shared.
 * Nothing on the decode, validate, rewrite or write paths allocates, locks, logs or throws on bad input:
 * {@code validate()} checks every length before any read that depends on it and returns a code.
 * Accessors read the buffer directly; they are in bounds once {@code validate()} returned OK (before
 * that, they may read garbage, or throw if the buffer itself is too short, as with any Agrona buffer).
 * Only {@code format}/{@code parse}/{@code name}-style helpers meant for configuration and logs allocate.
 * Byte order is network order throughout; IPv4 addresses are host-order {@code int}s, MACs the low 48
 * bits of a {@code long}.
 *
 * <h2>Where this departs from the RFCs</h2>
 * <ul>
 *   <li>IPv4 options are validated only for length and skipped, not processed: a forwarded packet keeps
 *       its options unchanged (no Record Route or Timestamp entry is added, source routes are not
 *       followed). RFC 1812 5.2.4 would have a router update them.</li>
 *   <li>Martian classification (RFC 1812 5.3.7) covers 0/8, 127/8, 169.254/16, multicast and class E
 *       sources and 0/8, 127/8, 169.254/16 and class E destinations; private, shared and documentation
 *       blocks are forwarded, since labs use them.</li>
 *   <li>ICMP errors quote as much of the original as fits in 576 bytes (RFC 1812 4.3.2.3), like Linux.</li>
 *   <li>Transport headers are decoded only for unfragmented datagrams; fragments are never reassembled.</li>
 * </ul>
 */
package org.vroom.packetio.codec;
