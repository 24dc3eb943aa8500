package org.vroom.packetio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.SaveError;
import org.agrona.UnsafeApi;

/**
 * Loads {@link LibC} once, holds the Linux constants packet-io needs (x86-64 / aarch64 values),
 * and reads errno. Before handing out the library it proves that a six-argument call arrives intact
 * (PLATFORM.md: JNR's x86-64 stub generator corrupts the sixth argument unless
 * {@code -Djnr.ffi.x86asm.enabled=false}).
 */
final class Native {
    // socket(2)
    static final int AF_INET = 2;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SOL_PACKET = 263;
    static final int ETH_P_ALL = 0x0003;
    static final int MSG_DONTWAIT = 0x40;

    // mmap(2)
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_POPULATE = 0x8000;
    static final long MAP_FAILED = -1L;

    // poll(2), eventfd(2), open(2), setns(2), memfd_create(2)
    static final short POLLIN = 0x1;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int MFD_CLOEXEC = 1;

    // netdevice(7) ioctls; struct ifreq is 40 bytes: char ifr_name[16] then a 24-byte union
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCGIFHWADDR = 0x8927;
    static final int IFREQ_SIZE = 40;
    static final int IFNAMSIZ = 16;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;

    // errno
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int ENOBUFS = 105;

    static final LibC LIBC;
    private static final jnr.ffi.Runtime RUNTIME;

    static {
        // Must happen before JNR generates its first stub; an explicit "true" is respected and then
        // caught by the check below.
        if (System.getProperty("jnr.ffi.x86asm.enabled") == null) {
            System.setProperty("jnr.ffi.x86asm.enabled", "false");
        }
        LIBC = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
        checkSixArgumentCalls();
    }

    private Native() {
    }

    /** errno of the last call made on this thread through {@link #LIBC}. */
    static int errno() {
        return RUNTIME.getLastError();
    }

    static String strerror(int errno) {
        final String s = LIBC.strerror(errno);
        return (s == null ? "errno" : s) + " (errno " + errno + ")";
    }

    /** Host to network byte order for a 16-bit value. */
    static int htons(int v) {
        return Short.reverseBytes((short) v) & 0xffff;
    }

    static int pageSize() {
        return UnsafeApi.pageSize();
    }

    /** Closes {@code fd} if it is valid; errors are ignored (used on cleanup paths). */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            LIBC.close(fd);
        }
    }

    /**
     * Maps page 1 of a two-page memfd with {@code offset} (the sixth argument) = one page and checks
     * the mapping shows page 1's contents; any corruption of the argument fails or maps page 0.
     */
    private static void checkSixArgumentCalls() {
        final int page = pageSize();
        final int fd = LIBC.memfd_create("vroom-jnr-check", MFD_CLOEXEC);
        if (fd < 0) {
            return; // no memfd (old kernel or seccomp): the contract test still covers this
        }
        final long buf = UnsafeApi.allocateMemory(page);
        long map = MAP_FAILED;
        try {
            for (int p = 0; p < 2; p++) {
                UnsafeApi.setMemory(buf, page, (byte) (0x5a + p));
                if (LIBC.write(fd, buf, page) != page) {
                    return;
                }
            }
            map = LIBC.mmap(0L, page, PROT_READ, MAP_SHARED, fd, page);
            if (map == MAP_FAILED || UnsafeApi.getByte(map) != 0x5b || UnsafeApi.getByte(map + page - 1) != 0x5b) {
                throw new IllegalStateException("JNR passes a corrupt sixth argument to native calls; run the JVM "
                    + "with -Djnr.ffi.x86asm.enabled=false (see PLATFORM.md); mmap returned " + map);
            }
        } finally {
            if (map != MAP_FAILED) {
                LIBC.munmap(map, page);
            }
            UnsafeApi.freeMemory(buf);
            LIBC.close(fd);
        }
    }

    /**
     * The libc functions packet-io calls through JNR. Pointers are passed as raw native addresses in a
     * Java {@code long} (x86-64 and aarch64 pass pointers and 64-bit integers the same way), so calls on
     * the per-packet path ({@code sendto}, {@code poll}) allocate nothing.
     *
     * <p>Six-argument functions ({@code mmap}, {@code sendto}) are only correct with
     * {@code -Djnr.ffi.x86asm.enabled=false}: {@link Native} sets the property when nobody has, and
     * checks every argument of a six-argument call once before the first port opens.
     *
     * <p>Public only because JNR implements it from another class loader; not part of the API.
     */
    public interface LibC {
        @SaveError int socket(int domain, int type, int protocol);

        @SaveError int bind(int fd, long sockaddr, int addrlen);

        @SaveError int setsockopt(int fd, int level, int optname, long optval, int optlen);

        /** {@code optlen} is the address of a socklen_t (in: buffer size, out: length written). */
        @SaveError int getsockopt(int fd, int level, int optname, long optval, long optlen);

        @SaveError long mmap(long addr, long length, int prot, int flags, int fd, long offset);

        @SaveError int munmap(long addr, long length);

        @SaveError int poll(long fds, long nfds, int timeoutMillis);

        @SaveError long sendto(int fd, long buf, long len, int flags, long destAddr, int addrlen);

        @SaveError long write(int fd, long buf, long count);

        @SaveError long read(int fd, long buf, long count);

        /** Declared without varargs: fine on x86-64 and aarch64 for integer and pointer arguments. */
        @SaveError int ioctl(int fd, long request, long argp);

        @SaveError int if_nametoindex(String name);

        @SaveError int close(int fd);

        @SaveError int open(String path, int flags);

        @SaveError int setns(int fd, int nstype);

        @SaveError int eventfd(int initval, int flags);

        @SaveError int memfd_create(String name, int flags);

        @SaveError int ftruncate(int fd, long length);

        String strerror(int errnum);
    }
}
