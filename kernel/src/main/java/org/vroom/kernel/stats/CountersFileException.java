package org.vroom.kernel.stats;

import java.nio.file.Path;

/**
 * A counters file could not be created or read. {@link #reason()} says why in a form a program can
 * test; the message says it in a form an operator can act on.
 */
public final class CountersFileException extends RuntimeException {
    /** Why a counters file could not be created or read. */
    public enum Reason {
        /** The file does not exist: no node of that name has started (or it stopped cleanly). */
        MISSING,
        /** The file is shorter than its header or than the buffers its header announces. */
        TOO_SMALL,
        /** The file does not start with the vroom counters magic. */
        BAD_MAGIC,
        /** The file was written by a vroom with another layout version. */
        UNSUPPORTED_VERSION,
        /** The header has impossible values (lengths, node name). */
        CORRUPT,
        /** A live process already owns a counters file with this node name. */
        NODE_RUNNING,
        /** The file system refused an operation (permissions, space, ...). */
        IO
    }

    private final Reason reason;
    private final transient Path path;

    public CountersFileException(final Reason reason, final Path path, final String message) {
        this(reason, path, message, null);
    }

    public CountersFileException(final Reason reason, final Path path, final String message, final Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.path = path;
    }

    public Reason reason() {
        return reason;
    }

    public Path path() {
        return path;
    }
}
