package org.vroom.packetio.codec;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Ethernet II header with up to two VLAN tags (802.1Q 0x8100, 802.1ad QinQ 0x88a8, and the legacy
 * 0x9100 are all recognised as tags).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Destination MAC (6 bytes)                     |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+     Source MAC (6 bytes)      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  EtherType or TPID (offset 12)| [PCP|D|  VID  ]  (if a tag)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... up to one more tag, then the EtherType, then the payload |
 * </pre>
 *
 * <p>Usage: {@code wrap(buffer, offset, length)} where {@code length} is the frame length as received
 * (no FCS), then {@link #validate()}; the tag-dependent accessors ({@link #etherType()},
 * {@link #vlanId()}, {@link #payloadOffset()} ...) are meaningful only after it returned OK. Offsets
 * returned are absolute buffer indices. Mutators need the wrapped buffer to be a {@link MutableDirectBuffer}.
 * Not thread-safe; one instance per worker, reused for every frame.
 */
public final class EthernetFlyweight {
    public static final int DESTINATION_MAC_OFFSET = 0;
    public static final int SOURCE_MAC_OFFSET = 6;
    public static final int ETHERTYPE_OFFSET = 12;
    /** Untagged header length. */
    public static final int HEADER_LENGTH = 14;
    /** Bytes one VLAN tag adds (TPID + TCI). */
    public static final int VLAN_TAG_LENGTH = 4;
    /** Offset of the TCI inside a tag, from the tag's TPID. */
    public static final int TAG_TCI_OFFSET = 2;
    /** Offset of the outermost tag's TCI from the start of the frame. */
    public static final int FIRST_TCI_OFFSET = ETHERTYPE_OFFSET + TAG_TCI_OFFSET;
    /** Tags accepted in a stack (QinQ); a third tag is {@link ValidationResult#ETH_TOO_MANY_TAGS}. */
    public static final int MAX_TAGS = 2;
    /** Minimum frame length on the wire without FCS; shorter frames are padded by the sender. */
    public static final int MIN_FRAME_LENGTH = 60;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_QINQ_LEGACY = 0x9100;

    /** {@link #vlanId()} of an untagged frame, and the "no tag" argument of {@link #writeHeader}. */
    public static final int NO_VLAN = -1;
    /** Largest VLAN id (4095 is reserved). */
    public static final int MAX_VLAN_ID = 4094;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int tagCount;
    private int etherType;
    private int headerLength;

    /** Wraps the frame at {@code offset}, {@code length} bytes long; does not read it. */
    public EthernetFlyweight wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.tagCount = 0;
        this.etherType = 0;
        this.headerLength = 0;
        return this;
    }

    /**
     * Checks the frame is long enough for its header and tags and records the tag stack; returns
     * {@link ValidationResult#OK}, {@code ETH_TRUNCATED}, {@code ETH_TAG_TRUNCATED} or {@code ETH_TOO_MANY_TAGS}.
     * A frame with a valid header and no payload is OK (the next layer reports the truncation).
     */
    public int validate() {
        tagCount = 0;
        etherType = 0;
        headerLength = 0;
        if (length < HEADER_LENGTH) {
            return ValidationResult.ETH_TRUNCATED;
        }
        final int end = offset + length;
        int typeIndex = offset + ETHERTYPE_OFFSET;
        int type = buffer.getShort(typeIndex, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int tags = 0;
        while (isTagProtocol(type)) {
            if (tags == MAX_TAGS) {
                return ValidationResult.ETH_TOO_MANY_TAGS;
            }
            if (typeIndex + VLAN_TAG_LENGTH + 2 > end) {
                return ValidationResult.ETH_TAG_TRUNCATED;
            }
            tags++;
            typeIndex += VLAN_TAG_LENGTH;
            type = buffer.getShort(typeIndex, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        tagCount = tags;
        etherType = type;
        headerLength = HEADER_LENGTH + tags * VLAN_TAG_LENGTH;
        return ValidationResult.OK;
    }

    /** True for the TPIDs recognised as VLAN tags. */
    public static boolean isTagProtocol(int etherType) {
        return etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ || etherType == ETHERTYPE_QINQ_LEGACY;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public long destinationMac() {
        return MacAddress.read(buffer, offset + DESTINATION_MAC_OFFSET);
    }

    public long sourceMac() {
        return MacAddress.read(buffer, offset + SOURCE_MAC_OFFSET);
    }

    /** The EtherType after the tags (after {@link #validate()}). */
    public int etherType() {
        return etherType;
    }

    /** Number of VLAN tags, 0..2 (after {@link #validate()}). */
    public int tagCount() {
        return tagCount;
    }

    /** TPID of the outermost tag, or 0 when untagged. */
    public int outerTagProtocol() {
        return tagCount == 0 ? 0 : buffer.getShort(offset + ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** VID of the outermost tag (the only one for 802.1Q, the S-tag for QinQ), or {@link #NO_VLAN}. */
    public int vlanId() {
        return tagCount == 0 ? NO_VLAN : tci(0) & 0x0FFF;
    }

    /** VID of the second tag (the C-tag of QinQ), or {@link #NO_VLAN}. */
    public int innerVlanId() {
        return tagCount < 2 ? NO_VLAN : tci(1) & 0x0FFF;
    }

    /** Priority code point of the outermost tag, or 0 when untagged. */
    public int vlanPriority() {
        return tagCount == 0 ? 0 : tci(0) >>> 13;
    }

    /** Drop eligible indicator of the outermost tag. */
    public boolean vlanDropEligible() {
        return tagCount != 0 && (tci(0) & 0x1000) != 0;
    }

    private int tci(int tag) {
        return buffer.getShort(offset + FIRST_TCI_OFFSET + tag * VLAN_TAG_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Header length including tags (after {@link #validate()}). */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute index of the first payload byte (after {@link #validate()}). */
    public int payloadOffset() {
        return offset + headerLength;
    }

    /** Bytes after the header, Ethernet padding included (after {@link #validate()}). */
    public int payloadLength() {
        return length - headerLength;
    }

    public boolean isDestinationMulticast() {
        return (buffer.getByte(offset + DESTINATION_MAC_OFFSET) & 0x01) != 0;
    }

    public EthernetFlyweight destinationMac(long mac) {
        MacAddress.write(mutable(), offset + DESTINATION_MAC_OFFSET, mac);
        return this;
    }

    public EthernetFlyweight sourceMac(long mac) {
        MacAddress.write(mutable(), offset + SOURCE_MAC_OFFSET, mac);
        return this;
    }

    /** Rewrites the VID of the outermost tag, keeping PCP and DEI; no-op on an untagged frame. */
    public EthernetFlyweight vlanId(int vlanId) {
        if (tagCount != 0) {
            final int tci = (tci(0) & 0xF000) | (vlanId & 0x0FFF);
            mutable().putShort(offset + FIRST_TCI_OFFSET, (short) tci, ByteOrder.BIG_ENDIAN);
        }
        return this;
    }

    /**
     * Readdresses the frame back to its sender: destination := old source, source := {@code sourceMac}.
     * The first step of answering an ARP request or an echo request in place.
     */
    public EthernetFlyweight turnAround(long sourceMac) {
        final MutableDirectBuffer out = mutable();
        final long sender = sourceMac();
        MacAddress.write(out, offset + DESTINATION_MAC_OFFSET, sender);
        MacAddress.write(out, offset + SOURCE_MAC_OFFSET, sourceMac);
        return this;
    }

    private MutableDirectBuffer mutable() {
        return (MutableDirectBuffer) buffer;
    }

    /** Header length {@link #writeHeader} produces: 14, or 18 with a VLAN id. */
    public static int headerLength(int vlanId) {
        return vlanId == NO_VLAN ? HEADER_LENGTH : HEADER_LENGTH + VLAN_TAG_LENGTH;
    }

    /** Writes an untagged header; returns its length (14). */
    public static int writeHeader(MutableDirectBuffer buffer, int offset, long destinationMac, long sourceMac,
        int etherType) {
        MacAddress.write(buffer, offset + DESTINATION_MAC_OFFSET, destinationMac);
        MacAddress.write(buffer, offset + SOURCE_MAC_OFFSET, sourceMac);
        buffer.putShort(offset + ETHERTYPE_OFFSET, (short) etherType, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH;
    }

    /**
     * Writes a header with one 802.1Q tag (PCP 0) for {@code vlanId}, or untagged for {@link #NO_VLAN};
     * returns its length.
     */
    public static int writeHeader(MutableDirectBuffer buffer, int offset, long destinationMac, long sourceMac,
        int vlanId, int etherType) {
        if (vlanId == NO_VLAN) {
            return writeHeader(buffer, offset, destinationMac, sourceMac, etherType);
        }
        return writeTaggedHeader(buffer, offset, destinationMac, sourceMac, ETHERTYPE_VLAN, vlanId & 0x0FFF,
            etherType);
    }

    /**
     * Writes a header with one tag of any TPID and a full TCI ({@code pcp << 13 | dei << 12 | vid});
     * returns 18. For QinQ, write the outer tag with this and insert the inner one after it.
     */
    public static int writeTaggedHeader(MutableDirectBuffer buffer, int offset, long destinationMac, long sourceMac,
        int tagProtocol, int tci, int etherType) {
        MacAddress.write(buffer, offset + DESTINATION_MAC_OFFSET, destinationMac);
        MacAddress.write(buffer, offset + SOURCE_MAC_OFFSET, sourceMac);
        buffer.putShort(offset + ETHERTYPE_OFFSET, (short) tagProtocol, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + FIRST_TCI_OFFSET, (short) tci, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + ETHERTYPE_OFFSET + VLAN_TAG_LENGTH, (short) etherType, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH + VLAN_TAG_LENGTH;
    }
}
