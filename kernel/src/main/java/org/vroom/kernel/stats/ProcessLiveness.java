package org.vroom.kernel.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Is the process that owns a counters file still alive? Answered from {@code /proc/[pid]/stat}: the
 * pid must exist, must not be a zombie, and its start time (field 22, clock ticks since boot) must
 * match the one recorded in the file, so a recycled pid does not make a dead node look alive.
 *
 * <p>A reader in another pid namespace than the node (a container) cannot see the node's pid and will
 * call a live node stale; run {@code vroom stat} in the node's pid namespace.
 */
public final class ProcessLiveness {
    /** Start ticks meaning "unknown": only the pid is checked. */
    public static final long UNKNOWN_START_TICKS = 0;

    private static final Path PROC = Path.of("/proc");

    private ProcessLiveness() {
    }

    /** Pid of this process. */
    public static long currentPid() {
        return ProcessHandle.current().pid();
    }

    /** Start ticks of this process, or {@link #UNKNOWN_START_TICKS} without /proc. */
    public static long currentStartTicks() {
        return startTicks(currentPid());
    }

    /**
     * Start time of {@code pid} in clock ticks since boot, or {@link #UNKNOWN_START_TICKS} when the
     * process does not exist, is a zombie, or /proc is unavailable.
     */
    public static long startTicks(final long pid) {
        final String stat = readStat(pid);
        if (stat == null) {
            return UNKNOWN_START_TICKS;
        }
        return parseStartTicks(stat);
    }

    /**
     * True when {@code pid} is a running (non-zombie) process and, if {@code expectedStartTicks} is
     * known, it started at that time.
     */
    public static boolean isAlive(final long pid, final long expectedStartTicks) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return false;
        }
        if (!Files.isDirectory(PROC)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        final String stat = readStat(pid);
        if (stat == null) {
            return false;
        }
        final int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 >= stat.length()) {
            return false;
        }
        final char state = stat.charAt(close + 2);
        if (state == 'Z' || state == 'X' || state == 'x') {
            return false;
        }
        if (expectedStartTicks == UNKNOWN_START_TICKS) {
            return true;
        }
        return parseStartTicks(stat) == expectedStartTicks;
    }

    private static String readStat(final long pid) {
        // Files.readAllBytes trusts the size procfs reports (0) and can return a short read; a stream
        // reads until end of file.
        try (InputStream in = Files.newInputStream(PROC.resolve(Long.toString(pid)).resolve("stat"))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Field 22 of a /proc/[pid]/stat line; the command name (field 2) may contain spaces and ')'. */
    static long parseStartTicks(final String stat) {
        final int close = stat.lastIndexOf(')');
        if (close < 0) {
            return UNKNOWN_START_TICKS;
        }
        // Fields after "(comm)" start with field 3 (state); starttime is field 22, i.e. the 20th.
        int field = 3;
        int i = close + 2;
        while (i < stat.length() && field < 22) {
            if (stat.charAt(i) == ' ') {
                field++;
            }
            i++;
        }
        int end = i;
        while (end < stat.length() && Character.isDigit(stat.charAt(end))) {
            end++;
        }
        if (field != 22 || end == i) {
            return UNKNOWN_START_TICKS;
        }
        try {
            return Long.parseLong(stat, i, end, 10);
        } catch (NumberFormatException e) {
            return UNKNOWN_START_TICKS;
        }
    }
}
