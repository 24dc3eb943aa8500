package org.vroom.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

/** The counter enums and the key/label layouts stay within what the file format allows. */
class CounterKindsTest {
    private static <E extends Enum<E> & CounterKind> void checkEnum(final Class<E> kinds, final int typeId) {
        final Set<Integer> codes = new HashSet<>();
        for (final E kind : kinds.getEnumConstants()) {
            assertTrue(kind.code() >= 0 && codes.add(kind.code()), kind + " code " + kind.code() + " reused");
            assertFalse(kind.description().isBlank(), kind + " has no description");
            final String metric = NodeCounters.metricName(kind);
            assertFalse(metric.contains(" "), metric);
            final String longest = "x".repeat(CounterTypes.MAX_ENTITY_NAME_LENGTH);
            final String label = CounterTypes.entityLabel(typeId, metric, Integer.MAX_VALUE, longest, Integer.MAX_VALUE);
            assertTrue(label.length() <= CountersReader.MAX_LABEL_LENGTH, label);
            assertTrue(label.startsWith(metric + " "), label);
        }
    }

    @Test
    void portAndVrCountersHaveUniqueCodesDescriptionsAndLabelsThatFit() {
        checkEnum(PortCounter.class, CounterTypes.PORT);
        checkEnum(VrCounter.class, CounterTypes.VR);
        assertTrue(CounterTypes.ENTITY_NAME_OFFSET + CounterTypes.MAX_ENTITY_NAME_LENGTH <= CountersReader.MAX_KEY_LENGTH);
        assertEquals(13, CounterTypes.MAX_LONG_KEYS);
        assertTrue(CounterTypes.isEntityType(CounterTypes.PORT) && CounterTypes.isEntityType(CounterTypes.VR));
        assertTrue(CounterTypes.isLongKeysType(CounterTypes.NODE));
        assertEquals("rx_frames port=eth0 shard=2", CounterTypes.entityLabel(CounterTypes.PORT, "rx_frames", 0, "eth0", 2));
        assertEquals("punted vr=3 name=red", CounterTypes.entityLabel(CounterTypes.VR, "punted", 3, "red", 0));
    }

    @Test
    void headerFitsAndKeepsValuesCacheLineAligned() {
        assertTrue(CountersLayout.NODE_NAME_OFFSET + CountersLayout.MAX_NODE_NAME_LENGTH <= CountersLayout.HEADER_LENGTH);
        assertEquals(0, CountersLayout.HEADER_LENGTH % CountersReader.COUNTER_LENGTH);
        assertEquals(0, (CountersLayout.HEADER_LENGTH + CountersLayout.metadataLength(3)) % 128);
        assertEquals("VRMC", new String(StatsFixtures.intBytes(CountersLayout.MAGIC), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void procStatStartTimeIsField22EvenWithAnAwkwardCommandName() {
        final String stat = "4242 (a) b (c) ) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 "
            + "1000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertEquals(987654, ProcessLiveness.parseStartTicks(stat));
        assertEquals(ProcessLiveness.UNKNOWN_START_TICKS, ProcessLiveness.parseStartTicks("garbage"));
        assertEquals(ProcessLiveness.UNKNOWN_START_TICKS, ProcessLiveness.parseStartTicks("1 (x) S 1 2"));
    }
}
