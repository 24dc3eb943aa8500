package org.vroom.kernel.mgmt;

import java.io.Serial;
import java.util.List;
import java.util.Objects;

/**
 * A request the server answers with an error status and a JSON body
 * {@code {"error": "...", "field": "..."}} (field only when one is to blame; {@code problems} lists every
 * problem when there are several). Thrown by request parsing and routing; never leaves the server.
 */
final class ApiException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** One problem: the offending field (a path in the request, or null) and what is wrong. */
    record Problem(String field, String message) {
        Problem {
            Objects.requireNonNull(message, "message");
        }
    }

    private final int status;
    private final transient List<Problem> problems;

    ApiException(int status, String message) {
        this(status, List.of(new Problem(null, message)));
    }

    ApiException(int status, String message, String field) {
        this(status, List.of(new Problem(field, message)));
    }

    /** @param problems at least one; the first is the headline */
    ApiException(int status, List<Problem> problems) {
        super(problems.get(0).message());
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    int status() {
        return status;
    }

    String field() {
        return problems.get(0).field();
    }

    List<Problem> problems() {
        return problems;
    }

    static ApiException badRequest(String message, String field) {
        return new ApiException(400, message, field);
    }

    static ApiException from(ManagementException e) {
        return new ApiException(e.kind().status(), e.getMessage(), e.field());
    }
}
