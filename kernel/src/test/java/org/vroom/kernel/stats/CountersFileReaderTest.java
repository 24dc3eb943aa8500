package org.vroom.kernel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vroom.kernel.stats.CountersFileException.Reason;

class CountersFileReaderTest {
    @TempDir
    Path dir;

    private CountersFileException openFails(final Path file, final Reason reason, final String text) {
        final CountersFileException e = assertThrows(CountersFileException.class, () -> CountersFileReader.open(file));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "the message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void aMissingFileSaysNoNodeOfThatNameIsRunning() {
        openFails(dir.resolve("nope.counters"), Reason.MISSING, "no vroom node named 'nope' is running");
    }

    @Test
    void anEmptyOrShortFileIsTooSmall() throws Exception {
        final Path file = dir.resolve("empty.counters");
        Files.write(file, new byte[0]);
        openFails(file, Reason.TOO_SMALL, "shorter than the 1024-byte header");
        Files.write(file, new byte[1023]);
        openFails(file, Reason.TOO_SMALL, "1023 bytes");
    }

    @Test
    void randomBytesAreNotACountersFile() throws Exception {
        final Path file = dir.resolve("random.counters");
        final byte[] bytes = new byte[8192];
        new Random(42).nextBytes(bytes);
        Files.write(file, bytes);
        openFails(file, Reason.BAD_MAGIC, "not a vroom counters file");
        Files.write(file, new byte[8192]);
        openFails(file, Reason.BAD_MAGIC, "header never written");
    }

    @Test
    void anotherLayoutVersionIsReportedAsSuch() throws Exception {
        final Path file = dir.resolve("v.counters");
        StatsFixtures.writeFile(file, "v", 1, 0, 8);
        StatsFixtures.patch(file, CountersLayout.VERSION_OFFSET, StatsFixtures.intBytes(99));
        openFails(file, Reason.UNSUPPORTED_VERSION, "version 99");
    }

    @Test
    void impossibleHeaderValuesAreCorrupt() throws Exception {
        final Path file = dir.resolve("c.counters");
        StatsFixtures.writeFile(file, "c", 1, 0, 8);
        StatsFixtures.patch(file, CountersLayout.METADATA_LENGTH_OFFSET, StatsFixtures.intBytes(100));
        openFails(file, Reason.CORRUPT, "metadata length 100");

        StatsFixtures.writeFile(file, "c", 1, 0, 8);
        StatsFixtures.patch(file, CountersLayout.NODE_NAME_LENGTH_OFFSET, StatsFixtures.intBytes(1000));
        openFails(file, Reason.CORRUPT, "node name length 1000");

        StatsFixtures.writeFile(file, "c", 1, 0, 8);
        StatsFixtures.patch(file, CountersLayout.STATE_OFFSET, StatsFixtures.intBytes(7));
        openFails(file, Reason.CORRUPT, "state 7");
    }

    @Test
    void aTruncatedFileIsReported() throws Exception {
        final Path full = dir.resolve("full.counters");
        StatsFixtures.writeFile(full, "full", 1, 0, 64);
        final Path cut = dir.resolve("cut.counters");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(full), 4096));
        openFails(cut, Reason.TOO_SMALL, "truncated");
    }

    @Test
    void aCorruptRecordIsSkippedAndCountedWithoutThrowing() throws Exception {
        final Path file;
        final int badId;
        try (NodeCounters node = NodeCounters.create(
            new NodeCounters.Config("rec").directory(dir).maxCounters(64).deleteOnClose(false))) {
            final CounterSet<PortCounter> eth0 = node.ports("eth0");
            eth0.get(PortCounter.RX_FRAMES).setRelease(11);
            badId = eth0.get(PortCounter.TX_BYTES).id();
            node.vr(9, "nine");
            file = node.file();
        }
        final long recordOffset = CountersLayout.HEADER_LENGTH + CountersReader.metaDataOffset(badId);
        StatsFixtures.patch(file, recordOffset + CountersReader.LABEL_OFFSET, StatsFixtures.intBytes(1_000_000));
        final CountersSnapshot snap = CountersFileReader.open(file).snapshot();
        assertEquals(1, snap.corruptRecords());
        assertEquals(PortCounter.values().length + VrCounter.values().length - 1, snap.counters().size());
        assertEquals(11, snap.value(CounterTypes.PORT, "eth0", "rx_frames"));
        assertEquals(null, snap.byId(badId));

        // a bad entity name length in a key is skipped the same way
        final int otherId = badId + 1;
        StatsFixtures.patch(file, CountersLayout.HEADER_LENGTH + CountersReader.metaDataOffset(otherId)
            + CountersReader.KEY_OFFSET + CounterTypes.ENTITY_NAME_LENGTH_OFFSET, StatsFixtures.intBytes(-3));
        assertEquals(2, CountersFileReader.open(file).snapshot().corruptRecords());
    }
}
