package org.vroom.checkpoint;

/** A checkpoint could not be read: wrong magic, a newer format version, a truncated or corrupt section. */
public class CheckpointFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
