package org.vroom.kernel.mgmt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the API sees it, copied out of Netty's buffers on the event loop so it can be
 * handled on a management thread.
 *
 * @param method        the method, upper case
 * @param rawPath       the path as sent (percent-encoded; split into segments before decoding)
 * @param query         decoded query parameters
 * @param host          the Host header, or null
 * @param authorization the Authorization header, or null
 * @param contentType   the Content-Type header, or null
 * @param body          the body (possibly empty)
 */
record ApiRequest(String method, String rawPath, Map<String, List<String>> query, String host,
                  String authorization, String contentType, byte[] body) {
    ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }
}
