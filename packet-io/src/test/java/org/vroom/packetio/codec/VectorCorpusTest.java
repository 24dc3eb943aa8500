package org.vroom.packetio.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every checked-in vector through {@link FrameDecoder}, at offset 0 and at an odd offset. */
class VectorCorpusTest {
    static Stream<Vectors.Vector> good() {
        return Vectors.all("good").stream();
    }

    static Stream<Vectors.Vector> bad() {
        return Vectors.all("bad").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void goodVectorsDecode(Vectors.Vector vector) {
        assertEquals("OK", vector.expect(), vector.name());
        final FrameDecoder decoder = new FrameDecoder();
        for (int offset : new int[] {0, 5}) {
            final UnsafeBuffer buffer = placed(vector.bytes(), offset);
            final int code = decoder.decode(buffer, offset, vector.bytes().length);
            assertEquals("OK", ValidationResult.name(code), vector.description());
            assertEquals(vector.layers(), layerNames(decoder.layers()), vector.description());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badVectorsAreRejectedWithTheExpectedReason(Vectors.Vector vector) {
        assertNotEquals("OK", vector.expect(), vector.name() + " is in bad/ but expects OK");
        assertTrue(ValidationResult.forName(vector.expect()) > 0, "unknown code " + vector.expect());
        final FrameDecoder decoder = new FrameDecoder();
        for (int offset : new int[] {0, 3}) {
            final UnsafeBuffer buffer = placed(vector.bytes(), offset);
            final int code = decoder.decode(buffer, offset, vector.bytes().length);
            assertEquals(vector.expect(), ValidationResult.name(code), vector.description());
        }
    }

    static UnsafeBuffer placed(byte[] bytes, int offset) {
        final byte[] copy = new byte[offset + bytes.length];
        System.arraycopy(bytes, 0, copy, offset, bytes.length);
        return new UnsafeBuffer(copy);
    }

    static String layerNames(int layers) {
        final StringBuilder sb = new StringBuilder();
        final List<String> names = List.of("ETHERNET", "ARP", "IPV4", "ICMP", "UDP", "TUNNEL");
        for (int i = 0; i < names.size(); i++) {
            if ((layers & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : " ").append(names.get(i));
            }
        }
        return sb.toString();
    }
}
