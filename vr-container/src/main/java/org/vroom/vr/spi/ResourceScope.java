package org.vroom.vr.spi;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a VR (or one protocol instance of it) allocates, so that one {@link #close()} frees it
 * all: off-heap buffers, counters, handler registrations, timers (through a close action that cancels
 * them), queues, child scopes. Resources close in reverse order of registration; a failing close does
 * not stop the others (failures are collected and thrown together at the end).
 *
 * <p>Off-heap memory allocated through {@link #allocateDirect} is counted per scope and in a
 * process-wide total ({@link #liveDirectBytes()}), and open scopes are counted too
 * ({@link #openScopes()}): the leak test creates and destroys many VRs and checks both return to
 * where they started.
 *
 * <p>Threads: the owner's thread (the VR loop, or configuration code before it runs). The global
 * counters are atomic.
 */
public final class ResourceScope implements AutoCloseable {
    private static final AtomicLong LIVE_DIRECT_BYTES = new AtomicLong();
    private static final AtomicLong OPEN_SCOPES = new AtomicLong();

    private final String name;
    private final ResourceScope parent;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<UnsafeBuffer, ByteBuffer> direct = new IdentityHashMap<>();
    private long directBytes;
    private boolean closed;

    private ResourceScope(String name, ResourceScope parent) {
        this.name = name;
        this.parent = parent;
        OPEN_SCOPES.incrementAndGet();
    }

    /** A scope with no parent (a VR's). */
    public static ResourceScope root(String name) {
        return new ResourceScope(name, null);
    }

    /** A scope that closes with this one, or earlier on its own (a protocol instance's). */
    public ResourceScope child(String childName) {
        checkOpen();
        ResourceScope c = new ResourceScope(name + "/" + childName, this);
        resources.add(c);
        return c;
    }

    public String name() {
        return name;
    }

    /** Registers {@code resource} to be closed with this scope; returns it. */
    public <T extends AutoCloseable> T register(T resource) {
        checkOpen();
        resources.add(resource);
        return resource;
    }

    /** Registers an action to run when the scope closes; closing the returned registration runs it early. */
    public Registration onClose(Runnable action) {
        checkOpen();
        Registration r = new Registration() {
            private boolean done;

            @Override
            public void close() {
                if (!done) {
                    done = true;
                    action.run();
                }
            }
        };
        resources.add(r);
        return r;
    }

    /** Closes {@code resource} now and forgets it. Returns false if it was not registered here. */
    public boolean release(AutoCloseable resource) throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            if (resources.get(i) == resource) {
                resources.remove(i);
                resource.close();
                return true;
            }
        }
        return false;
    }

    /** Forgets {@code resource} without closing it (it was closed by its owner). */
    public boolean forget(AutoCloseable resource) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            if (resources.get(i) == resource) {
                resources.remove(i);
                return true;
            }
        }
        return false;
    }

    /** Allocates {@code bytes} of zeroed, 64-byte aligned off-heap memory, freed when the scope closes. */
    public UnsafeBuffer allocateDirect(int bytes) {
        checkOpen();
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        }
        // allocateDirectAligned returns a slice, which cannot be freed early: align by hand instead
        ByteBuffer bb = ByteBuffer.allocateDirect(bytes + 64);
        int skip = (int) ((64 - (BufferUtil.address(bb) & 63)) & 63);
        UnsafeBuffer buffer = new UnsafeBuffer(bb, skip, bytes);
        direct.put(buffer, bb);
        directBytes += bb.capacity();
        LIVE_DIRECT_BYTES.addAndGet(bb.capacity());
        return buffer;
    }

    /** Frees a buffer from {@link #allocateDirect} early. Returns false if it is not this scope's. */
    public boolean free(UnsafeBuffer buffer) {
        ByteBuffer bb = direct.remove(buffer);
        if (bb == null) {
            return false;
        }
        release(bb);
        buffer.wrap(0, 0);
        return true;
    }

    private void release(ByteBuffer bb) {
        directBytes -= bb.capacity();
        LIVE_DIRECT_BYTES.addAndGet(-bb.capacity());
        BufferUtil.free(bb);
    }

    /** Resources registered (child scopes count as one each). */
    public int resourceCount() {
        return resources.size();
    }

    /** Off-heap bytes this scope has allocated and not freed (children not included). */
    public long directBytes() {
        return directBytes;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Off-heap bytes allocated through all scopes of the process and not yet freed. */
    public static long liveDirectBytes() {
        return LIVE_DIRECT_BYTES.get();
    }

    /** Scopes created and not yet closed, process-wide. */
    public static long openScopes() {
        return OPEN_SCOPES.get();
    }

    /** Closes every resource in reverse order, then frees the off-heap memory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("scope " + name + ": some resources failed to close");
                }
                failure.addSuppressed(e);
            }
        }
        resources.clear();
        for (ByteBuffer bb : direct.values()) {
            release(bb);
        }
        direct.clear();
        OPEN_SCOPES.decrementAndGet();
        if (parent != null && !parent.closed) {
            parent.forget(this);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("scope " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return "ResourceScope[" + name + ", " + resources.size() + " resources, " + directBytes + " direct bytes"
                + (closed ? ", closed" : "") + "]";
    }
}
