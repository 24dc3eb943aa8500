package org.vroom.lab;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line that starts another JVM like this one: same {@code java} binary, same
 * class path, and the module/native-access flags this JVM was started with (from
 * {@code jvm.options}), so a child can use everything the tests can.
 */
public final class JavaCommand {
    private JavaCommand() {
    }

    /** The java launcher of the running JVM. */
    public static Path javaBinary() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (fromHome.toFile().canExecute()) {
            return fromHome;
        }
        return ProcessHandle.current().info().command().map(Path::of)
                .orElseThrow(() -> new LabException("cannot find the java binary of this JVM"));
    }

    /** The running JVM's class path. */
    public static String classpath() {
        return System.getProperty("java.class.path");
    }

    /**
     * The flags of this JVM a child needs too: {@code --add-exports}, {@code --add-opens},
     * {@code --enable-native-access}, {@code --sun-misc-unsafe-memory-access} and the
     * {@code -Djnr.*}/{@code -Dchronicle.*} properties. Agents, heap sizes and test-runner
     * properties are not copied.
     */
    public static List<String> inheritedJvmOptions() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens")
                    || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")
                    || arg.startsWith("-Djnr.") || arg.startsWith("-Dchronicle.")) {
                out.add(arg);
            }
        }
        return out;
    }

    /** {@code java <inherited flags> <jvmArgs> -cp <classpath> <mainClass> <args>}. */
    public static List<String> command(String mainClass, List<String> jvmArgs, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary().toString());
        cmd.addAll(inheritedJvmOptions());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
