package org.vroom.kernel;

import org.vroom.kernel.config.ConfigException;
import org.vroom.kernel.config.NodeConfig;
import org.vroom.kernel.config.NodeConfigLoader;
import org.vroom.kernel.demo.EmbeddedDemo;
import org.vroom.kernel.stats.NodeCounters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vroom run [CONFIG.yaml]}: with a configuration file, runs the node as the box's router until
 * SIGINT/SIGTERM; without one, runs the embedded demo on in-memory ports.
 */
public final class Main {
    private Main() {
    }

    private static Node startNode(NodeConfig config, NodeCounters counters, PrintStream err) {
        try {
            return new Node(config, counters).start();
        } catch (Node.NodeStartException e) {
            err.println("vroom run: " + e.getMessage());
            System.exit(1);
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println("usage: vroom run [CONFIG.yaml] [--seconds N]");
            out.println("  without CONFIG: the embedded demo (two VRs, simulated hosts, in-memory ports)");
            return;
        }
        int seconds = 0;
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("-")) {
                err.println("vroom run: unknown option " + args[i]);
                System.exit(2);
            } else {
                configFile = Path.of(args[i]);
            }
        }
        if (configFile == null) {
            EmbeddedDemo.run(out, seconds);
            return;
        }
        if (!Files.isReadable(configFile)) {
            err.println("vroom run: cannot read " + configFile);
            System.exit(2);
        }
        NodeConfig config;
        try {
            config = NodeConfigLoader.load(configFile);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (NodeCounters counters = createCounters(config, err);
             Node node = startNode(config, counters, err);
             AutoCloseable mgmt = node.startManagement(counters)) {
            // on SIGTERM/SIGINT: let the main thread close the node and the counters file, then exit
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "vroom-shutdown"));
            out.printf("{\"node\":\"%s\",\"state\":\"running\",\"ports\":%d,\"vrs\":%d,\"counters\":\"%s\"}%n",
                    config.name(), config.ports().size(), config.vrs().size(), counters.file());
            if (seconds > 0) {
                stop.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
            } else {
                stop.await();
            }
        } finally {
            closed.countDown();
        }
    }

    private static NodeCounters createCounters(NodeConfig config, PrintStream err) {
        try {
            return NodeCounters.create(config.name());
        } catch (org.vroom.kernel.stats.CountersFileException e) {
            err.println("vroom run: " + e.getMessage());
            System.exit(1);
            return null;
        }
    }
}
