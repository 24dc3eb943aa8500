package org.vroom.vr.shadow;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.vroom.vr.rib.NextHop;

import java.nio.ByteOrder;

/**
 * The binary form of a {@link FibUpdateBatch}, for mirroring FIB updates to another node. Big-endian,
 * version 1, no padding:
 *
 * <pre>
 * header (32 bytes)
 *   0  u16  magic 0x5646 ("VF")
 *   2  u8   version (1)
 *   3  u8   flags: bit 0 = reset; other bits 0
 *   4  i64  sequence
 *  12  i32  next-hop records
 *  16  i32  route records
 *  20  i32  next-hop removals
 *  24  i32  group members over all next-hop records
 *  28  i32  reserved, 0
 * next-hop record (12 bytes, plus 4 per member for a group)
 *   0  u8   op: 1 add, 2 update
 *   1  u8   kind: 1 forward, 2 local, 3 drop, 4 reject, 5 glean, 6 group
 *   2  u16  interface index (0xFFFF none) or, for a group, its member count
 *   4  i32  id
 *   8  i32  gateway address (0 when none; 0 for a group)
 *  12  i32  member ids (groups only)
 * route record (10 bytes)
 *   0  u8   op: 1 add, 2 replace, 3 remove
 *   1  u8   prefix length 0..32
 *   2  i32  prefix
 *   6  i32  next-hop id (-1 for remove)
 * next-hop removal (4 bytes)
 *   0  i32  id
 * </pre>
 *
 * The decoder never throws on bad input: it returns a {@link Result} with an {@link Error} and the
 * offset where it stopped, and allocates nothing before the counts are known to fit the input.
 */
public final class FibBatchCodec {
    public static final int MAGIC = 0x5646;
    public static final int VERSION = 1;
    public static final int FLAG_RESET = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int FLAGS_OFFSET = 3;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int NEXT_HOP_COUNT_OFFSET = 12;
    public static final int ROUTE_COUNT_OFFSET = 16;
    public static final int REMOVAL_COUNT_OFFSET = 20;
    public static final int MEMBER_COUNT_OFFSET = 24;
    public static final int RESERVED_OFFSET = 28;
    public static final int HEADER_LENGTH = 32;

    public static final int NH_OP_OFFSET = 0;
    public static final int NH_KIND_OFFSET = 1;
    public static final int NH_INTERFACE_OFFSET = 2;
    public static final int NH_ID_OFFSET = 4;
    public static final int NH_ADDRESS_OFFSET = 8;
    public static final int NH_RECORD_LENGTH = 12;

    public static final int ROUTE_OP_OFFSET = 0;
    public static final int ROUTE_LENGTH_OFFSET = 1;
    public static final int ROUTE_PREFIX_OFFSET = 2;
    public static final int ROUTE_NEXT_HOP_OFFSET = 6;
    public static final int ROUTE_RECORD_LENGTH = 10;

    public static final int REMOVAL_RECORD_LENGTH = 4;

    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    /** Why a buffer is not a batch. */
    public enum Error {
        OK,
        TOO_SHORT,
        BAD_MAGIC,
        UNSUPPORTED_VERSION,
        BAD_FLAGS,
        BAD_COUNT,
        LENGTH_MISMATCH,
        BAD_NEXT_HOP_OP,
        BAD_NEXT_HOP,
        BAD_NEXT_HOP_ID,
        BAD_GROUP,
        BAD_ROUTE_OP,
        BAD_PREFIX_LENGTH,
        RESERVED_NOT_ZERO
    }

    /** A decoded batch, or the error and the offset (relative to the start) where decoding stopped. */
    public record Result(FibUpdateBatch batch, Error error, int errorOffset) {
        public boolean ok() {
            return error == Error.OK;
        }
    }

    private FibBatchCodec() {
    }

    /** Bytes {@link #encode} writes for {@code batch}. */
    public static int encodedLength(FibUpdateBatch batch) {
        long n = HEADER_LENGTH + (long) batch.nextHopCount() * NH_RECORD_LENGTH + 4L * batch.totalMembers()
                + (long) batch.routeCount() * ROUTE_RECORD_LENGTH + (long) batch.removedNextHopCount() * REMOVAL_RECORD_LENGTH;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch too large to encode in one buffer: " + n + " bytes");
        }
        return (int) n;
    }

    /** Writes {@code batch} at {@code offset}; returns the bytes written ({@link #encodedLength}). */
    public static int encode(FibUpdateBatch batch, MutableDirectBuffer buffer, int offset) {
        int length = encodedLength(batch);
        buffer.checkLimit(offset + length);
        buffer.putShort(offset + MAGIC_OFFSET, (short) MAGIC, BE);
        buffer.putByte(offset + VERSION_OFFSET, (byte) VERSION);
        buffer.putByte(offset + FLAGS_OFFSET, (byte) (batch.isReset() ? FLAG_RESET : 0));
        buffer.putLong(offset + SEQUENCE_OFFSET, batch.sequence(), BE);
        buffer.putInt(offset + NEXT_HOP_COUNT_OFFSET, batch.nextHopCount(), BE);
        buffer.putInt(offset + ROUTE_COUNT_OFFSET, batch.routeCount(), BE);
        buffer.putInt(offset + REMOVAL_COUNT_OFFSET, batch.removedNextHopCount(), BE);
        buffer.putInt(offset + MEMBER_COUNT_OFFSET, batch.totalMembers(), BE);
        buffer.putInt(offset + RESERVED_OFFSET, 0, BE);
        int p = offset + HEADER_LENGTH;
        for (int i = 0; i < batch.nextHopCount(); i++) {
            boolean group = batch.nextHopKind(i) == FibUpdateBatch.GROUP;
            buffer.putByte(p + NH_OP_OFFSET, (byte) batch.nextHopOp(i).code);
            buffer.putByte(p + NH_KIND_OFFSET, (byte) batch.nextHopKind(i));
            int ifField = group ? batch.groupSize(i) : batch.nextHopInterface(i) < 0 ? NextHop.NO_INTERFACE
                    : batch.nextHopInterface(i);
            buffer.putShort(p + NH_INTERFACE_OFFSET, (short) ifField, BE);
            buffer.putInt(p + NH_ID_OFFSET, batch.nextHopId(i), BE);
            buffer.putInt(p + NH_ADDRESS_OFFSET, batch.nextHopAddress(i), BE);
            p += NH_RECORD_LENGTH;
            if (group) {
                for (int j = 0; j < batch.groupSize(i); j++) {
                    buffer.putInt(p, batch.groupMember(i, j), BE);
                    p += 4;
                }
            }
        }
        for (int i = 0; i < batch.routeCount(); i++) {
            buffer.putByte(p + ROUTE_OP_OFFSET, (byte) batch.routeOp(i).code);
            buffer.putByte(p + ROUTE_LENGTH_OFFSET, (byte) batch.routeLength(i));
            buffer.putInt(p + ROUTE_PREFIX_OFFSET, batch.routePrefix(i), BE);
            buffer.putInt(p + ROUTE_NEXT_HOP_OFFSET, batch.routeNextHop(i), BE);
            p += ROUTE_RECORD_LENGTH;
        }
        for (int i = 0; i < batch.removedNextHopCount(); i++) {
            buffer.putInt(p, batch.removedNextHop(i), BE);
            p += REMOVAL_RECORD_LENGTH;
        }
        return p - offset;
    }

    /** Decodes the batch in {@code [offset, offset + length)}; the whole range must be one batch. */
    public static Result decode(DirectBuffer buffer, int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            return error(Error.TOO_SHORT, 0);
        }
        if (length < HEADER_LENGTH) {
            return error(Error.TOO_SHORT, 0);
        }
        if ((buffer.getShort(offset + MAGIC_OFFSET, BE) & 0xFFFF) != MAGIC) {
            return error(Error.BAD_MAGIC, MAGIC_OFFSET);
        }
        if ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) != VERSION) {
            return error(Error.UNSUPPORTED_VERSION, VERSION_OFFSET);
        }
        int flags = buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
        if ((flags & ~FLAG_RESET) != 0) {
            return error(Error.BAD_FLAGS, FLAGS_OFFSET);
        }
        long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, BE);
        int nhCount = buffer.getInt(offset + NEXT_HOP_COUNT_OFFSET, BE);
        int routeCount = buffer.getInt(offset + ROUTE_COUNT_OFFSET, BE);
        int removalCount = buffer.getInt(offset + REMOVAL_COUNT_OFFSET, BE);
        int memberCount = buffer.getInt(offset + MEMBER_COUNT_OFFSET, BE);
        if (buffer.getInt(offset + RESERVED_OFFSET, BE) != 0) {
            return error(Error.RESERVED_NOT_ZERO, RESERVED_OFFSET);
        }
        if (nhCount < 0 || routeCount < 0 || removalCount < 0 || memberCount < 0) {
            return error(Error.BAD_COUNT, NEXT_HOP_COUNT_OFFSET);
        }
        long expected = HEADER_LENGTH + (long) nhCount * NH_RECORD_LENGTH + 4L * memberCount
                + (long) routeCount * ROUTE_RECORD_LENGTH + (long) removalCount * REMOVAL_RECORD_LENGTH;
        if (expected != length) {
            return error(Error.LENGTH_MISMATCH, NEXT_HOP_COUNT_OFFSET);
        }
        FibUpdateBatch.Builder b = new FibUpdateBatch.Builder();
        int[] memberScratch = new int[Math.min(memberCount, 0xFFFF)];
        int p = HEADER_LENGTH;
        int membersSeen = 0;
        for (int i = 0; i < nhCount; i++) {
            int at = offset + p;
            FibUpdateBatch.NextHopOp op = FibUpdateBatch.NextHopOp.fromCode(buffer.getByte(at + NH_OP_OFFSET) & 0xFF);
            if (op == null) {
                return error(Error.BAD_NEXT_HOP_OP, p);
            }
            int kind = buffer.getByte(at + NH_KIND_OFFSET) & 0xFF;
            int ifField = buffer.getShort(at + NH_INTERFACE_OFFSET, BE) & 0xFFFF;
            int id = buffer.getInt(at + NH_ID_OFFSET, BE);
            int address = buffer.getInt(at + NH_ADDRESS_OFFSET, BE);
            if (id < 0) {
                return error(Error.BAD_NEXT_HOP_ID, p + NH_ID_OFFSET);
            }
            if (kind == FibUpdateBatch.GROUP) {
                int n = ifField;
                if (n < 1 || address != 0 || membersSeen + n > memberCount) {
                    return error(Error.BAD_GROUP, p);
                }
                p += NH_RECORD_LENGTH;
                for (int j = 0; j < n; j++) {
                    int m = buffer.getInt(offset + p, BE);
                    if (m < 0) {
                        return error(Error.BAD_NEXT_HOP_ID, p);
                    }
                    memberScratch[j] = m;
                    p += 4;
                }
                membersSeen += n;
                b.group(op, id, memberScratch, n);
            } else {
                long packed = (long) kind << 48 | (long) ifField << 32 | (address & 0xFFFF_FFFFL);
                if (NextHop.problem(packed) != null) {
                    return error(Error.BAD_NEXT_HOP, p);
                }
                b.nextHop(op, id, kind, ifField == NextHop.NO_INTERFACE ? -1 : ifField, address);
                p += NH_RECORD_LENGTH;
            }
        }
        if (membersSeen != memberCount) {
            return error(Error.BAD_GROUP, MEMBER_COUNT_OFFSET);
        }
        for (int i = 0; i < routeCount; i++) {
            int at = offset + p;
            FibUpdateBatch.RouteOp op = FibUpdateBatch.RouteOp.fromCode(buffer.getByte(at + ROUTE_OP_OFFSET) & 0xFF);
            if (op == null) {
                return error(Error.BAD_ROUTE_OP, p);
            }
            int len = buffer.getByte(at + ROUTE_LENGTH_OFFSET) & 0xFF;
            if (len > 32) {
                return error(Error.BAD_PREFIX_LENGTH, p + ROUTE_LENGTH_OFFSET);
            }
            int prefix = buffer.getInt(at + ROUTE_PREFIX_OFFSET, BE);
            int nh = buffer.getInt(at + ROUTE_NEXT_HOP_OFFSET, BE);
            if (op == FibUpdateBatch.RouteOp.REMOVE ? nh != FibUpdateBatch.NO_NEXT_HOP : nh < 0) {
                return error(Error.BAD_NEXT_HOP_ID, p + ROUTE_NEXT_HOP_OFFSET);
            }
            b.route(op, prefix, len, nh);
            p += ROUTE_RECORD_LENGTH;
        }
        for (int i = 0; i < removalCount; i++) {
            int id = buffer.getInt(offset + p, BE);
            if (id < 0) {
                return error(Error.BAD_NEXT_HOP_ID, p);
            }
            b.removeNextHop(id);
            p += REMOVAL_RECORD_LENGTH;
        }
        return new Result(b.build(sequence, (flags & FLAG_RESET) != 0), Error.OK, -1);
    }

    private static Result error(Error e, int at) {
        return new Result(null, e, at);
    }
}
