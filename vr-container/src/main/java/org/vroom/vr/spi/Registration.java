package org.vroom.vr.spi;

/** Undoes a registration (handler, listener); idempotent. Also undone when the owner's scope closes. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
