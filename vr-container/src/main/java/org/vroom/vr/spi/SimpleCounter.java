package org.vroom.vr.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A heap counter with a single writer (the VR loop) and opaque reads from other threads. */
public final class SimpleCounter implements Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SimpleCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private long value;
    private boolean closed;

    public SimpleCounter(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void increment() {
        VALUE.setOpaque(this, value + 1);
    }

    @Override
    public void add(long delta) {
        VALUE.setOpaque(this, value + delta);
    }

    @Override
    public long get() {
        return (long) VALUE.getOpaque(this);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return name + "=" + get();
    }
}
