package org.vroom.vr.loop;

/**
 * A source of inbound control packets polled by a {@link VrLoop} on every turn, frozen or not (the
 * kernel's punt-ring reader, a tunnel from the old node during migration, an in-memory link in tests).
 * It hands each packet to {@link VrLoop#receive}, which delivers or, while frozen, buffers it.
 */
@FunctionalInterface
public interface InboundPoller {
    /** Delivers at most {@code limit} packets; returns how many. */
    int poll(VrLoop loop, int limit);
}
