package org.vroom.vr.loop;

/**
 * Sizes and limits of a {@link VrLoop}.
 *
 * @param taskQueueCapacity    bounded MPSC queue for tasks from other threads (rounded up to a power of two)
 * @param controlQueueCapacity bounded MPSC queue for control commands, which run even while frozen
 * @param frozenBufferBytes    bytes of inbound packets (plus 8 bytes each) kept while frozen; allocated
 *                             off-heap on the first freeze and freed when the loop closes
 * @param tasksPerTurn         most queued tasks run per turn (fairness between VRs sharing a thread)
 * @param timersPerTurn        most timers fired per turn
 * @param packetsPerTurn       most inbound packets polled per turn
 */
public record LoopOptions(int taskQueueCapacity, int controlQueueCapacity, int frozenBufferBytes, int tasksPerTurn,
                          int timersPerTurn, int packetsPerTurn) {
    public static final LoopOptions DEFAULT = new LoopOptions(1024, 64, 256 * 1024, 256, 256, 64);

    public LoopOptions {
        if (taskQueueCapacity < 2 || controlQueueCapacity < 2) {
            throw new IllegalArgumentException("queue capacities must be at least 2");
        }
        if (frozenBufferBytes < 64) {
            throw new IllegalArgumentException("frozen buffer must hold at least 64 bytes");
        }
        if (tasksPerTurn < 1 || timersPerTurn < 1 || packetsPerTurn < 1) {
            throw new IllegalArgumentException("per-turn limits must be at least 1");
        }
    }

    public LoopOptions withFrozenBufferBytes(int bytes) {
        return new LoopOptions(taskQueueCapacity, controlQueueCapacity, bytes, tasksPerTurn, timersPerTurn, packetsPerTurn);
    }

    public LoopOptions withTaskQueueCapacity(int capacity) {
        return new LoopOptions(capacity, controlQueueCapacity, frozenBufferBytes, tasksPerTurn, timersPerTurn, packetsPerTurn);
    }
}
