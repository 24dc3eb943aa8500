package org.vroom.vr.spi;

/**
 * A named counter of a VR component, written by the VR loop and readable by management from any
 * thread. The node decides where it lives (shared-memory counters for {@code vroom stat}); closing it
 * frees the slot. Closing the owner's scope closes it.
 */
public interface Counter extends AutoCloseable {
    String name();

    void increment();

    void add(long delta);

    long get();

    @Override
    void close();
}
