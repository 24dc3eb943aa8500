package org.vroom.kernel.mgmt;

import java.io.Serial;
import java.util.Objects;

/**
 * A {@link NodeManagement} call was refused; the {@link Kind} decides the HTTP status and the message
 * (and the field, if any) is shown to the client as is, so it must be a complete sentence an operator
 * understands ("VR red is migrating; try again when it has moved").
 */
public final class ManagementException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Why a call was refused, with its HTTP status. */
    public enum Kind {
        /** The named VR (or other object) does not exist: 404. */
        NOT_FOUND(404),
        /** The request contradicts the node's current state (already exists, busy migrating): 409. */
        CONFLICT(409),
        /** The request is malformed or breaks a rule; {@link #field()} names the offending field: 400. */
        INVALID(400),
        /** The node does not implement this yet: 501. */
        UNSUPPORTED(501),
        /** The node cannot do it right now (shutting down, out of resources): 503. */
        UNAVAILABLE(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        /** The HTTP status code. */
        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final String field;

    /** A refusal not tied to one field. */
    public ManagementException(Kind kind, String message) {
        this(kind, message, null);
    }

    /**
     * @param field the offending field as a path in the request body ({@code interfaces[1].address}), or null
     */
    public ManagementException(Kind kind, String message, String field) {
        super(Objects.requireNonNull(message, "message"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = field;
    }

    /** No such VR: the standard NOT_FOUND for a VR name. */
    public static ManagementException noSuchVr(String name) {
        return new ManagementException(Kind.NOT_FOUND, "no VR named " + name);
    }

    public Kind kind() {
        return kind;
    }

    /** The offending field, or null. */
    public String field() {
        return field;
    }
}
