package org.vroom.checkpoint.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A persisted Chronicle store survives the crash of the process that wrote it: a child JVM (started
 * without {@code -Dchronicle.analytics.disable}, to show that the factory sets it) fills a store and
 * halts without closing anything; this JVM opens the file with recovery and finds every entry.
 */
class ChronicleCrashRecoveryTest {
    static final int ENTRIES = 5_000;

    @TempDir
    Path dir;

    /** The child: {@code args[0]} the file. Prints the analytics property as Chronicle will see it, then dies. */
    public static void main(String[] args) throws Exception {
        String before = System.getProperty(StateStores.ANALYTICS_PROPERTY);
        StateStore s = StateStores.chronicle(config(Path.of(args[0])));
        UnsafeBuffer v = new UnsafeBuffer(new byte[64]);
        for (int k = 0; k < ENTRIES; k++) {
            v.putInt(0, k * 3);
            s.put(k, v, 0, 8 + k % 50);
        }
        System.out.println("before=" + before + " after=" + System.getProperty(StateStores.ANALYTICS_PROPERTY)
                + " size=" + s.size());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    static StoreConfig config(Path file) {
        return StoreConfig.inMemory("crash", ENTRIES, 32, 64).persistedTo(file);
    }

    @Test
    void aStoreLeftByACrashedProcessIsRecovered() throws IOException, InterruptedException {
        Path file = dir.resolve("crash.cm3");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-D" + StateStores.ANALYTICS_PROPERTY) && !a.startsWith("-agentlib")
                    && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChronicleCrashRecoveryTest.class.getName());
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finishes");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("before=null after=true size=" + ENTRIES), out);
        } finally {
            p.destroyForcibly();
        }
        try (StateStore s = StateStores.chronicle(config(file))) {
            assertEquals(ENTRIES, s.size());
            UnsafeBuffer dst = new UnsafeBuffer(new byte[64]);
            for (int k = 0; k < ENTRIES; k++) {
                assertEquals(8 + k % 50, s.get(k, dst, 0));
                assertEquals(k * 3, dst.getInt(0));
            }
        }
    }
}
