package org.vroom.packetio;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PLATFORM.md: JNR's x86-64 stubs corrupt the sixth argument of a native call unless
 * {@code -Djnr.ffi.x86asm.enabled=false}. These calls check every argument of mmap and sendto, the
 * six-argument functions packet-io uses.
 */
class SixArgumentNativeCallTest {
    private static final Native.LibC LIBC = Native.LIBC;
    private static final int MAP_FIXED = 0x10;

    @Test
    void mmapMapsTheRequestedOffsetLengthAndProtection() {
        final int page = Native.pageSize();
        final int fd = LIBC.memfd_create("vroom-six-args", Native.MFD_CLOEXEC);
        assertTrue(fd >= 0, "memfd_create");
        final long buf = UnsafeApi.allocateMemory(page);
        try {
            for (int p = 0; p < 4; p++) {
                for (int i = 0; i < page; i += 4) {
                    UnsafeApi.putInt(buf + i, p * 0x01000000 + i);
                }
                assertEquals(page, LIBC.write(fd, buf, page));
            }
            // offset (6th) = 2 pages, length (2nd) = 2 pages, fd (5th), flags (4th), prot (3rd)
            final long map = LIBC.mmap(0L, 2L * page, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, fd, 2L * page);
            assertNotEquals(Native.MAP_FAILED, map, () -> "mmap: " + Native.strerror(Native.errno()));
            try {
                for (int p = 0; p < 2; p++) {
                    for (int i = 0; i < page; i += 4) {
                        assertEquals((p + 2) * 0x01000000 + i, UnsafeApi.getInt(map + (long) p * page + i));
                    }
                }
                UnsafeApi.putInt(map, 0x7eadbeef); // PROT_WRITE and MAP_SHARED took effect
            } finally {
                assertEquals(0, LIBC.munmap(map, 2L * page));
            }
            // The address (1st): MAP_FIXED into a reservation of our own, one page in.
            final long reserved = LIBC.mmap(0L, 4L * page, Native.PROT_READ, Native.MAP_SHARED, fd, 0L);
            assertNotEquals(Native.MAP_FAILED, reserved);
            try {
                final long fixed = LIBC.mmap(reserved + page, page, Native.PROT_READ, Native.MAP_SHARED | MAP_FIXED, fd, 2L * page);
                assertEquals(reserved + page, fixed, "fixed address");
                assertEquals(0x7eadbeef, UnsafeApi.getInt(fixed));
                assertEquals(4, UnsafeApi.getInt(reserved + 4), "the reservation's page 0 still shows file page 0");
                assertEquals(3 * 0x01000000 + 4, UnsafeApi.getInt(reserved + 3L * page + 4), "and its page 3 file page 3");
            } finally {
                LIBC.munmap(reserved, 4L * page);
            }
        } finally {
            UnsafeApi.freeMemory(buf);
            LIBC.close(fd);
        }
    }

    @Test
    void sendtoDeliversTheRequestedBytesToTheRequestedAddress() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(10_000);
            final int fd = LIBC.socket(Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
            assertTrue(fd >= 0);
            final long mem = UnsafeApi.allocateMemory(256);
            try {
                final long addr = mem;          // struct sockaddr_in
                final long payload = mem + 32;
                UnsafeApi.setMemory(addr, 16, (byte) 0);
                UnsafeApi.putShort(addr, (short) Native.AF_INET);
                UnsafeApi.putShort(addr + 2, (short) Native.htons(receiver.getLocalPort()));
                UnsafeApi.putInt(addr + 4, Integer.reverseBytes(0x7f000001));
                for (int i = 0; i < 200; i++) {
                    UnsafeApi.putByte(payload + i, (byte) (i * 3 + 1));
                }
                // addrlen (6th) one byte short of sockaddr_in must be refused...
                assertEquals(-1, LIBC.sendto(fd, payload, 77, 0, addr, 15));
                assertEquals(22, Native.errno(), "EINVAL for a short address");
                // ...and exactly sizeof(sockaddr_in) accepted, sending exactly len (3rd) bytes.
                assertEquals(77, LIBC.sendto(fd, payload + 5, 77, Native.MSG_DONTWAIT, addr, 16));
                final DatagramPacket p = new DatagramPacket(new byte[512], 512);
                receiver.receive(p);
                assertEquals(77, p.getLength());
                final byte[] expected = new byte[77];
                for (int i = 0; i < 77; i++) {
                    expected[i] = (byte) ((i + 5) * 3 + 1);
                }
                final byte[] got = new byte[77];
                System.arraycopy(p.getData(), 0, got, 0, 77);
                assertArrayEquals(expected, got);
            } finally {
                UnsafeApi.freeMemory(mem);
                LIBC.close(fd);
            }
        }
    }
}
