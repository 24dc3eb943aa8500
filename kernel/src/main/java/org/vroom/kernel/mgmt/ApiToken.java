package org.vroom.kernel.mgmt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * The management API's bearer token: where it lives, how it is made and how a presented token is
 * checked.
 *
 * <p>A token is at least {@value #MIN_LENGTH} printable ASCII characters without spaces; a generated one
 * is 32 random bytes from {@link SecureRandom} in unpadded base64url (43 characters). Token files are
 * written with mode 0600 from the start (created with that mode, then renamed into place, so the token
 * is never readable by others, not even briefly). The comparison hashes both sides with SHA-256 and
 * compares the digests with {@link MessageDigest#isEqual}, so it takes the same time whatever the
 * presented token, its length included.
 *
 * <p>Default locations ({@link #defaultFile(String)}): {@code <run-base>/<node-name>/api.token} where the
 * run base is {@code $VROOM_RUN_DIR}, else {@code /run/vroom} when running as root, else
 * {@code $XDG_RUNTIME_DIR/vroom}, else {@code <java.io.tmpdir>/vroom-<user>}. {@code vroomctl} computes
 * the same path from the node name the server reports.
 */
public final class ApiToken {
    /** Shortest token accepted from a token file. */
    public static final int MIN_LENGTH = 16;
    /** Longest token accepted. */
    public static final int MAX_LENGTH = 512;
    /** The token file's name under a node's run directory. */
    public static final String FILE_NAME = "api.token";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final byte[] digest;
    private final Path file;
    private final boolean generated;

    private ApiToken(String token, Path file, boolean generated) {
        this.digest = sha256(token.getBytes(StandardCharsets.US_ASCII));
        this.file = file;
        this.generated = generated;
    }

    /** A token held in memory only (tests, embedding). */
    public static ApiToken of(String token) {
        final String problem = problem(token);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new ApiToken(token, null, false);
    }

    /**
     * Reads the token from {@code file}, or, if the file does not exist, generates one into it (mode 0600,
     * parent directories created with mode 0700).
     *
     * @throws IOException with a message naming the file when it cannot be read or written, or holds no
     *                     acceptable token
     */
    public static ApiToken loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return new ApiToken(read(file), file, false);
        }
        return new ApiToken(generateInto(file), file, true);
    }

    /**
     * Generates a fresh token into {@code file}, replacing any previous one.
     *
     * @throws IOException with a message naming the file
     */
    public static ApiToken create(Path file) throws IOException {
        return new ApiToken(generateInto(file), file, true);
    }

    /**
     * Reads a token file: its first line, trimmed.
     *
     * @throws IOException with a message naming the file and what is wrong
     */
    public static String read(Path file) throws IOException {
        final byte[] bytes;
        try {
            if (Files.size(file) > MAX_LENGTH + 2) {
                throw new IOException("token file " + file + " is larger than " + (MAX_LENGTH + 2) + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("token file " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IOException("token file " + file + ": permission denied", e);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        final int nl = text.indexOf('\n');
        text = (nl >= 0 ? text.substring(0, nl) : text).trim();
        final String problem = problem(text);
        if (problem != null) {
            throw new IOException("token file " + file + ": " + problem);
        }
        return text;
    }

    /** Why {@code token} is not acceptable, or null. */
    static String problem(String token) {
        if (token.length() < MIN_LENGTH) {
            return "the token has " + token.length() + " characters; at least " + MIN_LENGTH + " are needed";
        }
        if (token.length() > MAX_LENGTH) {
            return "the token is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < token.length(); i++) {
            final char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "the token must be printable ASCII without spaces";
            }
        }
        return null;
    }

    private static String generateInto(Path file) throws IOException {
        final byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        final String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        final Path dir = file.toAbsolutePath().getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
            final Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot write token file " + file + ": " + e.getFile() + " exists", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot write token file " + file + ": " + e, e);
        }
        return token;
    }

    /** True if the file's permissions let users other than its owner read it. */
    static boolean readableByOthers(Path file) {
        try {
            final Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Checks a presented token in constant time.
     *
     * @param presented the token from the request, or null
     */
    public boolean matches(String presented) {
        if (presented == null) {
            // still hash something, so a missing token costs what a wrong one costs
            MessageDigest.isEqual(digest, sha256(new byte[0]));
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }

    /** The token from an {@code Authorization} header value ({@code Bearer <token>}), or null. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        final String v = authorization.trim();
        if (v.length() < 7 || !v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        return v.substring(7).trim();
    }

    /** The file the token lives in, or null for an in-memory token. */
    public Path file() {
        return file;
    }

    /** True if this token was generated by {@link #loadOrCreate} or {@link #create} (not read). */
    public boolean generated() {
        return generated;
    }

    /** The default token file of node {@code nodeName}: {@code <run-base>/<node-name>/api.token}. */
    public static Path defaultFile(String nodeName) {
        return runBase().resolve(nodeName).resolve(FILE_NAME);
    }

    /** The base of the nodes' run directories (see the class documentation). */
    public static Path runBase() {
        final String env = System.getenv("VROOM_RUN_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/vroom");
        }
        final String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "vroom");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "vroom-" + System.getProperty("user.name"));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "ApiToken" + (file != null ? "[" + file + "]" : "[in memory]");
    }
}
