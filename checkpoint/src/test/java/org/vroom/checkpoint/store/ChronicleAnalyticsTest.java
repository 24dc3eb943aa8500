package org.vroom.checkpoint.store;

import net.openhft.chronicle.core.analytics.AnalyticsFacade;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chronicle never phones home from a vroom node: the analytics library is not on the class path, the
 * property that disables analytics is set, and heavy use of Chronicle Map makes no host-name lookup at
 * all (a lookup is the first step of any connection to an analytics host). The recording resolver is
 * shown to see a deliberate lookup first, so the last assertion can fail.
 */
class ChronicleAnalyticsTest {
    @TempDir
    Path dir;

    @Test
    void chronicleMapMakesNoLookupAndHasNoAnalytics() throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.analytics.Analytics"),
                "net.openhft:chronicle-analytics must stay excluded");

        // LOOKUPS holds every lookup since this JVM started, so Chronicle use by earlier tests counts too
        int before = RecordingResolverProvider.LOOKUPS.size();
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName("analytics-probe.invalid"));
        assertEquals("analytics-probe.invalid", RecordingResolverProvider.LOOKUPS.get(before),
                "the test resolver sees lookups: it would see one made by an analytics client");

        StoreConfig config = StoreConfig.inMemory("analytics-check", 20_000, 32, 64);
        UnsafeBuffer v = new UnsafeBuffer(new byte[64]);
        ExpandableArrayBuffer dst = new ExpandableArrayBuffer(64);
        try (StateStore mem = StateStores.chronicle(config);
             StateStore file = StateStores.chronicle(config.persistedTo(dir.resolve("a.cm3")))) {
            for (StateStore s : new StateStore[] {mem, file}) {
                for (int k = 0; k < 20_000; k++) {
                    v.putInt(0, k);
                    s.put(k, v, 0, 16 + k % 40);
                }
                long[] sum = {0};
                s.forEach((k, value, o, n) -> sum[0] += value.getInt(o));
                assertEquals(20_000L * 19_999 / 2, sum[0]);
                for (int k = 0; k < 20_000; k += 2) {
                    assertTrue(s.get(k, dst, 0) > 0);
                    s.remove(k);
                }
                assertEquals(10_000, s.size());
            }
        }
        assertEquals("true", System.getProperty(StateStores.ANALYTICS_PROPERTY));
        assertFalse(AnalyticsFacade.isEnabled(), "Chronicle's own view: analytics off");
        List<String> others = RecordingResolverProvider.LOOKUPS.stream().filter(h -> !h.equals("analytics-probe.invalid"))
                .toList();
        assertEquals(List.of(), others, "no host was looked up while Chronicle Map worked, in this test or before");
    }
}
