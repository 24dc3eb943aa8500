package org.vroom.lab.traffic;

import java.nio.ByteBuffer;

/**
 * The UDP payload of sequence-numbered test traffic. All fields big-endian (network order):
 *
 * <pre>
 *  0  magic    u32  0x56534551 ("VSEQ")
 *  4  version  u16  1
 *  6  flags    u16  0 (reserved)
 *  8  runId    u64  identifies one sender run; a sink ignores other runs
 * 16  seq      u64  0 .. count-1
 * 24  count    u64  packets in the run (so the sink knows which sequence number is last)
 * 32  txNanos  u64  sender's System.nanoTime() (CLOCK_MONOTONIC: comparable between
 *                   processes on the same machine, whatever their namespace)
 * 40  padding up to the configured payload size (zeros)
 * </pre>
 *
 * The least significant byte of {@code seq} is at payload offset 23, i.e. IP offset 51 for a
 * 20-byte IP header: {@code tc u32} and nftables rules can select packets by sequence number.
 */
public final class SeqPacket {
    public static final int MAGIC = 0x56534551;
    public static final short VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int FLAGS_OFFSET = 6;
    public static final int RUN_ID_OFFSET = 8;
    public static final int SEQ_OFFSET = 16;
    public static final int COUNT_OFFSET = 24;
    public static final int TX_NANOS_OFFSET = 32;
    public static final int HEADER_LENGTH = 40;
    /** The largest UDP payload over IPv4 without fragmentation on a 1500-byte MTU. */
    public static final int MAX_UNFRAGMENTED_PAYLOAD = 1500 - 20 - 8;

    /** Outcome of {@link #check}. */
    public enum Check { OK, TOO_SHORT, BAD_MAGIC, BAD_VERSION }

    private SeqPacket() {
    }

    /** Writes the constant part of the header (magic, version, run, count) at absolute offsets. */
    public static void writeHeader(ByteBuffer buf, long runId, long count) {
        buf.putInt(MAGIC_OFFSET, MAGIC);
        buf.putShort(VERSION_OFFSET, VERSION);
        buf.putShort(FLAGS_OFFSET, (short) 0);
        buf.putLong(RUN_ID_OFFSET, runId);
        buf.putLong(COUNT_OFFSET, count);
    }

    /** Writes the per-packet fields. */
    public static void writeSeq(ByteBuffer buf, long seq, long txNanos) {
        buf.putLong(SEQ_OFFSET, seq);
        buf.putLong(TX_NANOS_OFFSET, txNanos);
    }

    /** Validates a received datagram occupying {@code [0, length)} of {@code buf}. Never throws. */
    public static Check check(ByteBuffer buf, int length) {
        if (length < HEADER_LENGTH) {
            return Check.TOO_SHORT;
        }
        if (buf.getInt(MAGIC_OFFSET) != MAGIC) {
            return Check.BAD_MAGIC;
        }
        if (buf.getShort(VERSION_OFFSET) != VERSION) {
            return Check.BAD_VERSION;
        }
        return Check.OK;
    }

    public static long runId(ByteBuffer buf) {
        return buf.getLong(RUN_ID_OFFSET);
    }

    public static long seq(ByteBuffer buf) {
        return buf.getLong(SEQ_OFFSET);
    }

    public static long count(ByteBuffer buf) {
        return buf.getLong(COUNT_OFFSET);
    }

    public static long txNanos(ByteBuffer buf) {
        return buf.getLong(TX_NANOS_OFFSET);
    }
}
