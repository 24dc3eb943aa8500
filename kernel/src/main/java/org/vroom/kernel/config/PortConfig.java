package org.vroom.kernel.config;

/**
 * A physical (substrate) port of the node: either a Linux interface opened with AF_PACKET, or an
 * in-memory port wired back-to-back to another in-memory port of the same node (demos and tests).
 * Exactly one of {@code linuxInterface} and {@code memoryPeer} is non-null.
 *
 * @param name           the port's name, unique in the node
 * @param linuxInterface the Linux interface name (1..15 bytes), or null for a memory port
 * @param memoryPeer     the name of the memory port this one is wired to, or null for a Linux port
 */
public record PortConfig(String name, String linuxInterface, String memoryPeer) {
    /** Checks the invariants of one port; cross-port checks (peer exists, points back) are the loader's. */
    public PortConfig {
        Text.requireName(name, "port name", Text.MAX_NAME);
        if ((linuxInterface == null) == (memoryPeer == null)) {
            throw new IllegalArgumentException("port " + name + ": exactly one of interface and memory must be set");
        }
        if (linuxInterface != null) {
            final String problem = Text.linuxInterfaceProblem(linuxInterface);
            if (problem != null) {
                throw new IllegalArgumentException("port " + name + ": " + problem);
            }
        } else {
            Text.requireName(memoryPeer, "port " + name + " memory peer", Text.MAX_NAME);
        }
    }

    /** A port on Linux interface {@code linuxInterface}. */
    public static PortConfig linux(String name, String linuxInterface) {
        return new PortConfig(name, linuxInterface, null);
    }

    /** An in-memory port wired to memory port {@code peer}. */
    public static PortConfig memory(String name, String peer) {
        return new PortConfig(name, null, peer);
    }

    /** True for an in-memory port. */
    public boolean isMemory() {
        return memoryPeer != null;
    }
}
