package org.vroom.kernel.stats;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A stand-alone node writer for the cross-process test: creates counters for node {@code args[1]} in
 * directory {@code args[0]}, writes known values, prints {@code READY <pid>}, then waits until its
 * stdin closes and closes the counters cleanly.
 */
public final class CounterWriterMain {
    private CounterWriterMain() {
    }

    public static void main(final String[] args) throws IOException {
        try (NodeCounters node = NodeCounters.create(new NodeCounters.Config(args[1]).directory(Path.of(args[0])))) {
            final CounterSet<PortCounter> eth0 = node.ports("eth0");
            final CounterSet<VrCounter> blue = node.vr(7, "blue");
            eth0.get(PortCounter.RX_FRAMES).setRelease(1234);
            eth0.get(PortCounter.RX_BYTES).setRelease(1234 * 64);
            blue.add(VrCounter.FORWARDED, 1200);
            blue.add(VrCounter.DROP_TTL_EXPIRED, 34);
            blue.publish();
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin (or kill us)
            }
        }
    }
}
