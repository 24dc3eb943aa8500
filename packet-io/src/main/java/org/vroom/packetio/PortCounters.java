package org.vroom.packetio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one packet port, readable from any thread at any time.
 *
 * <p>Writers: the thread that owns the port (the only one calling {@code receive}, {@code send} and
 * {@code flush}) updates everything except {@link #rxDrops()} with plain read-increment plus an opaque
 * store, so updates cost a normal store and readers never see a torn value. {@code rxDrops} comes from
 * the kernel ({@code PACKET_STATISTICS}) and is added atomically because it can be refreshed from
 * another thread.
 */
public final class PortCounters {
    private static final VarHandle RX_FRAMES;
    private static final VarHandle RX_BYTES;
    private static final VarHandle RX_DROPS;
    private static final VarHandle TX_FRAMES;
    private static final VarHandle TX_BYTES;
    private static final VarHandle TX_RING_FULL;
    private static final VarHandle ERRORS;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            RX_FRAMES = l.findVarHandle(PortCounters.class, "rxFrames", long.class);
            RX_BYTES = l.findVarHandle(PortCounters.class, "rxBytes", long.class);
            RX_DROPS = l.findVarHandle(PortCounters.class, "rxDrops", long.class);
            TX_FRAMES = l.findVarHandle(PortCounters.class, "txFrames", long.class);
            TX_BYTES = l.findVarHandle(PortCounters.class, "txBytes", long.class);
            TX_RING_FULL = l.findVarHandle(PortCounters.class, "txRingFull", long.class);
            ERRORS = l.findVarHandle(PortCounters.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long rxFrames;
    private long rxBytes;
    private long rxDrops;
    private long txFrames;
    private long txBytes;
    private long txRingFull;
    private long errors;

    /** Frames handed out by {@code receive}. */
    public long rxFrames() {
        return (long) RX_FRAMES.getOpaque(this);
    }

    /** Bytes of the frames handed out by {@code receive} (as handed out, VLAN tag included). */
    public long rxBytes() {
        return (long) RX_BYTES.getOpaque(this);
    }

    /** Frames lost before {@code receive} saw them because the receive ring was full. */
    public long rxDrops() {
        return (long) RX_DROPS.getVolatile(this);
    }

    /** Frames accepted by {@code send} into the transmit ring. */
    public long txFrames() {
        return (long) TX_FRAMES.getOpaque(this);
    }

    public long txBytes() {
        return (long) TX_BYTES.getOpaque(this);
    }

    /** {@code send} calls refused because the transmit ring was full. */
    public long txRingFull() {
        return (long) TX_RING_FULL.getOpaque(this);
    }

    /** Everything else that went wrong: bad lengths, truncated frames, failed kicks, peer gone. */
    public long errors() {
        return (long) ERRORS.getOpaque(this);
    }

    /** Owner thread only. */
    public void addRx(int frames, long bytes) {
        RX_FRAMES.setOpaque(this, rxFrames + frames);
        RX_BYTES.setOpaque(this, rxBytes + bytes);
    }

    /** Owner thread only. */
    public void addTx(int frames, long bytes) {
        TX_FRAMES.setOpaque(this, txFrames + frames);
        TX_BYTES.setOpaque(this, txBytes + bytes);
    }

    /** Owner thread only. */
    public void incTxRingFull() {
        TX_RING_FULL.setOpaque(this, txRingFull + 1);
    }

    /** Owner thread only. */
    public void incErrors() {
        ERRORS.setOpaque(this, errors + 1);
    }

    /** Any thread. */
    public void addRxDrops(long drops) {
        RX_DROPS.getAndAdd(this, drops);
    }

    @Override
    public String toString() {
        return "rxFrames=" + rxFrames() + " rxBytes=" + rxBytes() + " rxDrops=" + rxDrops()
            + " txFrames=" + txFrames() + " txBytes=" + txBytes() + " txRingFull=" + txRingFull()
            + " errors=" + errors();
    }
}
