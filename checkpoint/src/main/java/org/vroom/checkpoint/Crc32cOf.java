package org.vroom.checkpoint;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli, as in iSCSI and ext4; the JDK's {@link CRC32C}, hardware-accelerated) of a range
 * of any Agrona buffer: a byte array directly, a direct {@link ByteBuffer} through a duplicate view (one
 * small object per call, per section, never per value), raw memory without a ByteBuffer through a
 * reused scratch array. (Agrona's own {@code Crc32c} needs {@code --add-opens java.base/java.util.zip},
 * which the node's JVM options do not grant.) One instance per thread.
 */
final class Crc32cOf {
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[8192];
    private final UnsafeBuffer scratchView = new UnsafeBuffer(scratch);

    int compute(DirectBuffer buffer, int offset, int length) {
        crc.reset();
        byte[] array = buffer.byteArray();
        if (array != null) {
            crc.update(array, (int) (buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset, length);
            return (int) crc.getValue();
        }
        ByteBuffer bb = buffer.byteBuffer();
        if (bb != null && bb.isDirect()) {
            ByteBuffer view = bb.duplicate();
            int start = (int) (buffer.addressOffset() - BufferUtil.address(bb)) + offset;
            view.limit(start + length).position(start);
            crc.update(view);
            return (int) crc.getValue();
        }
        for (int done = 0; done < length; ) {
            int n = Math.min(scratch.length, length - done);
            scratchView.putBytes(0, buffer, offset + done, n);
            crc.update(scratch, 0, n);
            done += n;
        }
        return (int) crc.getValue();
    }
}
