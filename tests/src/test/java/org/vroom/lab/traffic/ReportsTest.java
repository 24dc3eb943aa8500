package org.vroom.lab.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReportsTest {

    @Test
    void senderReportRoundTrips() {
        SenderReport r = new SenderReport(42, 100, 99, 1, 5_000, 64, 123_456, 4999.5, 2,
                "java.net.PortUnreachableException: \"quoted\"\n");
        assertEquals(r, SenderReport.parse(r.toJson()));
    }

    @Test
    void sinkReportRoundTrips() {
        SinkReport r = new SinkReport(7, 100, 98, 97, 3, 1, 4, 2, 0, 5, 6, 2, 1, 1_000_000, 97_000.25, 20_000,
                1_000, 2_000, 3_000, 425_984, "last-seen");
        assertEquals(r, SinkReport.parse(r.toJson()));
    }

    @Test
    void flatJsonParsesWhatOthersWrite() {
        Map<String, String> m = FlatJson.parse(" { \"a\" : -1.5e3 , \"b\":true,\"c\":null,\"d\":\"x\\u0041\\/\" } ");
        assertEquals("-1.5e3", m.get("a"));
        assertEquals("true", m.get("b"));
        assertNull(m.get("c"));
        assertEquals("xA/", m.get("d"));
        assertEquals(Map.of(), FlatJson.parse("{}"));
    }

    @Test
    void flatJsonRejectsOtherShapes() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":[1]}", "{\"a\":1} x",
                "{\"a\":\"unterminated}", "{\"a\":1e}", "[]"}) {
            assertThrows(IllegalArgumentException.class, () -> FlatJson.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> SinkReport.parse("{\"type\":\"sender\"}"));
        assertThrows(IllegalArgumentException.class, () -> SinkReport.parse("{\"type\":\"sink\"}"));
    }

    @Test
    void packetHeaderChecksNeverThrow() {
        ByteBuffer b = ByteBuffer.allocate(64);
        assertEquals(SeqPacket.Check.TOO_SHORT, SeqPacket.check(b, SeqPacket.HEADER_LENGTH - 1));
        assertEquals(SeqPacket.Check.BAD_MAGIC, SeqPacket.check(b, 64));
        SeqPacket.writeHeader(b, 9, 1000);
        b.putShort(SeqPacket.VERSION_OFFSET, (short) 2);
        assertEquals(SeqPacket.Check.BAD_VERSION, SeqPacket.check(b, 64));
        SeqPacket.writeHeader(b, 9, 1000);
        SeqPacket.writeSeq(b, 0x0102030405060708L, 77);
        assertEquals(SeqPacket.Check.OK, SeqPacket.check(b, 64));
        assertEquals(9, SeqPacket.runId(b));
        assertEquals(1000, SeqPacket.count(b));
        assertEquals(0x0102030405060708L, SeqPacket.seq(b));
        assertEquals(77, SeqPacket.txNanos(b));
        assertEquals(0x08, b.get(23), "the sequence number's low byte sits at payload offset 23");
    }
}
