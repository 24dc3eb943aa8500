package org.vroom.kernel.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the node's management API listens and which file holds its access token.
 *
 * @param host      an IPv4 literal, a host name or an IPv6 literal without brackets
 * @param port      the TCP port, 1..65535
 * @param tokenFile an absolute path to the file holding the API token, or null for none
 */
public record ManagementConfig(String host, int port, Path tokenFile) {
    /** Default listen host: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default listen port. */
    public static final int DEFAULT_PORT = 7878;
    /** {@code 127.0.0.1:7878}, no token file. */
    public static final ManagementConfig DEFAULT = new ManagementConfig(DEFAULT_HOST, DEFAULT_PORT, null);

    /** Checks the invariants the loader guarantees. */
    public ManagementConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("management host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("management port " + port + " is out of range 1..65535");
        }
        if (tokenFile != null && !tokenFile.isAbsolute()) {
            throw new IllegalArgumentException("token file " + tokenFile + " is not an absolute path");
        }
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    public String listen() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
