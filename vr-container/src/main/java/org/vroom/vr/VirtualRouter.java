package org.vroom.vr;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.vroom.packetio.codec.Ipv4Addresses;
import org.vroom.vr.loop.LoopOptions;
import org.vroom.vr.loop.VrLoop;
import org.vroom.vr.rib.NextHop;
import org.vroom.vr.rib.NextHopSet;
import org.vroom.vr.rib.Rib;
import org.vroom.vr.shadow.Shadowd;
import org.vroom.vr.spi.Counter;
import org.vroom.vr.spi.InterfaceListener;
import org.vroom.vr.spi.Protocol;
import org.vroom.vr.spi.ProtocolConfig;
import org.vroom.vr.spi.ReconfigureOutcome;
import org.vroom.vr.spi.Registration;
import org.vroom.vr.spi.ResourceScope;
import org.vroom.vr.spi.SendStatus;
import org.vroom.vr.spi.VrContext;
import org.vroom.vr.spi.VrInterface;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One virtual router: its configuration, interfaces (with stable MACs), RIB, shadowd, protocol
 * instances, control loop and resource scope, and its lifecycle ({@link VrState}, changed only by
 * {@link #transition}).
 *
 * <p>Threads: everything here runs on the VR's loop. Before the loop runs on a thread (and in
 * deterministic mode) the creating thread may call it; afterwards other threads go through
 * {@code loop().offerControl(() -> vr.transition(...))}, which also works while the VR is frozen.
 */
public final class VirtualRouter {
    private static final Map<VrState, Map<VrEvent, VrState>> TRANSITIONS = new EnumMap<>(VrState.class);

    static {
        for (VrState s : VrState.values()) {
            TRANSITIONS.put(s, new EnumMap<>(VrEvent.class));
        }
        TRANSITIONS.get(VrState.CREATED).put(VrEvent.START, VrState.RUNNING);
        TRANSITIONS.get(VrState.CREATED).put(VrEvent.DESTROY, VrState.DESTROYED);
        TRANSITIONS.get(VrState.RUNNING).put(VrEvent.FREEZE, VrState.FROZEN);
        TRANSITIONS.get(VrState.RUNNING).put(VrEvent.STOP, VrState.STOPPED);
        TRANSITIONS.get(VrState.RUNNING).put(VrEvent.DETACH, VrState.STOPPED);
        TRANSITIONS.get(VrState.FROZEN).put(VrEvent.THAW, VrState.RUNNING);
        TRANSITIONS.get(VrState.FROZEN).put(VrEvent.STOP, VrState.STOPPED);
        TRANSITIONS.get(VrState.FROZEN).put(VrEvent.DETACH, VrState.STOPPED);
        TRANSITIONS.get(VrState.STOPPED).put(VrEvent.START, VrState.RUNNING);
        TRANSITIONS.get(VrState.STOPPED).put(VrEvent.DESTROY, VrState.DESTROYED);
    }

    /** A running protocol instance and what it runs with. */
    private static final class ProtocolSlot {
        ProtocolConfig config;
        final Protocol instance;
        final ScopedContext context;

        ProtocolSlot(ProtocolConfig config, Protocol instance, ScopedContext context) {
            this.config = config;
            this.instance = instance;
            this.context = context;
        }
    }

    private final VrHost host;
    private final ResourceScope scope;
    private final VrLoop loop;
    private final Rib rib;
    private final Shadowd shadowd;
    private final IpDispatcher dispatcher;
    private final OwnRoutes ownRoutes;
    private final RandomGenerator random;
    private final System.Logger log;
    private final ScopedContext context;
    private final Counter txSent;
    private final Counter txFailed;

    private VrConfig config;
    private VrState state = VrState.CREATED;
    private VrInterface[] interfaces = new VrInterface[0];
    private List<VrInterface> interfaceList = List.of();
    private final Map<String, Integer> rememberedIndex = new HashMap<>();
    private InterfaceListener[] interfaceListeners = new InterfaceListener[0];
    private final LinkedHashMap<String, ProtocolSlot> running = new LinkedHashMap<>();
    private VrStateListener[] stateListeners = new VrStateListener[0];
    private ResourceScope runScope;
    private int runs;
    private boolean restoring;
    private boolean ribStale;
    private boolean adopted;
    private int resyncs;
    private long lastResyncNanos;

    private VirtualRouter(VrConfig config, VrHost host, NanoClock clock, LoopOptions loopOptions) {
        this.config = config;
        this.host = host;
        this.scope = ResourceScope.root("vr-" + config.name());
        try {
            this.log = host.logger("vr");
            this.random = host.random();
            this.loop = scope.register(new VrLoop(config.name(), clock, loopOptions,
                    t -> log.log(System.Logger.Level.ERROR, "VR " + config.name() + ": task failed", t)));
            this.rib = new Rib(config.ecmpWidth());
            this.shadowd = scope.register(new Shadowd(config.id(), rib, host.hypervisor()));
            this.ownRoutes = new OwnRoutes(rib);
            this.dispatcher = new IpDispatcher(this, scope.register(host.counter("ip.rx.delivered")),
                    scope.register(host.counter("ip.rx.no-handler")), scope.register(host.counter("ip.rx.malformed")));
            this.txSent = scope.register(host.counter("ip.tx.sent"));
            this.txFailed = scope.register(host.counter("ip.tx.failed"));
            this.context = new ScopedContext(this, "vr", scope.child("vr"));
            loop.setInboundHandler(dispatcher);
            loop.addTurnListener(shadowd::flush);
            for (InterfaceConfig ic : config.interfaces()) {
                int index = assignIndex(ic.name());
                setInterface(index, toInterface(index, ic, true));
            }
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** A VR in state CREATED with the default loop options. */
    public static VirtualRouter create(VrConfig config, VrHost host, NanoClock clock) {
        return new VirtualRouter(config, host, clock, LoopOptions.DEFAULT);
    }

    /** A VR in state CREATED. The caller runs {@link #loop()} (an agent) on a thread, or drives it deterministically. */
    public static VirtualRouter create(VrConfig config, VrHost host, NanoClock clock, LoopOptions loopOptions) {
        return new VirtualRouter(config, host, clock, loopOptions);
    }

    // ------------------------------------------------------------------------------------------
    // identity and parts
    // ------------------------------------------------------------------------------------------

    public int id() {
        return config.id();
    }

    public String name() {
        return config.name();
    }

    public VrConfig config() {
        return config;
    }

    public VrState state() {
        return state;
    }

    public VrLoop loop() {
        return loop;
    }

    public Rib rib() {
        return rib;
    }

    public Shadowd shadowd() {
        return shadowd;
    }

    public ResourceScope scope() {
        return scope;
    }

    /** The VR's own context (component "vr"): management, tests, the kernel's helpers. */
    public VrContext context() {
        return context;
    }

    /** The running instance of protocol {@code instanceName}, or null. */
    public Protocol protocol(String instanceName) {
        ProtocolSlot s = running.get(instanceName);
        return s == null ? null : s.instance;
    }

    /** Whether a handler for IP protocol {@code ipProtocol} is registered (the host stack delivers those to the loop). */
    public boolean servesProtocol(int ipProtocol) {
        return ipProtocol >= 0 && ipProtocol <= 255 && dispatcher.hasHandler(ipProtocol);
    }

    VrHost host() {
        return host;
    }

    IpDispatcher dispatcher() {
        return dispatcher;
    }

    RandomGenerator random() {
        return random;
    }

    public void addStateListener(VrStateListener listener) {
        stateListeners = Arrays.copyOf(stateListeners, stateListeners.length + 1);
        stateListeners[stateListeners.length - 1] = listener;
    }

    // ------------------------------------------------------------------------------------------
    // interfaces
    // ------------------------------------------------------------------------------------------

    /** Current interfaces ordered by index (immutable). */
    public List<VrInterface> interfaces() {
        return interfaceList;
    }

    public VrInterface interfaceByIndex(int ifIndex) {
        return ifIndex >= 0 && ifIndex < interfaces.length ? interfaces[ifIndex] : null;
    }

    public VrInterface interfaceByName(String name) {
        for (VrInterface i : interfaces) {
            if (i != null && i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    Registration addInterfaceListener(InterfaceListener listener) {
        interfaceListeners = Arrays.copyOf(interfaceListeners, interfaceListeners.length + 1);
        interfaceListeners[interfaceListeners.length - 1] = listener;
        return () -> {
            for (int i = 0; i < interfaceListeners.length; i++) {
                if (interfaceListeners[i] == listener) {
                    InterfaceListener[] next = new InterfaceListener[interfaceListeners.length - 1];
                    System.arraycopy(interfaceListeners, 0, next, 0, i);
                    System.arraycopy(interfaceListeners, i + 1, next, i, next.length - i);
                    interfaceListeners = next;
                    return;
                }
            }
        };
    }

    /** The kernel reports the link under interface {@code ifIndex} up or down. Returns false for an unknown index. */
    public boolean setLinkState(int ifIndex, boolean up) {
        VrInterface before = interfaceByIndex(ifIndex);
        if (before == null || state == VrState.DESTROYED) {
            return false;
        }
        if (before.linkUp() != up) {
            VrInterface after = before.withLinkUp(up);
            setInterface(ifIndex, after);
            announce(before, after, false);
            if (isActive()) {
                ownRoutes.sync(interfaces, config.staticRoutes());
                shadowd.flush();
            }
        }
        return true;
    }

    private VrInterface toInterface(int index, InterfaceConfig ic, boolean linkUp) {
        return new VrInterface(index, ic.name(), ic.address(), ic.prefixLength(), ic.mtu(),
                VrInterface.macFor(config.id(), index), ic.enabled(), linkUp);
    }

    /** The index for interface {@code name}: the one it had before if still free, else the lowest free. */
    private int assignIndex(String name) {
        Integer previous = rememberedIndex.get(name);
        if (previous != null && interfaceByIndex(previous) == null) {
            return previous;
        }
        int i = 0;
        while (i < interfaces.length && interfaces[i] != null) {
            i++;
        }
        rememberedIndex.put(name, i);
        return i;
    }

    private void setInterface(int index, VrInterface iface) {
        if (index >= interfaces.length) {
            interfaces = Arrays.copyOf(interfaces, index + 1);
        }
        interfaces[index] = iface;
        List<VrInterface> list = new ArrayList<>();
        for (VrInterface i : interfaces) {
            if (i != null) {
                list.add(i);
            }
        }
        interfaceList = List.copyOf(list);
    }

    private void announce(VrInterface before, VrInterface after, boolean toHost) {
        if (toHost) {
            host.interfaceChanged(before, after);
        }
        for (InterfaceListener l : interfaceListeners) {
            try {
                l.onInterfaceChange(before, after);
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.ERROR, "VR " + name() + ": interface listener failed", e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // packets out
    // ------------------------------------------------------------------------------------------

    SendStatus sendIp(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
        SendStatus s = send(ifIndex, nextHop, buffer, offset, length);
        (s == SendStatus.SENT || s == SendStatus.QUEUED ? txSent : txFailed).increment();
        return s;
    }

    private SendStatus send(int ifIndex, int nextHop, DirectBuffer buffer, int offset, int length) {
        if (state != VrState.RUNNING) {
            return SendStatus.NOT_RUNNING;
        }
        if (length < 20 || offset < 0 || (long) offset + length > buffer.capacity()
                || (buffer.getByte(offset) & 0xF0) != 0x40) {
            return SendStatus.MALFORMED;
        }
        int destination = buffer.getInt(offset + 16, ByteOrder.BIG_ENDIAN);
        if (ifIndex == VrContext.ROUTE_BY_DESTINATION) {
            NextHopSet nhs = rib.outgoingHops(destination);
            if (nhs == null) {
                return SendStatus.NO_ROUTE;
            }
            ifIndex = nhs.ifIndex(0);
            nextHop = nhs.kind(0) == NextHop.FORWARD ? nhs.address(0) : destination;
        }
        VrInterface out = interfaceByIndex(ifIndex);
        if (out == null) {
            return SendStatus.NO_INTERFACE;
        }
        if (!out.isUp()) {
            return SendStatus.INTERFACE_DOWN;
        }
        if (length > out.mtu()) {
            return SendStatus.TOO_BIG;
        }
        return host.sendIp(ifIndex, nextHop == 0 ? destination : nextHop, buffer, offset, length);
    }

    // ------------------------------------------------------------------------------------------
    // lifecycle
    // ------------------------------------------------------------------------------------------

    /** The events allowed in the current state. */
    public Set<VrEvent> allowedEvents() {
        return TRANSITIONS.get(state).keySet();
    }

    /**
     * The only way the lifecycle state changes. Performs {@code event} and returns the new state, or
     * throws {@link IllegalVrTransitionException} (changing nothing) if the current state does not allow
     * it. If the action itself fails (a protocol throws on start), the VR is left in its previous state
     * with whatever the action had done undone, and the failure is rethrown.
     */
    public VrState transition(VrEvent event) {
        VrState from = state;
        VrState to = TRANSITIONS.get(from).get(event);
        if (to == null) {
            throw new IllegalVrTransitionException(name(), from, event, allowedEvents());
        }
        switch (event) {
            case START -> doStart();
            case FREEZE -> loop.freeze();
            case THAW -> {
                state = VrState.RUNNING; // replayed packets may make handlers send
                loop.thaw();
            }
            case STOP, DETACH -> doStop(event == VrEvent.STOP);
            case DESTROY -> doDestroy();
        }
        state = to;
        log.log(System.Logger.Level.DEBUG, () -> "VR " + name() + ": " + from + " --" + event + "--> " + to);
        for (VrStateListener l : stateListeners) {
            l.onTransition(this, from, event, to);
        }
        return to;
    }

    /**
     * Prepares a CREATED VR to receive a checkpoint: shadowd stops listening, so that restoring the RIB
     * sends nothing to the data plane (which still holds the routes of the VR that was checkpointed).
     * Restore the parts next, then {@link #startRestored}.
     */
    public void prepareRestore() {
        if (state != VrState.CREATED) {
            throw new IllegalVrTransitionException(name(), state, VrEvent.START, allowedEvents());
        }
        shadowd.detach();
    }

    /**
     * Starts a VR restored from a checkpoint: its own routes are checked against the restored RIB, and
     * protocols start as configured (their own restore comes with their checkpoint parts). The data plane
     * still holds the routes of the VR that was checkpointed; on the loop's next turn after this one
     * (after the thaw, if the VR is frozen now) shadowd takes over: it sends the whole RIB as one reset
     * batch, which the data plane applies make-before-break (the same routes to the same next hops
     * overwrite themselves; nothing is withdrawn on the way), and continues incrementally from there.
     * That pass is proportional to the RIB; the switch-over itself is not.
     */
    public VrState startRestored() {
        if (state != VrState.CREATED) {
            throw new IllegalVrTransitionException(name(), state, VrEvent.START, allowedEvents());
        }
        restoring = true;
        try {
            return transition(VrEvent.START);
        } finally {
            restoring = false;
        }
    }

    /**
     * This VR, restored beside {@code replaced} on the same node and data plane, takes over that VR's
     * shadowd state (next-hop ids and batch sequence) instead of re-sending its RIB after the start: the
     * switch-over then costs nothing proportional to the table. Call after the last checkpoint section
     * is restored, while {@code replaced} is frozen and before it is detached (which forgets that state),
     * on {@code replaced}'s loop.
     */
    public void adoptDataPlaneState(VirtualRouter replaced) {
        if (state != VrState.CREATED) {
            throw new IllegalVrTransitionException(name(), state, VrEvent.START, allowedEvents());
        }
        shadowd.adoptState(replaced.shadowd);
        adopted = true;
    }

    private void takeOverDataPlane() {
        if (state == VrState.RUNNING || state == VrState.FROZEN) {
            long start = loop.clock().nanoTime();
            shadowd.forget();
            shadowd.attach();
            shadowd.resync();
            resyncs++;
            lastResyncNanos = loop.clock().nanoTime() - start;
        }
    }

    /** How long the last of those took (ns). */
    public long lastResyncNanos() {
        return lastResyncNanos;
    }

    /** How many times shadowd re-sent the whole RIB after a restore (tests, management). */
    public int restoreResyncs() {
        return resyncs;
    }

    public VrState start() {
        return transition(VrEvent.START);
    }

    public VrState freeze() {
        return transition(VrEvent.FREEZE);
    }

    public VrState thaw() {
        return transition(VrEvent.THAW);
    }

    public VrState stop() {
        return transition(VrEvent.STOP);
    }

    public VrState detach() {
        return transition(VrEvent.DETACH);
    }

    public VrState destroy() {
        return transition(VrEvent.DESTROY);
    }

    private boolean isActive() {
        return state == VrState.RUNNING || state == VrState.FROZEN;
    }

    private void doStart() {
        VrState previous = state;
        if (ribStale) {
            shadowd.detach();
            rib.clear();
            ownRoutes.clear();
            shadowd.attach();
            ribStale = false;
        }
        runScope = scope.child("run-" + (++runs));
        state = VrState.RUNNING; // protocols may send from start()
        boolean handedOver = restoring && adopted;
        if (handedOver) {
            shadowd.attach(); // it continues the replaced VR's state: every change from now on counts
            adopted = false;
        }
        try {
            ownRoutes.sync(interfaces, config.staticRoutes());
            for (ProtocolConfig pc : config.protocols()) {
                startProtocol(pc);
            }
            if (restoring && !handedOver) {
                loop.execute(this::takeOverDataPlane);
            } else {
                shadowd.flush();
            }
        } catch (RuntimeException e) {
            state = previous;
            try {
                teardown(true);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void doStop(boolean withdraw) {
        if (loop.isFrozen()) {
            loop.discardFrozen();
            loop.thaw();
        }
        teardown(withdraw);
    }

    /** Stops protocols (reverse order), frees the run's resources, empties the RIB, withdraws or forgets the FIB. */
    private void teardown(boolean withdraw) {
        List<ProtocolSlot> slots = new ArrayList<>(running.values());
        for (int i = slots.size() - 1; i >= 0; i--) {
            stopSlot(slots.get(i));
        }
        running.clear();
        if (runScope != null) {
            runScope.close();
            runScope = null;
        }
        shadowd.detach();
        if (withdraw) {
            rib.clear();
            ownRoutes.clear();
            shadowd.withdrawAll();
        } else {
            // detached (the VR lives on elsewhere, usually destroyed next): clearing a full table would
            // cost ~100 ms inside the switch-over, so the RIB is cleared only if this VR starts again
            ribStale = true;
            shadowd.forget();
        }
        shadowd.attach();
    }

    private void doDestroy() {
        // the loop closes with the scope: queued tasks and timers go, the frozen buffer is freed
        scope.close();
    }

    private void startProtocol(ProtocolConfig pc) {
        ResourceScope ps = runScope.child(pc.instanceName());
        ScopedContext ctx = new ScopedContext(this, pc.instanceName(), ps);
        Protocol p;
        try {
            p = pc.newInstance();
            running.put(pc.instanceName(), new ProtocolSlot(pc, p, ctx));
            p.start(ctx);
        } catch (RuntimeException e) {
            ps.close();
            running.remove(pc.instanceName());
            throw new IllegalStateException("VR " + name() + ": protocol " + pc.instanceName() + " failed to start", e);
        }
    }

    private void stopSlot(ProtocolSlot slot) {
        try {
            slot.instance.stop();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.ERROR, "VR " + name() + ": protocol " + slot.config.instanceName()
                    + " failed to stop cleanly", e);
        } finally {
            slot.context.scope().close();
        }
    }

    /**
     * Stops protocol {@code instanceName} and starts a new instance with its current configuration
     * (after a reconfiguration said it needs a restart). Returns false if it is not running.
     */
    public boolean restartProtocol(String instanceName) {
        ProtocolSlot slot = running.get(instanceName);
        if (slot == null || state != VrState.RUNNING) {
            return false;
        }
        stopSlot(slot);
        running.remove(instanceName);
        for (ProtocolConfig pc : config.protocols()) {
            if (pc.instanceName().equals(instanceName)) {
                startProtocol(pc);
            }
        }
        shadowd.flush();
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // reconfiguration
    // ------------------------------------------------------------------------------------------

    /**
     * Applies {@code next} in place where it can: ECMP width, interfaces added, removed or changed
     * (address, MTU, enabled; indices and MACs of the others do not move), static routes added or
     * removed, protocol instances added or removed, protocol settings their instance accepts in place.
     * Reports the rest as needing a restart: a different id or name (re-create the VR), protocol
     * settings the instance cannot apply ({@link #restartProtocol}). Not allowed while FROZEN (the
     * state is being checkpointed) or DESTROYED.
     */
    public ReconfigureResult reconfigure(VrConfig next) {
        if (state == VrState.FROZEN || state == VrState.DESTROYED) {
            throw new IllegalStateException("VR " + name() + ": cannot reconfigure in state " + state);
        }
        List<ReconfigureResult.Change> applied = new ArrayList<>();
        List<ReconfigureResult.Change> restart = new ArrayList<>();
        VrConfig old = config;
        if (next.id() != old.id()) {
            restart.add(new ReconfigureResult.Change(ReconfigureResult.Area.VR, "id", old.id() + " -> " + next.id()
                    + ": the id is the VR's identity in the data plane and part of its MACs; re-create the VR"));
        }
        if (!next.name().equals(old.name())) {
            restart.add(new ReconfigureResult.Change(ReconfigureResult.Area.VR, "name", old.name() + " -> " + next.name()
                    + ": the name is the VR's identity in the node; re-create the VR"));
        }
        if (next.ecmpWidth() != old.ecmpWidth()) {
            rib.setEcmpWidth(next.ecmpWidth());
            applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.RIB, "ecmp-width",
                    old.ecmpWidth() + " -> " + next.ecmpWidth()));
        }
        reconfigureInterfaces(old, next, applied);
        reconfigureStatics(old, next, applied);
        config = new VrConfig(old.id(), old.name(), next.interfaces(), next.staticRoutes(), next.protocols(),
                next.ecmpWidth());
        if (isActive()) {
            ownRoutes.sync(interfaces, config.staticRoutes());
        }
        reconfigureProtocols(old, next, applied, restart);
        if (isActive()) {
            shadowd.flush();
        }
        return new ReconfigureResult(applied, restart);
    }

    private void reconfigureInterfaces(VrConfig old, VrConfig next, List<ReconfigureResult.Change> applied) {
        for (InterfaceConfig oc : old.interfaces()) {
            if (next.findInterface(oc.name()) == null) {
                VrInterface before = interfaceByName(oc.name());
                setInterface(before.index(), null);
                announce(before, null, true);
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.INTERFACE, oc.name(), "removed"));
            }
        }
        for (InterfaceConfig nc : next.interfaces()) {
            InterfaceConfig oc = old.findInterface(nc.name());
            if (oc == null) {
                int index = assignIndex(nc.name());
                VrInterface after = toInterface(index, nc, true);
                setInterface(index, after);
                announce(null, after, true);
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.INTERFACE, nc.name(),
                        "added as index " + index));
            } else if (!oc.equals(nc)) {
                VrInterface before = interfaceByName(nc.name());
                VrInterface after = toInterface(before.index(), nc, before.linkUp());
                setInterface(before.index(), after);
                announce(before, after, true);
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.INTERFACE, nc.name(), describe(oc, nc)));
            }
        }
    }

    private static String describe(InterfaceConfig a, InterfaceConfig b) {
        List<String> parts = new ArrayList<>();
        if (a.address() != b.address() || a.prefixLength() != b.prefixLength()) {
            parts.add("address " + Ipv4Addresses.format(a.address()) + "/" + a.prefixLength() + " -> "
                    + Ipv4Addresses.format(b.address()) + "/" + b.prefixLength());
        }
        if (a.mtu() != b.mtu()) {
            parts.add("mtu " + a.mtu() + " -> " + b.mtu());
        }
        if (a.enabled() != b.enabled()) {
            parts.add(b.enabled() ? "enabled" : "disabled");
        }
        return String.join(", ", parts);
    }

    private static void reconfigureStatics(VrConfig old, VrConfig next, List<ReconfigureResult.Change> applied) {
        for (StaticRouteConfig r : old.staticRoutes()) {
            if (!next.staticRoutes().contains(r)) {
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.STATIC_ROUTE, r.toString(), "removed"));
            }
        }
        for (StaticRouteConfig r : next.staticRoutes()) {
            if (!old.staticRoutes().contains(r)) {
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.STATIC_ROUTE, r.toString(), "added"));
            }
        }
    }

    private void reconfigureProtocols(VrConfig old, VrConfig next, List<ReconfigureResult.Change> applied,
                                      List<ReconfigureResult.Change> restart) {
        Map<String, ProtocolConfig> before = new LinkedHashMap<>();
        for (ProtocolConfig pc : old.protocols()) {
            before.put(pc.instanceName(), pc);
        }
        Map<String, ProtocolConfig> after = new LinkedHashMap<>();
        for (ProtocolConfig pc : next.protocols()) {
            after.put(pc.instanceName(), pc);
        }
        boolean active = isActive();
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                ProtocolSlot slot = running.remove(name);
                if (slot != null) {
                    stopSlot(slot);
                }
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.PROTOCOL, name, "removed"));
            }
        }
        for (ProtocolConfig pc : after.values()) {
            ProtocolConfig was = before.get(pc.instanceName());
            if (was == null) {
                if (active) {
                    try {
                        startProtocol(pc);
                    } catch (RuntimeException e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        restart.add(new ReconfigureResult.Change(ReconfigureResult.Area.PROTOCOL, pc.instanceName(),
                                "failed to start: " + cause.getMessage()));
                        continue;
                    }
                }
                applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.PROTOCOL, pc.instanceName(), "added"));
            } else if (!was.equals(pc)) {
                ProtocolSlot slot = running.get(pc.instanceName());
                if (slot == null) {
                    applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.PROTOCOL, pc.instanceName(),
                            "configuration replaced (not running)"));
                    continue;
                }
                ReconfigureOutcome o = slot.instance.reconfigure(pc);
                if (o.applied()) {
                    slot.config = pc;
                    applied.add(new ReconfigureResult.Change(ReconfigureResult.Area.PROTOCOL, pc.instanceName(), o.detail()));
                } else {
                    restart.add(new ReconfigureResult.Change(ReconfigureResult.Area.PROTOCOL, pc.instanceName(),
                            o.detail() + " (restartProtocol(\"" + pc.instanceName() + "\") applies it)"));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "VR " + name() + " (id " + id() + ", " + state + ")";
    }
}
