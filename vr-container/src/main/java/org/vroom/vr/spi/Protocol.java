package org.vroom.vr.spi;

/**
 * A routing protocol instance (OSPF, BGP) plugged into a VR. It sees the VR only through the
 * {@link VrContext} it is started with: no sockets, threads or substrate types, so it runs unchanged
 * in memory (deterministic tests) and on a node, and can be checkpointed and moved.
 *
 * <p>Threads: every method is called on the VR loop; so are all callbacks the instance registers.
 */
public interface Protocol {
    /**
     * Starts the instance: register IP protocol handlers, interface listeners, timers, install routes.
     * Everything registered through {@code context} belongs to the instance's resource scope.
     */
    void start(VrContext context);

    /**
     * Stops the instance: withdraw its routes from the RIB, say goodbye to neighbours if the protocol
     * has a way to (BGP Cease). Afterwards the VR closes the instance's scope, which cancels its timers
     * and removes its handlers and listeners, so a stop that forgets something does not leak.
     */
    void stop();

    /** Applies {@code config} in place if it can; otherwise says why it needs a restart. */
    ReconfigureOutcome reconfigure(ProtocolConfig config);

    /** TODO(checkpoint issue): the instance's checkpoint hooks; null until protocols implement them. */
    default ProtocolCheckpoint checkpoint() {
        return null;
    }
}
