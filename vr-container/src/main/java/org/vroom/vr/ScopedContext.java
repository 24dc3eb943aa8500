package org.vroom.vr;

import org.agrona.DirectBuffer;
import org.vroom.vr.loop.TimerHandle;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.InterfaceListener;
import org.vroom.vr.spi.IpProtocolHandler;
import org.vroom.vr.spi.Registration;
import org.vroom.vr.spi.ResourceScope;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.TcpStack;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The {@link VrContext} of one component (a protocol instance, or the VR itself): everything made
 * through it is tied to its scope, and closing the scope cancels its timers, removes its handlers and
 * listeners and frees its counters.
 */
final class ScopedContext implements VrContext {
    private final VirtualRouter vr;
    private final String component;
    private final ResourceScope scope;
    private final System.Logger logger;

    ScopedContext(VirtualRouter vr, String component, ResourceScope scope) {
        this.vr = vr;
        this.component = component;
        this.scope = scope;
        this.logger = vr.host().logger(component);
        scope.onClose(() -> {
            if (!vr.loop().isClosed()) {
                vr.loop().cancelAll(this);
            }
        });
    }

    @Override
    public int vrId() {
        return vr.id();
    }

    @Override
    public String vrName() {
        return vr.name();
    }

    @Override
    public List<VrInterface> interfaces() {
        return vr.interfaces();
    }

    @Override
    public VrInterface interfaceByIndex(int ifIndex) {
        return vr.interfaceByIndex(ifIndex);
    }

    @Override
    public VrInterface interfaceByName(String name) {
        return vr.interfaceByName(name);
    }

    @Override
    public Registration addInterfaceListener(InterfaceListener listener) {
        return tie(vr.addInterfaceListener(listener));
    }

    @Override
    public SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
        return vr.sendIp(ifIndex, nextHop, buffer, offset, length);
    }

    @Override
    public Registration registerProtocol(int ipProtocol, IpProtocolHandler handler) {
        return tie(vr.dispatcher().register(ipProtocol, handler));
    }

    @Override
    public TcpStack tcp() {
        TcpStack tcp = vr.host().tcp();
        if (tcp == null) {
            throw new UnsupportedOperationException("VR " + vr.name() + ": its host provides no TCP stack");
        }
        return tcp;
    }

    @Override
    public org.vroom.vr.spi.UdpStack udp() {
        org.vroom.vr.spi.UdpStack udp = vr.host().udp();
        if (udp == null) {
            throw new UnsupportedOperationException("VR " + vr.name() + ": its host provides no UDP");
        }
        return udp;
    }

    @Override
    public TimerHandle schedule(long delayNanos, Runnable task) {
        return vr.loop().schedule(this, delayNanos, task);
    }

    @Override
    public void execute(Runnable task) {
        vr.loop().execute(() -> {
            if (!scope.isClosed()) {
                task.run(); // a task of a stopped instance is dropped, like its timers
            }
        });
    }

    @Override
    public long nanoTime() {
        return vr.loop().nanoTime();
    }

    @Override
    public RandomGenerator random() {
        return vr.random();
    }

    @Override
    public Rib rib() {
        return vr.rib();
    }

    @Override
    public Counter counter(String name) {
        return scope.register(vr.host().counter(component + "." + name));
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public ResourceScope scope() {
        return scope;
    }

    /** Ties a registration to the scope; closing it early also forgets it there. */
    private Registration tie(Registration r) {
        Registration[] self = new Registration[1];
        self[0] = () -> {
            r.close();
            scope.forget(self[0]);
        };
        return scope.register(self[0]);
    }

    @Override
    public String toString() {
        return "VrContext[" + vr.name() + "/" + component + "]";
    }
}
