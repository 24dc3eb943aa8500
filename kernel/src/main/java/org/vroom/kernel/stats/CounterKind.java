package org.vroom.kernel.stats;

/**
 * One counter of an entity (a port, a VR, ...), implemented by enums such as {@link PortCounter} and
 * {@link VrCounter}. A {@link CounterSet} allocates one Agrona counter per constant.
 *
 * <p>To add a counter: add a constant with the next unused {@link #code()}. Codes are written into the
 * counter's key and let programs recognise a counter whatever the enum order; never reuse the code of
 * a removed constant. The metric name shown by {@code vroom stat} is the constant's name in lower
 * case ({@code DROP_TTL_EXPIRED} becomes {@code drop_ttl_expired}).
 */
public interface CounterKind {
    /** Stable code of this counter within its enum, 0 or more, unique in the enum. */
    int code();

    /** One line saying exactly what is counted (used by documentation and {@code vroom stat --help}). */
    String description();

    /** The enum constant's name; supplied by {@link Enum#name()}. */
    String name();
}
