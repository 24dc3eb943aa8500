package org.vroom.lab.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Sender and sink in this JVM over 127.0.0.1 (no root needed): the protocol end to end. */
class LoopbackTrafficTest {

    private static SeqSink.Config sinkConfig(long runId) {
        return new SeqSink.Config("127.0.0.1", 0, runId, 0, Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofMillis(100), 1 << 20);
    }

    @Test
    void aPacedRunArrivesCompleteAndOtherRunsAreIgnored() throws Exception {
        long runId = 1234;
        try (SeqSink sink = SeqSink.open(sinkConfig(runId))) {
            CompletableFuture<SinkReport> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return sink.run();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            int port = sink.localPort();
            SenderReport stray = SeqSender.run(new SeqSender.Config("127.0.0.1", port, null, 999, 50, 0, 64,
                    1_000_000));
            SenderReport sent = SeqSender.run(new SeqSender.Config("127.0.0.1", port, null, runId, 2_000, 20_000,
                    100, 2_000_000));
            SinkReport got = result.get(20, TimeUnit.SECONDS);
            assertEquals(50, stray.sent());
            assertEquals(2_000, sent.sent());
            assertEquals(0, sent.errors());
            assertTrue(sent.achievedPps() > 0);
            assertEquals(runId, got.runId());
            assertEquals(2_000, got.expected());
            assertEquals(50, got.foreign(), got::toJson);
            assertTrue(got.perfect(), got::toJson);
            assertEquals("complete", got.endReason());
            assertTrue(got.latencyMinNs() >= 0 && got.latencyMaxNs() >= got.latencyMinNs(), got::toJson);
        }
    }

    @Test
    void aSinkWithoutTrafficReportsNoTrafficAndAStopRequestEndsARun() throws Exception {
        SeqSink.Config quick = new SeqSink.Config("127.0.0.1", 0, 0, 10, Duration.ofSeconds(2),
                Duration.ofMillis(200), Duration.ofMillis(100), 1 << 16);
        try (SeqSink sink = SeqSink.open(quick)) {
            SinkReport r = sink.run();
            assertEquals("no-traffic", r.endReason());
            assertEquals(10, r.lost());
            assertEquals(0, r.received());
        }
        SeqSink.Config thousand = new SeqSink.Config("127.0.0.1", 0, 0, 1_000, Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofMillis(100), 1 << 20);
        try (SeqSink sink = SeqSink.open(thousand)) {
            CompletableFuture<SinkReport> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return sink.run();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // the sink expects 1,000 packets; only the first 100 come, so only stop() can end the run
            SeqSender.run(new SeqSender.Config("127.0.0.1", sink.localPort(), null, 5, 100, 0, 64, 1_000_000));
            sink.stop();
            SinkReport r = result.get(10, TimeUnit.SECONDS);
            assertEquals("stopped", r.endReason(), r::toJson);
            assertEquals(100, r.unique(), r::toJson);
            assertEquals(900, r.lost(), r::toJson);
            assertEquals(900, r.maxLossBurst(), r::toJson);
        }
    }
}
