package org.vroom.kernel.stats;

/**
 * One counter as read from a counters file.
 *
 * @param id             Agrona counter id (slot; reused after a free and the reuse timeout)
 * @param registrationId allocation sequence number of the node: (id, registrationId) names one
 *                       allocation, so a reader never mixes a freed counter with its successor
 * @param typeId         see {@link CounterTypes}
 * @param label          full label
 * @param value          value read with volatile semantics
 * @param kind           "port", "vr", "entity1003" for entity types; "node" or "type42" otherwise
 * @param entityId       VR id for VR counters, 0 otherwise
 * @param entityName     port or VR name for entity types, else {@code null}
 * @param shard          writer index of entity counters, else 0
 * @param metricCode     {@link CounterKind#code()} for entity types, else -1
 * @param metric         metric name ({@code rx_frames}); the label for other types
 * @param keys           the keys of long-keys counters, else empty (do not modify)
 */
public record CounterRecord(
    int id,
    long registrationId,
    int typeId,
    String label,
    long value,
    String kind,
    int entityId,
    String entityName,
    int shard,
    int metricCode,
    String metric,
    long[] keys) {

    /** True for counters of an entity (port, VR, ...). */
    public boolean isEntity() {
        return entityName != null;
    }

    /** "port eth0", "vr 7 blue", or the kind for counters that belong to no entity. */
    public String group() {
        if (entityName == null) {
            return kind;
        }
        return entityId != 0 ? kind + " " + entityId + " " + entityName : kind + " " + entityName;
    }
}
