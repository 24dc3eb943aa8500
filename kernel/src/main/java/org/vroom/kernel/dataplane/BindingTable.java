package org.vroom.kernel.dataplane;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Dynamic interface binding ({@code bindd} in the VROOM paper): substrate (port, VLAN) to (VR, virtual
 * interface). Workers look a binding up for every received frame; binding or rebinding is one release
 * store of one slot, so it is atomic for the workers and touches no other binding.
 *
 * <p>Per port: one untagged slot and 4095 VLAN slots. Writers: the node's management thread (one at a
 * time, serialised by the caller).
 */
public final class BindingTable {
    /** What a slot holds: the VR data plane and the interface within it. Immutable. */
    public record Binding(VrDataPlane vr, Vif vif) {
    }

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Binding[].class);
    private static final int UNTAGGED = 0;

    private final Binding[][] byPort;

    public BindingTable(int ports) {
        byPort = new Binding[ports][4096];
    }

    /** The binding for a frame received on {@code port} with {@code vlan} (-1 untagged), or null. */
    public Binding lookup(int port, int vlan) {
        return (Binding) SLOTS.getAcquire(byPort[port], vlan < 0 ? UNTAGGED : vlan);
    }

    /** Binds (or rebinds, atomically replacing) the slot of {@code vif}. */
    public void bind(VrDataPlane vr, Vif vif) {
        SLOTS.setRelease(byPort[vif.portIndex], slot(vif.vlan), new Binding(vr, vif));
    }

    /** Removes the binding of {@code port}/{@code vlan}; returns what was there. */
    public Binding unbind(int port, int vlan) {
        return (Binding) SLOTS.getAndSet(byPort[port], slot(vlan), (Binding) null);
    }

    private static int slot(int vlan) {
        if (vlan == 0 || vlan > 4094) {
            throw new IllegalArgumentException("VLAN id must be 1..4094 or -1 for untagged: " + vlan);
        }
        return vlan < 0 ? UNTAGGED : vlan;
    }

    public int ports() {
        return byPort.length;
    }
}
