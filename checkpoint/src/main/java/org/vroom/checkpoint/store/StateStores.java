package org.vroom.checkpoint.store;

/**
 * Creates {@link StateStore}s. Loading this class sets {@code chronicle.analytics.disable=true} (a router
 * must never phone home; Chronicle libraries otherwise send usage events when their classes initialise),
 * and every Chronicle class is reached only through this factory, so the property is set before any of
 * them loads. The node's {@code jvm.options} sets it too, for code that uses Chronicle directly.
 *
 * <p>Which to use: see {@code checkpoint/STORES.md} and the figures of
 * {@code org.vroom.perf.checkpoint.StoreFigures}. In short, the off-heap store is the faster and smaller
 * one for tables the VR loop owns alone; the Chronicle store is the one to use when a table must survive
 * a crash of the process by itself (persisted and recovered) or be shared between threads.
 */
public final class StateStores {
    /** The system property Chronicle reads before sending analytics. */
    public static final String ANALYTICS_PROPERTY = "chronicle.analytics.disable";

    static {
        System.setProperty(ANALYTICS_PROPERTY, "true");
    }

    private StateStores() {
    }

    /** A purpose-built off-heap store (in memory only). */
    public static StateStore offHeap(StoreConfig config) {
        return new OffHeapStore(config);
    }

    /**
     * A Chronicle Map store, in memory or persisted to {@code config.file()} (created, or opened with
     * recovery when it exists). Needs {@code net.openhft:chronicle-map} on the class path (an optional
     * dependency of this module: the modules that use it declare it).
     */
    public static StateStore chronicle(StoreConfig config) {
        if (!chronicleAvailable()) {
            throw new IllegalStateException("store " + config.name() + ": Chronicle Map is not on the class path (add the"
                    + " net.openhft:chronicle-map dependency, or use StateStores.offHeap)");
        }
        return new ChronicleStore(config);
    }

    /** Whether Chronicle Map is on the class path (checked without initialising any of its classes). */
    public static boolean chronicleAvailable() {
        try {
            Class.forName("net.openhft.chronicle.map.ChronicleMap", false, StateStores.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
