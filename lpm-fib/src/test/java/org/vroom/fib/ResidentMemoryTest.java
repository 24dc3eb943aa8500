package org.vroom.fib;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small FIBs must not make their 64 MiB tbl24 resident: measured from the process RSS, not just our accounting. */
class ResidentMemoryTest {
    @Test
    void hundredSmallFibsStaySmall() throws IOException {
        Path status = Path.of("/proc/self/status");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(status), "needs /proc/self/status (Linux)");
        List<Ipv4Fib> fibs = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(1);
        long before = rssBytes(status);
        for (int i = 0; i < 100; i++) {
            Ipv4Fib fib = Ipv4Fib.dir24_8(1 << 20, 1024);
            for (int r = 0; r < 10; r++) {
                fib.add(rnd.nextInt(), 16 + rnd.nextInt(17), r);
            }
            fibs.add(fib);
        }
        long after = rssBytes(status);
        long perFib = (after - before) / fibs.size();
        long accounted = fibs.stream().mapToLong(Ipv4Fib::residentBytes).sum() / fibs.size();
        fibs.forEach(Ipv4Fib::close);
        // An eagerly touched tbl24 alone would be 64 MiB per FIB.
        assertTrue(perFib < 2 * 1024 * 1024, "RSS per 10-route FIB: " + perFib + " bytes (accounted " + accounted + ")");
        assertTrue(accounted < 1024 * 1024, "accounted per 10-route FIB: " + accounted);
    }

    static long rssBytes(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in " + status);
    }
}
