package org.vroom.vr.checkpoint;

import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;
import org.vroom.checkpoint.Checkpointable;
import org.vroom.vr.InterfaceConfig;
import org.vroom.vr.StaticRouteConfig;
import org.vroom.vr.VrConfig;
import org.vroom.vr.spi.ProtocolConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A VR's configuration as checkpoint part {@value #PART_NAME}: id, name, ECMP width, interfaces (name,
 * address, prefix length, MTU, enabled), static routes, and the protocol instances <em>by instance name
 * only</em> (their configurations travel with the protocols' own parts, or the node supplies them through
 * a resolver on restore; a serialised form of OSPF and BGP configurations comes with those protocols).
 *
 * <p>A delta is one byte 0 when the configuration equals the one written in the previous image (records
 * compare by value; the comparison is over a small record, not the large state), else 1 and the whole
 * configuration. Layout: {@code checkpoint/FORMAT.md}, part {@code config}.
 *
 * <p>Source side: {@link #ConfigCheckpoint(Supplier)} reads the live configuration at each round.
 * Target side: {@link #forRestore(Function)}; after a snapshot (and each delta) {@link #restored()} is the
 * configuration, with the protocol configurations the resolver returned for the instance names (a null
 * resolver, or one returning null, leaves them out; {@link #protocolInstanceNames()} lists them all).
 *
 * <p>Threads: the VR loop.
 */
public final class ConfigCheckpoint implements Checkpointable {
    public static final String PART_NAME = "config";
    public static final int VERSION = 1;
    private static final StaticRouteConfig.Action[] ACTIONS = StaticRouteConfig.Action.values();

    private final Supplier<VrConfig> source;
    private final Function<String, ProtocolConfig> resolver;
    private VrConfig lastWritten;
    private VrConfig restored;
    private List<String> protocolNames = List.of();

    /** The source side: {@code current} gives the configuration in force at each round. */
    public ConfigCheckpoint(Supplier<VrConfig> current) {
        this.source = current;
        this.resolver = null;
    }

    private ConfigCheckpoint(Function<String, ProtocolConfig> resolver) {
        this.source = null;
        this.resolver = resolver;
    }

    /** The target side; {@code resolver} maps a protocol instance name to its configuration here (may be null). */
    public static ConfigCheckpoint forRestore(Function<String, ProtocolConfig> resolver) {
        return new ConfigCheckpoint(resolver);
    }

    /** The configuration restored so far, or null before a snapshot. */
    public VrConfig restored() {
        return restored;
    }

    /** The protocol instance names of the restored configuration, in order. */
    public List<String> protocolInstanceNames() {
        return protocolNames;
    }

    @Override
    public String partName() {
        return PART_NAME;
    }

    @Override
    public int partVersion() {
        return VERSION;
    }

    private VrConfig current() {
        if (source == null) {
            throw new IllegalStateException("a restore-side config part cannot write (it has no configuration source)");
        }
        return source.get();
    }

    @Override
    public void writeSnapshot(CheckpointWriter out) {
        VrConfig c = current();
        write(out, c);
        lastWritten = c;
    }

    @Override
    public void writeDelta(CheckpointWriter out) {
        VrConfig c = current();
        if (c.equals(lastWritten)) {
            out.putByte(0);
            return;
        }
        out.putByte(1);
        write(out, c);
        lastWritten = c;
    }

    static void write(CheckpointWriter out, VrConfig c) {
        out.putVarInt(c.id()).putString(c.name()).putVarInt(c.ecmpWidth());
        out.putVarInt(c.interfaces().size());
        for (InterfaceConfig i : c.interfaces()) {
            out.putString(i.name()).putInt(i.address()).putByte(i.prefixLength()).putVarInt(i.mtu())
                    .putBoolean(i.enabled());
        }
        out.putVarInt(c.staticRoutes().size());
        for (StaticRouteConfig r : c.staticRoutes()) {
            out.putInt(r.prefix()).putByte(r.length()).putInt(r.via()).putString(r.interfaceName())
                    .putByte(r.action().ordinal()).putByte(r.distance()).putVarInt(r.metric());
        }
        out.putVarInt(c.protocols().size());
        for (ProtocolConfig p : c.protocols()) {
            out.putString(p.instanceName());
        }
    }

    @Override
    public void restoreSnapshot(CheckpointReader in, int version) {
        checkVersion(in, version);
        read(in);
    }

    @Override
    public void applyDelta(CheckpointReader in, int version) {
        checkVersion(in, version);
        int changed = in.getByte();
        if (changed == 1) {
            read(in);
        } else if (changed != 0) {
            throw in.formatError("config delta marker " + changed + " (0 unchanged, 1 changed)");
        }
    }

    private static void checkVersion(CheckpointReader in, int version) {
        if (version != VERSION) {
            throw in.formatError("config part version " + version + " (this node reads " + VERSION + ")");
        }
    }

    private void read(CheckpointReader in) {
        try {
            int id = in.getVarInt();
            String name = in.getString();
            int ecmp = in.getVarInt();
            int ifCount = count(in, 8, "interfaces");
            List<InterfaceConfig> interfaces = new ArrayList<>(ifCount);
            for (int k = 0; k < ifCount; k++) {
                interfaces.add(new InterfaceConfig(in.getString(), in.getInt(), in.getByte(), in.getVarInt(),
                        in.getBoolean()));
            }
            int routeCount = count(in, 13, "static routes");
            List<StaticRouteConfig> routes = new ArrayList<>(routeCount);
            for (int k = 0; k < routeCount; k++) {
                int prefix = in.getInt();
                int length = in.getByte();
                int via = in.getInt();
                String ifName = in.getString();
                int action = in.getByte();
                if (action >= ACTIONS.length) {
                    throw in.formatError("static route action " + action);
                }
                routes.add(new StaticRouteConfig(prefix, length, via, ifName, ACTIONS[action], in.getByte(),
                        in.getVarInt()));
            }
            int protoCount = count(in, 1, "protocol instances");
            List<String> names = new ArrayList<>(protoCount);
            List<ProtocolConfig> protocols = new ArrayList<>();
            for (int k = 0; k < protoCount; k++) {
                String instance = in.getString();
                if (instance == null) {
                    throw in.formatError("a protocol instance without a name");
                }
                names.add(instance);
                ProtocolConfig p = resolver == null ? null : resolver.apply(instance);
                if (p != null) {
                    if (!p.instanceName().equals(instance)) {
                        throw new IllegalStateException("the resolver returned instance " + p.instanceName() + " for "
                                + instance);
                    }
                    protocols.add(p);
                }
            }
            restored = new VrConfig(id, name, interfaces, routes, protocols, ecmp);
            protocolNames = List.copyOf(names);
        } catch (IllegalArgumentException e) {
            throw in.formatError("invalid configuration: " + e.getMessage());
        }
    }

    private static int count(CheckpointReader in, int minBytes, String what) {
        int n = in.getVarInt();
        if (n > in.remaining() / minBytes) {
            throw in.formatError(n + " " + what + " cannot fit in the " + in.remaining() + " bytes left");
        }
        return n;
    }
}
