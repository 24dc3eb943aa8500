package org.vroom.kernel.mgmt;

import java.util.Objects;
import org.vroom.kernel.config.InterfaceConfig;

/**
 * A VR interface: its configuration and what the data plane holds for it.
 *
 * @param config its configuration (name, port, VLAN, address, MTU)
 * @param mac    its MAC address (48 bits in the low bits of the long)
 * @param bound  true if the node's binding table maps its (port, VLAN) to this interface right now
 *               (false while its link is migrated elsewhere, or before it is bound)
 */
public record InterfaceStatus(InterfaceConfig config, long mac, boolean bound) {
    public InterfaceStatus {
        Objects.requireNonNull(config, "config");
    }
}
