package org.vroom.packetio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.SaveError;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening a port fails with a message that names the interface and says what is wrong. */
class AfPacketErrorsTest {

    @Test
    void missingInterfaceIsNamedInTheError() {
        final PacketIoException e = assertThrows(PacketIoException.class, () -> AfPacketPort.open("vrpt-nope0"));
        assertTrue(e.getMessage().contains("interface 'vrpt-nope0' does not exist"), e.getMessage());
        assertEquals("vrpt-nope0", e.interfaceName());
        assertEquals(Native.ENODEV, e.errno());
    }

    @Test
    void missingNamespaceIsNamedAndTheThreadStaysWhereItWas() throws Exception {
        final Path ownNs = Path.of("/proc/thread-self/ns/net");
        final Path before = Files.readSymbolicLink(ownNs);
        final PacketIoException e = assertThrows(PacketIoException.class,
            () -> AfPacketPort.open(AfPacketConfig.builder("lo").networkNamespace("vrpt-no-such-ns").build()));
        assertTrue(e.getMessage().contains("network namespace 'vrpt-no-such-ns'")
            && e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(before, Files.readSymbolicLink(ownNs));
    }

    @Test
    void withoutCapNetRawTheErrorSaysItIsNeeded() throws Exception {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        if (VethLab.isRoot()) {
            // Capabilities are per thread: drop CAP_NET_RAW from this one thread's effective set only.
            final Thread t = new Thread(() -> thrown.set(openWithoutCapNetRaw()), "no-cap-net-raw");
            t.start();
            t.join();
        } else {
            try (AfPacketPort p = AfPacketPort.open("lo")) {
                Assumptions.abort("this non-root process has CAP_NET_RAW; nothing to check: " + p);
            } catch (PacketIoException e) {
                thrown.set(e);
            }
        }
        final Throwable e = thrown.get();
        assertNotNull(e, "open succeeded without CAP_NET_RAW");
        assertTrue(e instanceof PacketIoException, () -> "unexpected " + e);
        assertEquals(Native.EPERM, ((PacketIoException) e).errno());
        assertTrue(e.getMessage().contains("CAP_NET_RAW") && e.getMessage().contains("'lo'"), e.getMessage());
    }

    @Test
    void badNamesAreRefusedBeforeAnySyscall() {
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder(""));
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder("sixteen-chars-xx"));
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder("a/b"));
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder("lo").networkNamespace("../x"));
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder("lo").rxRing(1000, 4));
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder("lo").rxRing(65536, 1));
    }

    /** Test-only: capget/capset (linux/capability.h, version 3: two 32-bit words per set). */
    public interface Caps {
        @SaveError
        int capget(long header, long data);

        @SaveError
        int capset(long header, long data);
    }

    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int CAP_NET_RAW = 13;

    private static Throwable openWithoutCapNetRaw() {
        final Caps caps = LibraryLoader.create(Caps.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        final long mem = UnsafeApi.allocateMemory(8 + 24);
        final long header = mem;
        final long data = mem + 8; // struct __user_cap_data_struct[2] { effective, permitted, inheritable }
        try {
            UnsafeApi.putInt(header, LINUX_CAPABILITY_VERSION_3);
            UnsafeApi.putInt(header + 4, 0); // this thread
            if (caps.capget(header, data) != 0) {
                return new AssertionError("capget failed");
            }
            final int effective = UnsafeApi.getInt(data);
            UnsafeApi.putInt(data, effective & ~(1 << CAP_NET_RAW));
            if (caps.capset(header, data) != 0) {
                return new AssertionError("capset failed");
            }
            try {
                AfPacketPort.open("lo").close();
                return null;
            } catch (Throwable e) {
                return e;
            } finally {
                UnsafeApi.putInt(data, effective);
                caps.capset(header, data); // the thread ends anyway
            }
        } finally {
            UnsafeApi.freeMemory(mem);
        }
    }
}
