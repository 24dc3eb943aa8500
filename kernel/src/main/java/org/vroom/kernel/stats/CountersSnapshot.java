package org.vroom.kernel.stats;

import java.nio.file.Path;
import java.util.List;

/**
 * Every allocated counter of a node file at one moment, with the header and the node's status.
 * Values of different counters are read one after the other, not atomically together.
 *
 * @param file           the counters file
 * @param header         its header
 * @param status         running, stopped or stale when the snapshot was taken
 * @param epochMs        wall clock time of the snapshot
 * @param nanoTime       monotonic time of the snapshot (for rates)
 * @param counters       allocated counters in id order
 * @param corruptRecords allocated records that could not be decoded (skipped)
 */
public record CountersSnapshot(
    Path file,
    CountersHeader header,
    NodeStatus status,
    long epochMs,
    long nanoTime,
    List<CounterRecord> counters,
    int corruptRecords) {

    /** The record of counter {@code id}, or {@code null}. */
    public CounterRecord byId(final int id) {
        for (final CounterRecord record : counters) {
            if (record.id() == id) {
                return record;
            }
        }
        return null;
    }

    /** The value of an entity counter, summed over its shards, or -1 when absent. */
    public long value(final int typeId, final String entityName, final String metric) {
        long sum = 0;
        boolean found = false;
        for (final CounterRecord record : counters) {
            if (record.typeId() == typeId && entityName.equals(record.entityName()) && metric.equals(record.metric())) {
                sum += record.value();
                found = true;
            }
        }
        return found ? sum : -1;
    }
}
