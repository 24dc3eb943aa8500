package org.vroom.lab;

/**
 * A JVM that opens a lab (one namespace, one background process), prints {@code <prefix> <pid>}
 * and waits to be killed. {@link LabShutdownTest} uses it to prove the shutdown hook and
 * {@link Lab#cleanStale()}.
 */
public final class LabShutdownProbe {
    private LabShutdownProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        Lab lab = new Lab();
        Host h = lab.host("probe");
        BackgroundProcess p = h.start("sleeper", "sleep", "300");
        System.out.println(lab.prefix() + " " + p.pid());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
