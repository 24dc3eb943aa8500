package org.vroom.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * A realistic IPv4 routing table for benchmarks and scale tests: the real full table in
 * {@code ../shared/data/fulltable-2024-03.txt.gz} (901,899 IPv4 prefixes), optionally extended by a
 * seeded generator to a target size with the same prefix-length mix and address clustering.
 *
 * <p>The file is found through the system property {@code vroom.fulltable}, the environment variable
 * {@code VROOM_FULLTABLE}, or by looking for {@code shared/data/} next to or above the working directory.
 */
public final class FullTable {
    public static final String FILE_NAME = "fulltable-2024-03.txt.gz";
    /** The global IPv4 table had about 1.04 M prefixes in November 2025; scale tests go beyond that. */
    public static final int GLOBAL_TABLE_SIZE = 1_050_000;

    public final int[] prefixes;
    public final byte[] lengths;
    public final int size;
    public final int realSize;

    private FullTable(int[] prefixes, byte[] lengths, int size, int realSize) {
        this.prefixes = prefixes;
        this.lengths = lengths;
        this.size = size;
        this.realSize = realSize;
    }

    /** The real table only. */
    public static FullTable load() {
        return load(0, 0L);
    }

    /** The real table, extended with generated prefixes up to {@code targetSize} (0: no extension). */
    public static FullTable load(int targetSize, long seed) {
        Path file = locate();
        int[] p = new int[1 << 20];
        byte[] l = new byte[1 << 20];
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                int slash = line.indexOf('/');
                if (slash < 0 || line.indexOf(':') >= 0) {
                    continue; // IPv6 or junk
                }
                int addr = parseIpv4(line, slash);
                int len = Integer.parseInt(line, slash + 1, line.length(), 10);
                if (n == p.length) {
                    p = Arrays.copyOf(p, n * 2);
                    l = Arrays.copyOf(l, n * 2);
                }
                p[n] = addr;
                l[n] = (byte) len;
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        int real = n;
        if (targetSize > n) {
            p = Arrays.copyOf(p, targetSize);
            l = Arrays.copyOf(l, targetSize);
            n = extend(p, l, real, targetSize, seed);
        }
        return new FullTable(p, l, n, real);
    }

    /** Adds generated prefixes after the first {@code real} entries; returns the new size. */
    private static int extend(int[] p, byte[] l, int real, int target, long seed) {
        Set<Long> seen = new HashSet<>(target * 2);
        for (int i = 0; i < real; i++) {
            seen.add(key(p[i], l[i]));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = real;
        while (n < target) {
            // same length mix: copy the length of a random real prefix; same clustering: keep the
            // leading bits of another random real prefix and randomise the rest.
            int len = l[rnd.nextInt(real)];
            int anchor = rnd.nextInt(real);
            int keep = Math.min(l[anchor], Math.max(len - 8, 8));
            int keepMask = keep == 0 ? 0 : -1 << (32 - keep);
            int addr = (p[anchor] & keepMask) | (rnd.nextInt() & ~keepMask);
            addr &= len == 0 ? 0 : -1 << (32 - len);
            if (seen.add(key(addr, len))) {
                p[n] = addr;
                l[n] = (byte) len;
                n++;
            }
        }
        return n;
    }

    private static long key(int addr, int len) {
        return ((long) addr << 6) | len;
    }

    static int parseIpv4(CharSequence s, int end) {
        int addr = 0;
        int octet = 0;
        int dots = 0;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                addr = addr << 8 | octet;
                octet = 0;
                dots++;
            } else if (c >= '0' && c <= '9') {
                octet = octet * 10 + (c - '0');
            } else {
                throw new IllegalArgumentException("not an IPv4 prefix: " + s);
            }
        }
        if (dots != 3) {
            throw new IllegalArgumentException("not an IPv4 prefix: " + s);
        }
        return addr << 8 | octet;
    }

    /** The table file, or an exception naming the places that were tried. */
    public static Path locate() {
        String prop = System.getProperty("vroom.fulltable", System.getenv("VROOM_FULLTABLE"));
        if (prop != null) {
            return Path.of(prop);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            for (Path c : new Path[] {d.resolve("shared/data").resolve(FILE_NAME), d.resolve("data").resolve(FILE_NAME)}) {
                if (Files.isReadable(c)) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("cannot find " + FILE_NAME + " under shared/data/ above " + dir
                + "; set -Dvroom.fulltable=/path/to/" + FILE_NAME);
    }

    /** Random destination addresses: uniformly random over the whole IPv4 space. */
    public static int[] uniformTrace(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt();
        }
        return a;
    }

    /** Random destination addresses drawn from the table's own prefixes (a random host in a random prefix). */
    public int[] prefixTrace(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(size);
            int len = lengths[k];
            int hostMask = len == 0 ? -1 : (len == 32 ? 0 : -1 >>> len);
            a[i] = (prefixes[k] & ~hostMask) | (rnd.nextInt() & hostMask);
        }
        return a;
    }
}
