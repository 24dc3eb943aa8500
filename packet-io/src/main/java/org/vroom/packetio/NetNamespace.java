package org.vroom.packetio;

import java.util.function.Supplier;

/**
 * Runs a piece of set-up code on the calling thread inside a named network namespace
 * ({@code /run/netns/<name>}, as {@code ip netns add} creates it) and brings the thread back.
 *
 * <p>setns(2) with {@code CLONE_NEWNET} moves only the calling thread, and it is allowed in a
 * multi-threaded process. A socket belongs to the namespace it was created in for its whole life, so
 * a port opened this way works from any thread afterwards; interface ioctls on it resolve names in
 * that namespace too.
 */
final class NetNamespace {
    private static final String NETNS_DIR = "/run/netns/";

    private NetNamespace() {
    }

    /**
     * Calls {@code action} inside namespace {@code name}, or directly when {@code name} is null.
     *
     * @param forInterface named in error messages
     */
    static <T> T call(String name, String forInterface, Supplier<T> action) {
        if (name == null) {
            return action.get();
        }
        final Native.LibC libc = Native.LIBC;
        final int own = libc.open("/proc/thread-self/ns/net", Native.O_RDONLY | Native.O_CLOEXEC);
        if (own < 0) {
            final int e = Native.errno();
            throw new PacketIoException(forInterface, e, "cannot open this thread's network namespace "
                + "(/proc/thread-self/ns/net): " + Native.strerror(e));
        }
        try {
            final int target = libc.open(NETNS_DIR + name, Native.O_RDONLY | Native.O_CLOEXEC);
            if (target < 0) {
                final int e = Native.errno();
                throw new PacketIoException(forInterface, e, "network namespace '" + name + "' for interface '"
                    + forInterface + "' does not exist (" + NETNS_DIR + name + ": " + Native.strerror(e) + ")");
            }
            try {
                if (libc.setns(target, Native.CLONE_NEWNET) != 0) {
                    final int e = Native.errno();
                    throw new PacketIoException(forInterface, e, "cannot enter network namespace '" + name
                        + "' for interface '" + forInterface + "': " + Native.strerror(e)
                        + (e == Native.EPERM ? "; entering a namespace needs CAP_SYS_ADMIN" : ""));
                }
            } finally {
                libc.close(target);
            }
            try {
                return action.get();
            } finally {
                if (libc.setns(own, Native.CLONE_NEWNET) != 0) {
                    // The thread would keep working in the wrong namespace: never let that go unnoticed.
                    throw new IllegalStateException("cannot return thread " + Thread.currentThread().getName()
                        + " from network namespace '" + name + "': " + Native.strerror(Native.errno()));
                }
            }
        } finally {
            libc.close(own);
        }
    }
}
