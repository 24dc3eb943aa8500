package org.vroom.kernel.stats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the stats tests. */
final class StatsFixtures {
    private StatsFixtures() {
    }

    /** A pid with no /proc entry right now (searched downwards from pid_max). */
    static long deadPid() throws IOException {
        final long pidMax;
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/pid_max"))) {
            pidMax = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        for (long pid = pidMax - 1; pid > 300; pid--) {
            if (!Files.exists(Path.of("/proc/" + pid))) {
                return pid;
            }
        }
        throw new IllegalStateException("no free pid");
    }

    /**
     * Writes a counters file by hand with a valid, empty layout whose header names {@code pid}, as a
     * node that died (or is alive elsewhere) would have left it.
     */
    static void writeFile(final Path file, final String nodeName, final long pid, final long startTicks,
        final int maxCounters) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            final MappedByteBuffer mapped =
                channel.map(FileChannel.MapMode.READ_WRITE, 0, CountersLayout.fileLength(maxCounters));
            CountersLayout.writeHeader(new UnsafeBuffer(mapped, 0, CountersLayout.HEADER_LENGTH), pid, startTicks,
                1_700_000_000_000L, 0, maxCounters, nodeName);
            mapped.force();
        }
    }

    /** Overwrites {@code bytes} at {@code offset} of a file. */
    static void patch(final Path file, final long offset, final byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes), offset);
        }
    }

    /** Little-endian int as bytes. */
    static byte[] intBytes(final int value) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    /** A PrintStream whose text can be read back. */
    static final class Capture {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        void reset() {
            stream.flush();
            bytes.reset();
        }

        String text() {
            stream.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
