package org.vroom.vr.spi;

/**
 * Told on the VR loop when an interface appears ({@code before == null}), changes (address, MTU,
 * admin or link state) or disappears ({@code after == null}).
 */
@FunctionalInterface
public interface InterfaceListener {
    void onInterfaceChange(VrInterface before, VrInterface after);
}
