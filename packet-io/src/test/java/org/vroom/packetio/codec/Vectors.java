package org.vroom.packetio.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Loads the byte vectors under {@code src/test/resources/codec/{good,bad}} (see the README there): hex
 * text with {@code #} comment lines, of which {@code # expect: CODE} and {@code # layers: ...} are read.
 */
final class Vectors {
    /** A vector: file name without extension, description, expected code name, expected layers, bytes. */
    record Vector(String name, String description, String expect, String layers, byte[] bytes) {
        UnsafeBuffer buffer() {
            return new UnsafeBuffer(bytes.clone());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Vectors() {
    }

    static Vector good(String name) {
        return load(resource("codec/good/" + name + ".hex"));
    }

    static List<Vector> all(String directory) {
        final Path dir = resource("codec/" + directory);
        try (Stream<Path> files = Files.list(dir)) {
            final List<Vector> vectors = new ArrayList<>();
            files.filter(p -> p.toString().endsWith(".hex")).sorted().forEach(p -> vectors.add(load(p)));
            if (vectors.isEmpty()) {
                throw new IllegalStateException("no vectors in " + dir);
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static String hex(UnsafeBuffer buffer, int offset, int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return hex(bytes);
    }

    private static Path resource(String name) {
        final URL url = Vectors.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Vector load(Path path) {
        try {
            final StringBuilder description = new StringBuilder();
            final StringBuilder hex = new StringBuilder();
            String expect = null;
            String layers = "";
            for (String line : Files.readAllLines(path, StandardCharsets.US_ASCII)) {
                if (line.startsWith("# expect:")) {
                    expect = line.substring("# expect:".length()).trim();
                } else if (line.startsWith("# layers:")) {
                    layers = line.substring("# layers:".length()).trim();
                } else if (line.startsWith("#")) {
                    description.append(line.substring(1).trim()).append(' ');
                } else {
                    hex.append(line);
                }
            }
            if (expect == null) {
                throw new IllegalStateException(path + " has no '# expect:' line");
            }
            final String file = path.getFileName().toString();
            return new Vector(file.substring(0, file.length() - ".hex".length()), description.toString().trim(),
                expect, layers, hex(hex.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
