package org.vroom.kernel.config;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only tripwires: class initialisation of a nested class bumps a counter, so a test can prove
 * that a YAML tag naming the class did (or did not) make the YAML library load and instantiate it.
 * Reading the counters initialises only this outer class.
 */
public final class YamlCanary {
    /** Times {@link Trap} was initialised: must stay 0. */
    public static final AtomicInteger TRAP = new AtomicInteger();
    /** Times {@link ControlTrap} was initialised, by the deliberately unsafe control loader. */
    public static final AtomicInteger CONTROL = new AtomicInteger();

    private YamlCanary() {
    }

    /** Named in a tag given to the node-file loader. */
    public static final class Trap {
        static {
            TRAP.incrementAndGet();
        }

        /** SnakeYAML's bean construction needs a public no-argument constructor. */
        public Trap() {
        }
    }

    /** Named in a tag given to an unsafe SnakeYAML loader, to show the tripwire works. */
    public static final class ControlTrap {
        static {
            CONTROL.incrementAndGet();
        }

        /** SnakeYAML's bean construction needs a public no-argument constructor. */
        public ControlTrap() {
        }
    }
}
