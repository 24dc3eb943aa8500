package org.vroom.kernel.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.vroom.kernel.stats.CountersFileException.Reason;

/**
 * The counters of one node, in a memory-mapped file that tools read live from outside the process
 * ({@link CountersFileReader}, {@code vroom stat}). See {@link CountersLayout} for the file,
 * {@link CounterTypes} for type ids and keys, and the package documentation for threads.
 *
 * <p>Ownership: one node name has one owner. {@link #create(Config)} takes an exclusive lock on
 * {@code <node>.lock} for the life of the node (the lock dies with the process, even on SIGKILL) and
 * also refuses when the existing file's header names a live pid; a file left by a dead process (stale)
 * is replaced by a fresh one through an atomic rename, so a tool still mapping the old file keeps a
 * consistent view of it.
 *
 * <p>Allocation and freeing ({@link #counter}, {@link #ports}, {@link #vr}, {@link CounterSet#close()})
 * are control-plane operations, safe from any thread; updating a counter is done by its single writer
 * thread (see {@link CounterSet}).
 *
 * <p>The mapping is never unmapped explicitly: every {@link AtomicCounter} keeps it reachable, so a
 * late write after {@link #close()} lands in memory that is still mapped instead of crashing the JVM.
 */
public final class NodeCounters implements AutoCloseable {
    /**
     * Default capacity: 131,072 counters, 80 MiB of sparse file of which only touched pages cost memory.
     * A VR takes about 75 (30 of its data plane, the rest of its host stack), so this holds 1,700 VRs,
     * with room for churn while freed ids wait out the reuse delay.
     */
    public static final int DEFAULT_MAX_COUNTERS = 131_072;
    /** Default delay before a freed counter id is reused (as Aeron: readers caching ids see no reuse). */
    public static final long DEFAULT_FREE_TO_REUSE_TIMEOUT_MS = 1_000;

    /** Settings of {@link NodeCounters#create(Config)}; fluent setters. */
    public static final class Config {
        private final String nodeName;
        private Path directory;
        private int maxCounters = DEFAULT_MAX_COUNTERS;
        private long freeToReuseTimeoutMs = DEFAULT_FREE_TO_REUSE_TIMEOUT_MS;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private boolean deleteOnClose = true;

        public Config(final String nodeName) {
            this.nodeName = CountersLayout.validateNodeName(nodeName);
        }

        /** Directory of the file; default {@link CountersLayout#defaultDirectory()}. */
        public Config directory(final Path directory) {
            this.directory = directory;
            return this;
        }

        /** Capacity in counters (1..1,048,576). */
        public Config maxCounters(final int maxCounters) {
            if (maxCounters < 1 || maxCounters > (1 << 20)) {
                throw new IllegalArgumentException("maxCounters out of 1..1048576: " + maxCounters);
            }
            this.maxCounters = maxCounters;
            return this;
        }

        /** Milliseconds a freed counter id stays unused. */
        public Config freeToReuseTimeoutMs(final long freeToReuseTimeoutMs) {
            if (freeToReuseTimeoutMs < 0) {
                throw new IllegalArgumentException("negative timeout " + freeToReuseTimeoutMs);
            }
            this.freeToReuseTimeoutMs = freeToReuseTimeoutMs;
            return this;
        }

        /** Clock for the start time and the free-to-reuse deadlines (inject a fake one in tests). */
        public Config epochClock(final EpochClock epochClock) {
            this.epochClock = Objects.requireNonNull(epochClock);
            return this;
        }

        /**
         * Whether {@link #close()} deletes the file (default true: a clean stop leaves nothing behind,
         * so a file whose pid is dead always means a crash). When false the file is kept, marked closed.
         */
        public Config deleteOnClose(final boolean deleteOnClose) {
            this.deleteOnClose = deleteOnClose;
            return this;
        }

        public String nodeName() {
            return nodeName;
        }

        public Path directory() {
            return directory != null ? directory : CountersLayout.defaultDirectory();
        }

        public int maxCounters() {
            return maxCounters;
        }

        public long freeToReuseTimeoutMs() {
            return freeToReuseTimeoutMs;
        }

        public EpochClock epochClock() {
            return epochClock;
        }

        public boolean deleteOnClose() {
            return deleteOnClose;
        }
    }

    /** Identity of an entity for duplicate detection: (type, id) when id != 0, else (type, name). */
    private record EntityKey(int typeId, int entityId, String name, int shard) {
    }

    private final Config config;
    private final Path file;
    private final Object fileKey;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final UnsafeBuffer headerBuffer;
    private final CountersManager manager;
    private final long pid;
    private final AtomicLong registrationIds = new AtomicLong();
    private final Set<EntityKey> liveEntities = new HashSet<>();
    private boolean closed;

    private NodeCounters(
        final Config config,
        final Path file,
        final Object fileKey,
        final FileChannel lockChannel,
        final FileLock lock,
        final MappedByteBuffer mapped,
        final long pid) {
        this.config = config;
        this.file = file;
        this.fileKey = fileKey;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.pid = pid;
        final int metadataLength = CountersLayout.metadataLength(config.maxCounters());
        final int valuesLength = CountersLayout.valuesLength(config.maxCounters());
        this.headerBuffer = new UnsafeBuffer(mapped, 0, CountersLayout.HEADER_LENGTH);
        final UnsafeBuffer metadata = new UnsafeBuffer(mapped, CountersLayout.HEADER_LENGTH, metadataLength);
        final UnsafeBuffer values = new UnsafeBuffer(mapped, CountersLayout.HEADER_LENGTH + metadataLength,
            valuesLength);
        this.manager = new ConcurrentCountersManager(metadata, values, StandardCharsets.US_ASCII,
            config.epochClock(), config.freeToReuseTimeoutMs());
    }

    /** Creates the counters file of {@code nodeName} in the default directory with default settings. */
    public static NodeCounters create(final String nodeName) {
        return create(new Config(nodeName));
    }

    /**
     * Creates (or replaces a stale) counters file.
     *
     * @throws CountersFileException {@link Reason#NODE_RUNNING} when a live process owns the node name,
     *                               {@link Reason#IO} when the file cannot be created
     */
    public static NodeCounters create(final Config config) {
        final String name = config.nodeName();
        final Path directory = config.directory();
        final Path file = CountersLayout.counterFile(directory, name);
        final Path lockPath = CountersLayout.lockFile(directory, name);
        final long pid = ProcessLiveness.currentPid();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another NodeCounters of this JVM
            }
            if (lock == null) {
                throw new CountersFileException(Reason.NODE_RUNNING, file, "node '" + name
                    + "' is already running" + describeOwner(file) + " (lock " + lockPath + " is held)");
            }
            refuseLiveOwner(file, name, pid);
            final MappedByteBuffer mapped = createFile(directory, file, config, pid);
            final Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return new NodeCounters(config, file, fileKey, lockChannel, lock, mapped, pid);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new CountersFileException(Reason.IO, file, "cannot create counters file " + file + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static void refuseLiveOwner(final Path file, final String name, final long selfPid) throws IOException {
        final CountersHeader header = readHeaderOrNull(file);
        if (header != null && !header.isClosed() && header.pid() != selfPid && header.isOwnerAlive()) {
            throw new CountersFileException(Reason.NODE_RUNNING, file, "node '" + name
                + "' is already running: live pid " + header.pid() + " owns " + file);
        }
        // Otherwise: no file, unreadable, closed, ours from an earlier closed instance, or stale.
    }

    private static MappedByteBuffer createFile(
        final Path directory, final Path file, final Config config, final long pid) throws IOException {
        final Path tmp = directory.resolve("." + config.nodeName() + CountersLayout.FILE_SUFFIX + ".tmp");
        final long length = CountersLayout.fileLength(config.maxCounters());
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length); // extends the file, sparse
        }
        CountersLayout.writeHeader(new UnsafeBuffer(mapped, 0, CountersLayout.HEADER_LENGTH), pid,
            ProcessLiveness.currentStartTicks(), config.epochClock().time(), config.freeToReuseTimeoutMs(),
            config.maxCounters(), config.nodeName());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return mapped;
    }

    private static CountersHeader readHeaderOrNull(final Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer bytes = ByteBuffer.allocate(CountersLayout.HEADER_LENGTH);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // read the whole header or up to end of file
            }
            return CountersHeader.decode(file, new UnsafeBuffer(bytes.array()), channel.size());
        } catch (NoSuchFileException e) {
            return null;
        } catch (CountersFileException e) {
            return null; // not a valid counters file: nothing can own it
        }
    }

    private static String describeOwner(final Path file) {
        try {
            final CountersHeader header = readHeaderOrNull(file);
            return header == null ? "" : ": pid " + header.pid() + " owns " + file;
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(final FileChannel channel) {
        if (channel != null) {
            try {
                channel.close(); // also releases the lock
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /**
     * Allocates a long-keys counter (not per packet).
     *
     * @param typeId a type id of the long-keys range ({@link CounterTypes#NODE} for node-wide counters)
     * @param label  the counter's name as tools show it (US-ASCII, at most 380 characters)
     * @param keys   up to {@value CounterTypes#MAX_LONG_KEYS} numbers that identify what is counted
     */
    public AtomicCounter counter(final int typeId, final String label, final long... keys) {
        if (!CounterTypes.isLongKeysType(typeId)) {
            throw new IllegalArgumentException("type id " + typeId + " is not in the long-keys range "
                + CounterTypes.LONG_KEYS_MIN + ".." + CounterTypes.LONG_KEYS_MAX + " (use a CounterSet)");
        }
        if (keys.length > CounterTypes.MAX_LONG_KEYS) {
            throw new IllegalArgumentException("at most " + CounterTypes.MAX_LONG_KEYS + " keys: " + keys.length);
        }
        validateLabel(label);
        final long[] copy = keys.clone();
        synchronized (this) {
            ensureOpen();
            return allocate(label, typeId, copy, 0, 0, 0, null);
        }
    }

    /** Allocates the {@link PortCounter}s of a port written by one thread (shard 0). */
    public CounterSet<PortCounter> ports(final String portName) {
        return ports(portName, 0);
    }

    /** Allocates the {@link PortCounter}s of a port for writer thread {@code shard} (fanout). */
    public CounterSet<PortCounter> ports(final String portName, final int shard) {
        return entity(PortCounter.class, CounterTypes.PORT, 0, portName, shard);
    }

    /** Allocates the {@link VrCounter}s of a VR written by one thread (shard 0). */
    public CounterSet<VrCounter> vr(final int vrId, final String vrName) {
        return vr(vrId, vrName, 0);
    }

    /** Allocates the {@link VrCounter}s of a VR for writer thread {@code shard}. */
    public CounterSet<VrCounter> vr(final int vrId, final String vrName, final int shard) {
        if (vrId <= 0) {
            throw new IllegalArgumentException("VR id must be positive: " + vrId);
        }
        return entity(VrCounter.class, CounterTypes.VR, vrId, vrName, shard);
    }

    /**
     * Allocates one counter per constant of {@code kinds} for an entity, all or none. This is how new
     * entity kinds are added: an enum implementing {@link CounterKind} plus a type id of the entity
     * range. An entity is identified by (type, id) when id != 0, else by (type, name); allocating a
     * live (entity, shard) twice is refused.
     *
     * @throws IllegalStateException when the file is full or the entity shard is already allocated
     */
    public <E extends Enum<E> & CounterKind> CounterSet<E> entity(
        final Class<E> kinds, final int typeId, final int entityId, final String entityName, final int shard) {
        if (!CounterTypes.isEntityType(typeId)) {
            throw new IllegalArgumentException("type id " + typeId + " is not in the entity range "
                + CounterTypes.ENTITY_MIN + ".." + CounterTypes.ENTITY_MAX);
        }
        if (entityId < 0 || shard < 0) {
            throw new IllegalArgumentException("negative entity id or shard: " + entityId + ", " + shard);
        }
        CounterTypes.validateEntityName(entityName);
        final E[] constants = kinds.getEnumConstants();
        checkCodes(kinds, constants);
        final EntityKey key = new EntityKey(typeId, entityId, entityId != 0 ? "" : entityName, shard);
        synchronized (this) {
            ensureOpen();
            if (liveEntities.contains(key)) {
                throw new IllegalStateException(CounterTypes.entityKindName(typeId) + " "
                    + (entityId != 0 ? entityId + " " : "") + entityName + " shard " + shard
                    + " already has counters in node " + config.nodeName());
            }
            if (manager.available() < constants.length) {
                throw new IllegalStateException(full(constants.length));
            }
            final AtomicCounter[] counters = new AtomicCounter[constants.length];
            try {
                for (final E kind : constants) {
                    final String metric = metricName(kind);
                    counters[kind.ordinal()] = allocate(
                        CounterTypes.entityLabel(typeId, metric, entityId, entityName, shard),
                        typeId, null, kind.code(), entityId, shard, entityName);
                }
            } catch (RuntimeException e) {
                for (final AtomicCounter c : counters) {
                    if (c != null) {
                        c.close();
                    }
                }
                throw e;
            }
            liveEntities.add(key);
            return new CounterSet<>(this, kinds, typeId, entityId, entityName, shard, counters);
        }
    }

    private AtomicCounter allocate(
        final String label, final int typeId, final long[] longKeys,
        final int metricCode, final int entityId, final int shard, final String entityName) {
        final int id;
        try {
            id = manager.allocate(label, typeId, keyBuffer -> {
                if (longKeys != null) {
                    CounterTypes.writeLongKeys(keyBuffer, longKeys);
                } else {
                    CounterTypes.writeEntityKey(keyBuffer, metricCode, entityId, shard, entityName);
                }
            });
        } catch (IllegalStateException e) {
            throw new IllegalStateException(full(1), e);
        }
        manager.setCounterRegistrationId(id, registrationIds.incrementAndGet());
        return new AtomicCounter(manager.valuesBuffer(), id, manager);
    }

    private String full(final int wanted) {
        return "counters file of node " + config.nodeName() + " is full: " + wanted + " wanted, "
            + manager.available() + " available of " + manager.capacity()
            + " (raise NodeCounters.Config.maxCounters)";
    }

    /** Frees one counter (idempotent); its id is reused after the free-to-reuse timeout. */
    public void free(final AtomicCounter counter) {
        synchronized (this) {
            if (!closed) {
                counter.close();
            }
        }
    }

    /** Frees every counter of a set; same as {@link CounterSet#close()}. */
    public void free(final CounterSet<?> set) {
        set.close();
    }

    void release(final CounterSet<?> set, final AtomicCounter[] counters) {
        synchronized (this) {
            liveEntities.remove(new EntityKey(set.typeId(), set.entityId(),
                set.entityId() != 0 ? "" : set.entityName(), set.shard()));
            if (!closed) {
                for (final AtomicCounter counter : counters) {
                    counter.close();
                }
            }
        }
    }

    /** Number of counters allocated and not freed (for leak checks). */
    public int allocatedCount() {
        final int[] count = {0};
        manager.forEach((CountersReader.MetaData) (id, typeId, key, label) -> count[0]++);
        return count[0];
    }

    /** Number of counters that can be allocated now (freed ids count once their timeout has passed). */
    public int available() {
        return manager.available();
    }

    /** Capacity in counters. */
    public int capacity() {
        return manager.capacity();
    }

    /** In-process read view of the counters (for the management API). */
    public CountersReader reader() {
        return manager;
    }

    public String nodeName() {
        return config.nodeName();
    }

    public Path file() {
        return file;
    }

    public long pid() {
        return pid;
    }

    /** True once {@link #close()} has run. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Marks the file closed, deletes it unless {@link Config#deleteOnClose(boolean)} said otherwise, and
     * releases the node name. Call after the writer threads have stopped. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            CountersLayout.markClosed(headerBuffer);
            try {
                if (config.deleteOnClose() && isStillOurFile()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // the file is marked closed; a later start replaces it
            } finally {
                try {
                    lock.release();
                } catch (IOException ignored) {
                    // closing the channel releases it too
                }
                closeQuietly(lockChannel);
            }
        }
    }

    private boolean isStillOurFile() throws IOException {
        try {
            return Objects.equals(Files.readAttributes(file, BasicFileAttributes.class).fileKey(), fileKey);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("counters of node " + config.nodeName() + " are closed");
        }
    }

    static String metricName(final CounterKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void validateLabel(final String label) {
        if (label == null || label.isEmpty() || label.length() > CountersReader.MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("label must have 1.." + CountersReader.MAX_LABEL_LENGTH
                + " characters");
        }
        for (int i = 0; i < label.length(); i++) {
            final char c = label.charAt(i);
            if (c < ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("label must be printable US-ASCII: " + label);
            }
        }
    }

    private static <E extends Enum<E> & CounterKind> void checkCodes(final Class<E> kinds, final E[] constants) {
        if (constants.length == 0) {
            throw new IllegalArgumentException(kinds.getName() + " has no constants");
        }
        final Set<Integer> seen = new HashSet<>();
        for (final E kind : constants) {
            if (kind.code() < 0 || !seen.add(kind.code())) {
                throw new IllegalArgumentException(kinds.getName() + "." + kind.name()
                    + " has a negative or duplicate code " + kind.code());
            }
        }
    }

    @Override
    public String toString() {
        return "NodeCounters{" + config.nodeName() + ", " + file + ", pid " + pid + '}';
    }
}
