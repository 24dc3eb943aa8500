package org.vroom.vr.loop;

/** The counters every {@link VrLoop} keeps; read them with {@link VrLoop#counter(LoopCounter)} from any thread. */
public enum LoopCounter {
    /** Turns that did some work. */
    TURNS,
    /** Tasks run (local, queued and control). */
    TASKS_RUN,
    /** Timers fired. */
    TIMERS_FIRED,
    /** Tasks refused because the task queue was full or the loop closed (the caller was told). */
    TASKS_REJECTED,
    /** Control commands refused because the control queue was full or the loop closed. */
    CONTROL_REJECTED,
    /** Inbound packets delivered while running. */
    INBOUND_DELIVERED,
    /** Inbound packets buffered while frozen. */
    INBOUND_BUFFERED,
    /** Inbound packets dropped because the frozen buffer was full, or discarded with it. */
    INBOUND_DROPPED,
    /** Buffered packets replayed on thaw. */
    INBOUND_REPLAYED,
    /** Tasks, timers or packet handlers that threw (each reported to the error handler). */
    ERRORS
}
