package org.vroom.vr;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.vroom.packetio.codec.Ipv4Flyweight;
import org.vroom.vr.loop.TimerHandle;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.RouteSource;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.Protocol;
import org.vroom.vr.spi.ProtocolConfig;
import org.vroom.vr.spi.ReconfigureOutcome;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A toy routing protocol written against the SPI only, as OSPF will be: every interval it multicasts a
 * Hello (IP protocol 253, to 224.0.0.5, TTL 1) carrying one prefix on every up interface, and installs
 * each prefix it hears as an OSPF route via the sender.
 */
class HelloProtocol implements Protocol {
    static final int PROTOCOL = 253;
    static final int GROUP = 0xE0000005;
    static final int LENGTH = 25;

    record Config(String instanceName, int prefix, int length, long intervalNanos, boolean cleanStop)
            implements ProtocolConfig {
        @Override
        public Protocol newInstance() {
            return new HelloProtocol(this);
        }
    }

    /** Every instance ever started, for inspection by tests. */
    static final List<HelloProtocol> INSTANCES = new ArrayList<>();

    Config config;
    VrContext ctx;
    TimerHandle timer;
    Counter sent;
    final List<String> events = new ArrayList<>();
    final List<SendStatus> statuses = new ArrayList<>();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);

    HelloProtocol(Config config) {
        this.config = config;
    }

    @Override
    public void start(VrContext context) {
        INSTANCES.add(this);
        ctx = context;
        ctx.registerProtocol(PROTOCOL, this::onPacket);
        sent = ctx.counter("sent");
        ctx.addInterfaceListener((before, after) -> events.add("if " + (before == null ? "-" : before.name()) + " -> "
                + (after == null ? "-" : after.name() + (after.isUp() ? " up" : " down"))));
        timer = ctx.schedule(0, this::tick);
        events.add("start@" + ctx.nanoTime());
    }

    private void tick() {
        for (VrInterface i : ctx.interfaces()) {
            if (!i.isUp()) {
                continue;
            }
            Ipv4Flyweight.writeHeader(out, 0, Ipv4Flyweight.TOS_INTERNETWORK_CONTROL, LENGTH, 0, 0, 1, PROTOCOL,
                    i.address(), GROUP);
            out.putInt(20, config.prefix(), ByteOrder.BIG_ENDIAN);
            out.putByte(24, (byte) config.length());
            statuses.add(ctx.sendIp(i.index(), GROUP, out, 0, LENGTH));
            sent.increment();
        }
        timer.reschedule(config.intervalNanos());
    }

    private void onPacket(int ifIndex, DirectBuffer buffer, int offset, int length) {
        int source = buffer.getInt(offset + 12, ByteOrder.BIG_ENDIAN);
        int prefix = buffer.getInt(offset + 20, ByteOrder.BIG_ENDIAN);
        int len = buffer.getByte(offset + 24);
        events.add("hello from " + org.vroom.packetio.codec.Ipv4Addresses.format(source) + "@" + ctx.nanoTime());
        ctx.rib().add(RouteSource.OSPF, 0, prefix, len, 10, NextHopSet.via(source, ifIndex));
    }

    @Override
    public void stop() {
        events.add("stop@" + ctx.nanoTime());
        if (config.cleanStop()) {
            ctx.rib().removeAll(RouteSource.OSPF);
            timer.cancel();
        }
    }

    @Override
    public ReconfigureOutcome reconfigure(ProtocolConfig next) {
        Config c = (Config) next;
        if (c.prefix() != config.prefix() || c.length() != config.length()) {
            return ReconfigureOutcome.restartRequired("the announced prefix cannot change in place");
        }
        String detail = "interval " + config.intervalNanos() + " -> " + c.intervalNanos();
        config = c;
        return ReconfigureOutcome.applied(detail);
    }
}
