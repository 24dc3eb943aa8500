package org.vroom.kernel.stats;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Counter type ids and the layout of each type's key (Agrona gives every counter a type id and a
 * {@value CountersReader#MAX_KEY_LENGTH}-byte key next to its label). A reader groups counters by
 * these without knowing the writer's enums, so an old {@code vroom stat} still groups the counters of
 * a newer node.
 *
 * <h2>Type id ranges</h2>
 * <ul>
 *   <li>{@code 0}: Agrona's default; vroom never allocates it.</li>
 *   <li>{@value #LONG_KEYS_MIN}..{@value #LONG_KEYS_MAX}: <b>long-keys</b> counters made by
 *       {@link NodeCounters#counter(int, String, long...)}; the label is the counter's name.
 *       {@value #NODE} is for node-wide counters.</li>
 *   <li>{@value #ENTITY_MIN}..{@value #ENTITY_MAX}: <b>entity</b> counters made by {@link CounterSet}s:
 *       {@value #PORT} for ports, {@value #VR} for virtual routers; new entity kinds (tunnels,
 *       bindings, ...) take the next free id and reuse the same key layout.</li>
 * </ul>
 *
 * <h2>Key layouts (little-endian)</h2>
 * <pre>
 *  entity counters                         long-keys counters
 *  0   int  metric code (CounterKind.code)  0   int  number of keys K (0..13)
 *  4   int  entity id (VR id; 0 for ports)  4   int  0
 *  8   int  shard (index of the writer      8   K longs
 *           thread; 0 with one writer)
 *  12  int  entity name length N (1..64)
 *  16  N    entity name, US-ASCII
 * </pre>
 *
 * <p>Entity labels read {@code "<metric> <kind>=<entity-id-or-name>[ name=<name>][ shard=<n>]"}, for
 * example {@code "rx_frames port=eth0"} or {@code "drop_ttl_expired vr=7 name=blue shard=1"}; the metric
 * name is the label's first word.
 */
public final class CounterTypes {
    /** Node-wide counters (long-keys layout). */
    public static final int NODE = 1;
    /**
     * Counters of a VR's host stack and container (IP dispatch, TCP, UDP; long-keys layout, key 0 = VR id,
     * label {@code "<counter> vr=<vr name>"}, for example {@code "vr.tcp.rx.segments vr=red"}).
     */
    public static final int VR_STACK = 2;
    public static final int LONG_KEYS_MIN = 1;
    public static final int LONG_KEYS_MAX = 999;

    /** Per-port counters, {@link PortCounter} (entity layout, entity id 0, name = port name). */
    public static final int PORT = 1001;
    /** Per-VR counters, {@link VrCounter} (entity layout, entity id = VR id, name = VR name). */
    public static final int VR = 1002;
    public static final int ENTITY_MIN = 1000;
    public static final int ENTITY_MAX = 1999;

    public static final int METRIC_CODE_OFFSET = 0;
    public static final int ENTITY_ID_OFFSET = 4;
    public static final int SHARD_OFFSET = 8;
    public static final int ENTITY_NAME_LENGTH_OFFSET = 12;
    public static final int ENTITY_NAME_OFFSET = 16;
    public static final int MAX_ENTITY_NAME_LENGTH = 64;

    public static final int KEY_COUNT_OFFSET = 0;
    public static final int KEYS_OFFSET = 8;
    public static final int MAX_LONG_KEYS = (CountersReader.MAX_KEY_LENGTH - KEYS_OFFSET) / Long.BYTES;

    private CounterTypes() {
    }

    /** True for type ids of the entity range. */
    public static boolean isEntityType(final int typeId) {
        return typeId >= ENTITY_MIN && typeId <= ENTITY_MAX;
    }

    /** True for type ids of the long-keys range. */
    public static boolean isLongKeysType(final int typeId) {
        return typeId >= LONG_KEYS_MIN && typeId <= LONG_KEYS_MAX;
    }

    /** Short word naming an entity kind in labels and in {@code vroom stat}: "port", "vr", "entity1003". */
    public static String entityKindName(final int typeId) {
        return switch (typeId) {
            case PORT -> "port";
            case VR -> "vr";
            default -> "entity" + typeId;
        };
    }

    /**
     * Checks an entity (port or VR) name: 1..{@value #MAX_ENTITY_NAME_LENGTH} printable US-ASCII
     * characters without spaces, quotes, backslashes or '='.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static String validateEntityName(final String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_ENTITY_NAME_LENGTH) {
            throw new IllegalArgumentException(
                "entity name must have 1.." + MAX_ENTITY_NAME_LENGTH + " characters: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '=') {
                throw new IllegalArgumentException("entity name has an invalid character at " + i + ": " + name);
            }
        }
        return name;
    }

    /** Writes an entity key; returns its length. */
    static int writeEntityKey(
        final MutableDirectBuffer key, final int metricCode, final int entityId, final int shard, final String name) {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        key.putInt(METRIC_CODE_OFFSET, metricCode);
        key.putInt(ENTITY_ID_OFFSET, entityId);
        key.putInt(SHARD_OFFSET, shard);
        key.putInt(ENTITY_NAME_LENGTH_OFFSET, bytes.length);
        key.putBytes(ENTITY_NAME_OFFSET, bytes);
        return ENTITY_NAME_OFFSET + bytes.length;
    }

    /** Writes a long-keys key; returns its length. */
    static int writeLongKeys(final MutableDirectBuffer key, final long[] keys) {
        key.putInt(KEY_COUNT_OFFSET, keys.length);
        key.putInt(KEY_COUNT_OFFSET + Integer.BYTES, 0);
        for (int i = 0; i < keys.length; i++) {
            key.putLong(KEYS_OFFSET + i * Long.BYTES, keys[i]);
        }
        return KEYS_OFFSET + keys.length * Long.BYTES;
    }

    /** Label of an entity counter (see the class comment). */
    static String entityLabel(
        final int typeId, final String metric, final int entityId, final String name, final int shard) {
        final StringBuilder sb = new StringBuilder(64).append(metric).append(' ').append(entityKindName(typeId));
        if (typeId == PORT) {
            sb.append('=').append(name);
        } else {
            sb.append('=').append(entityId).append(" name=").append(name);
        }
        if (shard != 0) {
            sb.append(" shard=").append(shard);
        }
        return sb.toString();
    }

    /**
     * Reads the entity name of an entity key at {@code offset}, or {@code null} when the length is out
     * of range. Never throws for a full-length key.
     */
    static String readEntityName(final DirectBuffer buffer, final int keyOffset) {
        final int length = buffer.getInt(keyOffset + ENTITY_NAME_LENGTH_OFFSET);
        if (length <= 0 || length > MAX_ENTITY_NAME_LENGTH) {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(keyOffset + ENTITY_NAME_OFFSET, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Reads the longs of a long-keys key at {@code offset}, or {@code null} when the count is out of range. */
    static long[] readLongKeys(final DirectBuffer buffer, final int keyOffset) {
        final int count = buffer.getInt(keyOffset + KEY_COUNT_OFFSET);
        if (count < 0 || count > MAX_LONG_KEYS) {
            return null;
        }
        final long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = buffer.getLong(keyOffset + KEYS_OFFSET + i * Long.BYTES);
        }
        return keys;
    }
}
