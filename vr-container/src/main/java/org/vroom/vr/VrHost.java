package org.vroom.vr;

import org.agrona.DirectBuffer;
import org.vroom.vr.shadow.DataPlaneHypervisor;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.SimpleCounter;
import org.vroom.vr.spi.TcpStack;
import org.vroom.vr.spi.VrInterface;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What the node provides to one virtual router; the kernel implements it per VR (and
 * {@link org.vroom.vr.testkit.SimNetwork} in memory). Every method is called on the VR's loop.
 */
public interface VrHost {
    /**
     * Transmits a complete IPv4 datagram out of VR interface {@code ifIndex} to the link-layer next hop
     * {@code nextHop} (a neighbour or a multicast group): resolve its MAC (ARP, or the multicast MAC),
     * frame it and hand it to the data plane. The VR has already checked the interface and the MTU.
     * Copies the data before returning.
     */
    SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length);

    /** The hypervisor that installs this VR's FIB updates (local, or local plus a mirror). */
    DataPlaneHypervisor hypervisor();

    /**
     * An interface was added ({@code before == null}), changed, or removed ({@code after == null}) by
     * reconfiguration: update the data plane's view of it (binding, MTU, address).
     */
    default void interfaceChanged(VrInterface before, VrInterface after) {
    }

    /** A counter {@code name} of this VR, wherever the node keeps counters. */
    default Counter counter(String name) {
        return new SimpleCounter(name);
    }

    /** A logger for a component of this VR. */
    default System.Logger logger(String component) {
        return System.getLogger("org.vroom.vr." + component);
    }

    /** The VR's randomness; a deterministic run gives a seeded generator. */
    default RandomGenerator random() {
        return new SplittableRandom();
    }

    /** The VR's TCP stack (the kernel builds a {@code org.vroom.netstack.tcp.TcpHost} per VR), or null if it has none. */
    default TcpStack tcp() {
        return null;
    }

    /** The VR's UDP (the kernel builds a {@code org.vroom.netstack.udp.UdpHost} per VR), or null if it has none. */
    default org.vroom.vr.spi.UdpStack udp() {
        return null;
    }
}
