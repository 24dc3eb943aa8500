package org.vroom.vr.testkit;

import org.vroom.vr.shadow.DataPlaneHypervisor;
import org.vroom.vr.shadow.FibUpdateBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hypervisor for tests: keeps every batch per VR and applies it to a strict {@link FibModel}, so a
 * contract breach fails the test at the batch that caused it.
 */
public final class RecordingHypervisor implements DataPlaneHypervisor {
    private final Map<Integer, List<FibUpdateBatch>> batches = new HashMap<>();
    private final Map<Integer, FibModel> models = new HashMap<>();
    private boolean keepBatches = true;

    @Override
    public void apply(int vrId, FibUpdateBatch batch) {
        if (keepBatches) {
            batches.computeIfAbsent(vrId, k -> new ArrayList<>()).add(batch);
        }
        models.computeIfAbsent(vrId, k -> new FibModel()).apply(batch);
    }

    /** Whether to keep the batches themselves (the model is always kept). */
    public RecordingHypervisor keepBatches(boolean keep) {
        this.keepBatches = keep;
        return this;
    }

    public List<FibUpdateBatch> batches(int vrId) {
        return batches.getOrDefault(vrId, List.of());
    }

    /** The batches received for {@code vrId} since the last call, and forgets them. */
    public List<FibUpdateBatch> take(int vrId) {
        List<FibUpdateBatch> list = batches.remove(vrId);
        return list == null ? List.of() : list;
    }

    public FibModel model(int vrId) {
        return models.computeIfAbsent(vrId, k -> new FibModel());
    }

    /** Forgets VR {@code vrId} entirely. */
    public void forget(int vrId) {
        batches.remove(vrId);
        models.remove(vrId);
    }
}
