package org.vroom.fib;

/** A FIB ran out of a fixed resource (tbl8 groups); the FIB is unchanged by the call that failed. */
public final class FibFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public FibFullException(String message) {
        super(message);
    }
}
