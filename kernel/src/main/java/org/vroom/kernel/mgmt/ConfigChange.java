package org.vroom.kernel.mgmt;

import java.util.Objects;

/**
 * One difference between a VR's running configuration and a requested one.
 *
 * @param path        where, as a path in the VR's configuration ({@code interfaces[eth0].mtu},
 *                    {@code static-routes[10.9.0.0/16]})
 * @param description what changes, readable ("mtu 1500 -> 9000", "added via 10.0.1.254")
 */
public record ConfigChange(String path, String description) {
    public ConfigChange {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(description, "description");
    }
}
