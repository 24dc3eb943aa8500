package org.vroom.vr.checkpoint;

import org.vroom.checkpoint.Checkpointable;
import org.vroom.vr.VrConfig;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.rib.RibCheckpoint;
import org.vroom.vr.spi.ProtocolConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The checkpoint parts of a VR in the order a restore applies them: {@code config} first, then
 * {@code rib}, then whatever the caller adds (host stack, protocols). Source and target must list the
 * same part names; the {@link org.vroom.checkpoint.Restorer} names any difference.
 */
public final class VrParts {
    private VrParts() {
    }

    /** Source side: the live configuration and RIB, then {@code more}. */
    public static List<Checkpointable> source(Supplier<VrConfig> config, Rib rib, List<? extends Checkpointable> more) {
        List<Checkpointable> parts = new ArrayList<>();
        parts.add(new ConfigCheckpoint(config));
        parts.add(new RibCheckpoint(rib));
        parts.addAll(more);
        return parts;
    }

    /** Target side: a config part with {@code resolver}, the (empty) RIB to fill, then {@code more}. */
    public static List<Checkpointable> target(Function<String, ProtocolConfig> resolver, Rib rib,
                                              List<? extends Checkpointable> more) {
        List<Checkpointable> parts = new ArrayList<>();
        parts.add(ConfigCheckpoint.forRestore(resolver));
        parts.add(new RibCheckpoint(rib));
        parts.addAll(more);
        return parts;
    }
}
