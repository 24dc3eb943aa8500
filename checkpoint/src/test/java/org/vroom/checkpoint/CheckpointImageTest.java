package org.vroom.checkpoint;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The container: round trips, the header, and every refusal the Restorer promises. */
class CheckpointImageTest {
    final MapPart config = new MapPart("config");
    final MapPart rib = new MapPart("rib");
    final AtomicLong series = new AtomicLong(0x5E51E5);
    final Checkpointer checkpointer = new Checkpointer(42, "edge-1", List.of(config, rib), () -> 1_700_000_000_000L,
            series::incrementAndGet, 256);

    static byte[] copy(DirectBuffer image) {
        byte[] b = new byte[image.capacity()];
        image.getBytes(0, b);
        return b;
    }

    static UnsafeBuffer buf(byte[] b) {
        return new UnsafeBuffer(b);
    }

    MapPart newConfig() {
        return new MapPart("config");
    }

    @Test
    void snapshotThenDeltasRestoreIncrementally() {
        config.put(1, "name=edge-1");
        for (int i = 0; i < 100; i++) {
            rib.put(i, "route " + i);
        }
        byte[] snapshot = copy(checkpointer.snapshot());
        MapPart config2 = newConfig();
        MapPart rib2 = new MapPart("rib");
        Restorer restorer = new Restorer(List.of(config2, rib2));
        ImageHeader h = restorer.apply(buf(snapshot));
        assertEquals(new ImageHeader(1, 0, ImageKind.SNAPSHOT, 42, "edge-1", 0x5E51E6, 0, 1_700_000_000_000L, 2,
                snapshot.length), h);
        assertEquals(rib.map, rib2.map);
        assertEquals(config.map, config2.map);

        for (int round = 1; round <= 5; round++) {
            for (int i = 0; i < 10; i++) {
                rib.put(round * 1000 + i, "new " + round);
                rib.remove(round * 10 + i);
            }
            byte[] delta = copy(checkpointer.delta());
            h = restorer.apply(buf(delta));
            assertEquals(ImageKind.DELTA, h.kind());
            assertEquals(round, h.round());
            assertEquals(round, restorer.round());
            assertEquals(rib.map, rib2.map, "after round " + round);
        }
        byte[] empty = copy(checkpointer.delta());
        assertEquals(0, checkpointer.sectionLength(1) - 1, "an empty delta of the map part is one var int");
        restorer.apply(buf(empty));
        assertEquals(6, restorer.round());
        assertEquals(7, restorer.imagesApplied());
    }

    @Test
    void theHeaderIsLaidOutAsFormatMdSays() {
        byte[] b = copy(checkpointer.snapshot());
        UnsafeBuffer u = buf(b);
        assertEquals(0x5652434B, u.getInt(0, ByteOrder.BIG_ENDIAN));
        assertEquals(1, u.getShort(4, ByteOrder.BIG_ENDIAN));
        assertEquals(0, u.getShort(6, ByteOrder.BIG_ENDIAN));
        assertEquals(46 + 6, u.getShort(8, ByteOrder.BIG_ENDIAN), "header length with a 6-byte name");
        assertEquals(1, u.getByte(10));
        assertEquals(42, u.getInt(12, ByteOrder.BIG_ENDIAN));
        assertEquals(0x5E51E6L, u.getLong(16, ByteOrder.BIG_ENDIAN));
        assertEquals(0, u.getInt(24, ByteOrder.BIG_ENDIAN));
        assertEquals(1_700_000_000_000L, u.getLong(28, ByteOrder.BIG_ENDIAN));
        assertEquals(2, u.getInt(36, ByteOrder.BIG_ENDIAN));
        assertEquals("edge-1", u.getStringWithoutLengthAscii(42, 6));
        int s = 52;
        assertEquals(6, u.getByte(s));
        assertEquals("config", u.getStringWithoutLengthAscii(s + 1, 6));
        assertEquals(1, u.getInt(s + 7, ByteOrder.BIG_ENDIAN), "part version");
        assertEquals(1, u.getInt(s + 11, ByteOrder.BIG_ENDIAN), "payload: one var int 0");
        int trailer = b.length - 12;
        assertEquals(0x56524345, u.getInt(trailer, ByteOrder.BIG_ENDIAN));
        assertEquals(2, u.getInt(trailer + 4, ByteOrder.BIG_ENDIAN));
        assertEquals(b.length, u.getInt(trailer + 8, ByteOrder.BIG_ENDIAN));
        assertEquals(b.length, ImageFormat.MIN_IMAGE_LENGTH + 6 + 2 * (ImageFormat.SECTION_OVERHEAD + 1) + 6 + 3);
    }

    @Test
    void aMinorVersionWithExtraHeaderFieldsIsRead() {
        byte[] b = copy(checkpointer.snapshot());
        // build a 1.3 image: 8 more header bytes before the header CRC
        int oldHeader = 52;
        byte[] n = new byte[b.length + 8];
        System.arraycopy(b, 0, n, 0, oldHeader - 4);
        System.arraycopy(b, oldHeader, n, oldHeader + 8, b.length - oldHeader);
        UnsafeBuffer u = buf(n);
        u.putShort(6, (short) 3, ByteOrder.BIG_ENDIAN);
        u.putShort(8, (short) (oldHeader + 8), ByteOrder.BIG_ENDIAN);
        u.putLong(oldHeader - 4, 0xFEED_FACEL, ByteOrder.BIG_ENDIAN);
        u.putInt(oldHeader + 4, new Crc32cOf().compute(u, 0, oldHeader + 4), ByteOrder.BIG_ENDIAN);
        u.putInt(n.length - 4, n.length, ByteOrder.BIG_ENDIAN);
        ImageHeader h = new Restorer(List.of(newConfig(), new MapPart("rib"))).apply(u);
        assertEquals(3, h.minor());
    }

    static String refusal(Restorer r, byte[] image) {
        return assertThrows(CheckpointFormatException.class, () -> r.apply(buf(image))).getMessage();
    }

    Restorer target() {
        return new Restorer(List.of(newConfig(), new MapPart("rib")));
    }

    @Test
    void aNewerMajorVersionIsRefusedWithAnUpgradeHint() {
        byte[] b = copy(checkpointer.snapshot());
        buf(b).putShort(4, (short) 2, ByteOrder.BIG_ENDIAN);
        assertEquals("checkpoint format 2.0 is newer than this node reads (1.x): upgrade the node", refusal(target(), b));
        buf(b).putShort(4, (short) 0, ByteOrder.BIG_ENDIAN);
        assertEquals("checkpoint format 0.0 is older than this node reads (1.x)", refusal(target(), b));
    }

    @Test
    void badMagicHeaderCrcAndUnknownKindAreRefused() {
        byte[] b = copy(checkpointer.snapshot());
        byte[] m = b.clone();
        m[0] = 'X';
        assertTrue(refusal(target(), m).startsWith("not a vroom checkpoint image: magic 0x5852434b"));
        byte[] h = b.clone();
        h[45] ^= 0x20; // a letter of the VR name
        assertTrue(refusal(target(), h).startsWith("header CRC-32C mismatch"), refusal(target(), h));
    }

    @Test
    void aCorruptSectionIsRefusedNamingItsPart() {
        rib.put(7, "seven");
        byte[] b = copy(checkpointer.snapshot());
        b[b.length - 12 - 4 - 2] ^= 1; // inside the rib payload
        String m = refusal(target(), b);
        assertTrue(m.startsWith("part 'rib' (section 1 at byte "), m);
        assertTrue(m.contains("CRC-32C mismatch"), m);
    }

    @Test
    void everyTruncationIsRefused() {
        rib.put(7, "seven");
        byte[] b = copy(checkpointer.snapshot());
        for (int n = 0; n < b.length; n++) {
            byte[] t = java.util.Arrays.copyOf(b, n);
            String m = refusal(target(), t);
            assertTrue(m.contains("truncated") || m.contains("trailer"), n + ": " + m);
        }
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
        assertTrue(refusal(target(), longer).contains("1 bytes after the trailer"));
    }

    @Test
    void deltasOutOfOrderAreRefusedAndLeaveTheStateAlone() {
        rib.put(1, "a");
        byte[] s0 = copy(checkpointer.snapshot());
        rib.put(2, "b");
        byte[] d1 = copy(checkpointer.delta());
        rib.put(3, "c");
        byte[] d2 = copy(checkpointer.delta());
        rib.put(4, "d");
        byte[] d3 = copy(checkpointer.delta());

        MapPart rib2 = new MapPart("rib");
        Restorer r = new Restorer(List.of(newConfig(), rib2));
        assertTrue(refusal(r, d1).endsWith("delta round 1 of series 5e51e6 arrived before any snapshot"));
        r.apply(buf(s0));
        assertEquals("delta round 2 of series 5e51e6 after round 0: round gap, round 1 missing", refusal(r, d2));
        assertEquals("delta round 3 of series 5e51e6 after round 0: round gap, rounds 1..2 missing", refusal(r, d3));
        r.apply(buf(d1));
        assertEquals("delta round 1 of series 5e51e6 was already applied (last round 1): duplicate or out of order",
                refusal(r, d1));
        assertEquals(List.of(1L, 2L), List.copyOf(rib2.map.keySet()), "refused images changed nothing");

        rib.put(5, "e");
        checkpointer.snapshot(); // a new series on the source
        rib.put(6, "f");
        byte[] other = copy(checkpointer.delta());
        assertEquals("delta round 1 of series 5e51e7 belongs to another series than the snapshot restored here (5e51e6):"
                + " wrong series", refusal(r, other));

        Checkpointer otherVr = new Checkpointer(43, "edge-2", List.of(new MapPart("config"), new MapPart("rib")),
                () -> 0L, () -> 0x5E51E6, 64);
        otherVr.snapshot();
        byte[] otherVrDelta = copy(otherVr.delta());
        assertTrue(refusal(r, otherVrDelta).contains("is for VR 43 (edge-2), the snapshot restored here is of VR 42"));

        r.apply(buf(d2));
        r.apply(buf(d3));
        assertEquals(List.of(1L, 2L, 3L, 4L), List.copyOf(rib2.map.keySet()));
    }

    @Test
    void unknownAndMissingPartsAreNamed() {
        byte[] s0 = copy(checkpointer.snapshot());
        Restorer withTcp = new Restorer(List.of(newConfig(), new MapPart("rib"), new MapPart("tcp")));
        assertEquals("snapshot round 0 of VR edge-1 does not match the parts here: missing part 'tcp' (the image has"
                + " 'config', 'rib', this VR restores 'config', 'rib', 'tcp')", refusal(withTcp, s0));
        Restorer noRib = new Restorer(List.of(newConfig()));
        assertEquals("snapshot round 0 of VR edge-1 does not match the parts here: unknown part 'rib' (the image has"
                + " 'config', 'rib', this VR restores 'config')", refusal(noRib, s0));
        Restorer both = new Restorer(List.of(newConfig(), new MapPart("arp"), new MapPart("tcp")));
        assertTrue(refusal(both, s0).contains("unknown part 'rib'; missing parts 'arp', 'tcp'"));
    }

    @Test
    void aNewerPartVersionIsRefused() {
        Checkpointer v3 = new Checkpointer(1, "v", List.of(new MapPart("rib", 3)), () -> 0L, () -> 1L, 64);
        byte[] s = copy(v3.snapshot());
        assertEquals("part 'rib' is version 3, this node reads up to version 2: upgrade the node",
                refusal(new Restorer(List.of(new MapPart("rib", 2))), s));
        new Restorer(List.of(new MapPart("rib", 4))).apply(buf(s));
    }

    @Test
    void aPartThatFailsOrLeavesBytesVoidsTheRestoreUntilTheNextSnapshot() {
        rib.put(1, "a");
        byte[] s0 = copy(checkpointer.snapshot());
        rib.put(2, "b");
        byte[] d1 = copy(checkpointer.delta());

        MapPart lazy = new MapPart("rib") {
            @Override
            public void restoreSnapshot(CheckpointReader in, int version) {
                in.getVarInt(); // reads the count only
            }
        };
        String m = refusal(new Restorer(List.of(newConfig(), lazy)), s0);
        assertTrue(m.startsWith("part 'rib' at byte ") && m.endsWith("restoreSnapshot left 10 bytes of the section unread"
                + " (written by another part version?)"), m);

        boolean[] boom = {true};
        MapPart broken = new MapPart("rib") {
            @Override
            public void applyDelta(CheckpointReader in, int version) {
                if (boom[0]) {
                    throw new IllegalArgumentException("no such route source");
                }
                super.applyDelta(in, version);
            }
        };
        Restorer r = new Restorer(List.of(newConfig(), broken));
        r.apply(buf(s0));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> r.apply(buf(d1)));
        assertTrue(e.getMessage().startsWith("part 'rib' at byte "), e.getMessage());
        assertTrue(e.getMessage().endsWith("failed to apply a delta: java.lang.IllegalArgumentException: no such route"
                + " source"), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalArgumentException);
        assertTrue(r.failed());
        assertFalse(r.hasSnapshot());
        boom[0] = false;
        assertTrue(refusal(r, d1).endsWith("refused: an earlier image failed to apply, restore from a new snapshot"));
        r.apply(buf(s0));
        r.apply(buf(d1));
        assertEquals(List.of(1L, 2L), List.copyOf(broken.map.keySet()));
    }

    @Test
    void aPartThatFailsToWriteVoidsTheSeries() {
        boolean[] boom = {false};
        MapPart fragile = new MapPart("rib") {
            @Override
            public void writeDelta(CheckpointWriter out) {
                if (boom[0]) {
                    throw new IllegalStateException("boom");
                }
                super.writeDelta(out);
            }
        };
        Checkpointer c = new Checkpointer(1, "v", List.of(fragile), () -> 0L, () -> 9L, 64);
        assertThrows(IllegalStateException.class, c::delta, "no snapshot yet");
        c.snapshot();
        c.delta();
        boom[0] = true;
        assertThrows(IllegalStateException.class, c::delta);
        assertFalse(c.inSeries());
        boom[0] = false;
        IllegalStateException e = assertThrows(IllegalStateException.class, c::delta);
        assertTrue(e.getMessage().contains("take a snapshot first"));
        c.snapshot();
        c.delta();
        assertEquals(1, c.round());
    }

    @Test
    void partNamesAreCheckedOnBothSides() {
        assertThrows(IllegalArgumentException.class, () -> new Checkpointer(1, "v", List.of(new MapPart("a b")), () -> 0L,
                () -> 0L, 64));
        assertThrows(IllegalArgumentException.class, () -> new Checkpointer(1, "v",
                List.of(new MapPart("rib"), new MapPart("rib")), () -> 0L, () -> 0L, 64));
        assertThrows(IllegalArgumentException.class, () -> new Restorer(List.of(new MapPart("rib"), new MapPart("rib"))));
    }

    @Test
    void theImageReaderListsSectionsAndPeeksHeaders() {
        rib.put(1, "a");
        byte[] b = copy(checkpointer.snapshot());
        ImageReader r = new ImageReader();
        r.read(buf(b), 0, b.length);
        assertEquals(2, r.sectionCount());
        assertEquals("rib", r.sectionName(1));
        assertEquals(1, r.indexOf("rib"));
        assertEquals(checkpointer.sectionLength(1), r.sectionLength(1));
        assertEquals(42, ImageReader.peekHeader(buf(b), 0, b.length).vrId());
        assertThrows(CheckpointFormatException.class, () -> ImageReader.peekHeader(buf(b), 3, b.length));
    }
}
