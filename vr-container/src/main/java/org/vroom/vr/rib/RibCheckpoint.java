package org.vroom.vr.rib;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.LongHashSet;
import org.vroom.checkpoint.CheckpointReader;
import org.vroom.checkpoint.CheckpointWriter;
import org.vroom.checkpoint.Checkpointable;

import java.util.Arrays;

/**
 * The RIB as checkpoint part {@value #PART_NAME}: every candidate of every prefix (source, origin,
 * distance, metric, next-hop set) and the ECMP width. Best routes are not written: the receiving RIB
 * selects them again, and its listeners (shadowd, so the FIB follows) hear each one as it appears.
 *
 * <h2>Rounds</h2>
 * {@link #writeSnapshot} writes every prefix and starts the RIB's change tracking; {@link #writeDelta}
 * writes each prefix changed since the previous round with its full candidate list, or 0 candidates for
 * a prefix that is gone, and clears the record. Layout: {@code checkpoint/FORMAT.md}, part {@code rib}.
 *
 * <h2>Restoring</h2>
 * {@link #restoreSnapshot} into an empty RIB adds every prefix (a non-empty RIB is first emptied with
 * its listeners told); {@link #applyDelta} replaces the candidate lists of the prefixes it carries, so
 * the restored RIB converges to the source round by round. Each prefix is decoded and checked entirely
 * (sources, distances, next hops, duplicate candidates) before it touches the RIB, so a refused delta
 * leaves whole prefixes applied, never half a candidate list.
 *
 * <p>Writing allocates nothing per route once the scratch sets have grown; restoring allocates only the
 * next-hop sets of the image's dictionary.
 *
 * <p>Threads: the VR loop.
 */
public final class RibCheckpoint implements Checkpointable {
    public static final String PART_NAME = "rib";
    public static final int VERSION = 1;
    /** Most next hops in one set of an image (far above any ECMP width). */
    static final int MAX_SET_SIZE = 1024;
    /** Most candidates of one prefix in an image. */
    static final int MAX_CANDIDATES = 65_536;

    private final Rib rib;

    // writing
    private final IntHashSet deltaSets = new IntHashSet();
    private final java.util.function.LongConsumer collect = this::collect;
    private long[] deltaKeys = new long[64];
    private int[] deltaEntries = new int[64];
    private int deltaCount;

    // reading
    private final Int2ObjectHashMap<NextHopSet> dictionary = new Int2ObjectHashMap<>();
    private RouteSource[] sources = new RouteSource[8];
    private int[] origins = new int[8];
    private int[] distances = new int[8];
    private int[] metrics = new int[8];
    private NextHopSet[] sets = new NextHopSet[8];
    private long[] hops = new long[8];

    public RibCheckpoint(Rib rib) {
        this.rib = rib;
    }

    public Rib rib() {
        return rib;
    }

    @Override
    public String partName() {
        return PART_NAME;
    }

    @Override
    public int partVersion() {
        return VERSION;
    }

    // ------------------------------------------------------------------------------------------
    // writing
    // ------------------------------------------------------------------------------------------

    @Override
    public void writeSnapshot(CheckpointWriter w) {
        w.putVarInt(rib.ecmpWidth());
        NextHopTable table = rib.nextHopTable();
        w.putVarInt(table.size());
        for (int id = 0; id < table.highWater(); id++) {
            NextHopSet set = table.get(id);
            if (set != null) {
                writeSet(w, id, set);
            }
        }
        w.putVarInt(rib.size());
        for (int e = rib.firstEntry(); e != Rib.NONE; e = rib.nextEntry(e)) {
            writeEntry(w, e);
        }
        rib.startChangeTracking();
    }

    @Override
    public void writeDelta(CheckpointWriter w) {
        LongHashSet changes = rib.changes();
        if (changes == null) {
            throw new IllegalStateException("RIB delta without change tracking: write a snapshot first");
        }
        w.putVarInt(rib.ecmpWidth());
        // one pass over the changed prefixes finds each entry once and gathers the next-hop sets they use
        deltaSets.clear();
        if (deltaKeys.length < changes.size()) {
            int n = Math.max(changes.size(), deltaKeys.length * 2);
            deltaKeys = new long[n];
            deltaEntries = new int[n];
        }
        deltaCount = 0;
        changes.forEachLong(collect);
        NextHopTable table = rib.nextHopTable();
        w.putVarInt(deltaSets.size());
        IntHashSet.IntIterator it = deltaSets.iterator();
        while (it.hasNext()) {
            int id = it.nextValue();
            writeSet(w, id, table.get(id));
        }
        w.putVarInt(deltaCount);
        for (int i = 0; i < deltaCount; i++) {
            int e = deltaEntries[i];
            if (e == Rib.NONE) {
                w.putInt(Rib.keyPrefix(deltaKeys[i])).putByte(Rib.keyLength(deltaKeys[i])).putVarInt(0);
            } else {
                writeEntry(w, e);
            }
        }
        rib.clearChanges();
    }

    private void collect(long key) {
        int e = rib.find(Rib.keyPrefix(key), Rib.keyLength(key));
        deltaKeys[deltaCount] = key;
        deltaEntries[deltaCount++] = e;
        if (e != Rib.NONE) {
            for (int c = rib.firstCandidate(e); c != Rib.NONE; c = rib.nextCandidate(c)) {
                deltaSets.add(rib.candidateNextHopId(c));
            }
        }
    }

    private static void writeSet(CheckpointWriter w, int id, NextHopSet set) {
        w.putVarInt(id).putVarInt(set.size());
        for (int i = 0; i < set.size(); i++) {
            w.putLong(set.hop(i));
        }
    }

    private void writeEntry(CheckpointWriter w, int e) {
        w.putInt(rib.prefix(e)).putByte(rib.length(e));
        int n = 0;
        for (int c = rib.firstCandidate(e); c != Rib.NONE; c = rib.nextCandidate(c)) {
            n++;
        }
        w.putVarInt(n);
        for (int c = rib.firstCandidate(e); c != Rib.NONE; c = rib.nextCandidate(c)) {
            w.putByte(rib.candidateSource(c).code())
                    .putInt(rib.candidateOrigin(c))
                    .putByte(rib.candidateDistance(c))
                    .putVarInt(rib.candidateMetric(c))
                    .putVarInt(rib.candidateNextHopId(c));
        }
    }

    // ------------------------------------------------------------------------------------------
    // reading
    // ------------------------------------------------------------------------------------------

    @Override
    public void restoreSnapshot(CheckpointReader in, int version) {
        checkVersion(in, version);
        if (rib.size() > 0) {
            for (RouteSource s : RouteSource.values()) {
                rib.removeAll(s);
            }
        }
        readPayload(in);
    }

    @Override
    public void applyDelta(CheckpointReader in, int version) {
        checkVersion(in, version);
        readPayload(in);
    }

    private static void checkVersion(CheckpointReader in, int version) {
        if (version != VERSION) {
            throw in.formatError("RIB part version " + version + " (this node reads " + VERSION + ")");
        }
    }

    private void readPayload(CheckpointReader in) {
        int width = in.getVarInt();
        if (width < 1 || width > Rib.MAX_ECMP_WIDTH) {
            throw in.formatError("ECMP width " + width + " is out of range 1.." + Rib.MAX_ECMP_WIDTH);
        }
        readDictionary(in);
        rib.setEcmpWidth(width);
        int prefixes = in.getVarInt();
        if (prefixes > in.remaining() / 6) {
            throw in.formatError(prefixes + " prefixes cannot fit in the " + in.remaining() + " bytes left");
        }
        for (int i = 0; i < prefixes; i++) {
            readPrefix(in);
        }
        dictionary.clear();
    }

    private void readDictionary(CheckpointReader in) {
        dictionary.clear();
        int count = in.getVarInt();
        if (count > in.remaining() / 10) {
            throw in.formatError(count + " next-hop sets cannot fit in the " + in.remaining() + " bytes left");
        }
        for (int i = 0; i < count; i++) {
            int id = in.getVarInt();
            int size = in.getVarInt();
            if (size < 1 || size > MAX_SET_SIZE || size > in.remaining() / 8) {
                throw in.formatError("next-hop set " + id + " of " + size + " hops (1.." + MAX_SET_SIZE + ", "
                        + in.remaining() + " bytes left)");
            }
            if (hops.length < size) {
                hops = new long[Math.max(size, hops.length * 2)];
            }
            for (int k = 0; k < size; k++) {
                long hop = in.getLong();
                String problem = NextHop.problem(hop);
                if (problem != null) {
                    throw in.formatError("next-hop set " + id + ": " + problem + " (0x" + Long.toHexString(hop) + ")");
                }
                if (k > 0 && hop <= hops[k - 1]) {
                    throw in.formatError("next-hop set " + id + " is not sorted and duplicate-free");
                }
                hops[k] = hop;
            }
            NextHopSet set;
            try {
                set = NextHopSet.of(Arrays.copyOf(hops, size));
            } catch (IllegalArgumentException e) {
                throw in.formatError("next-hop set " + id + ": " + e.getMessage());
            }
            if (dictionary.put(id, set) != null) {
                throw in.formatError("next-hop set id " + id + " appears twice");
            }
        }
    }

    private void readPrefix(CheckpointReader in) {
        int prefix = in.getInt();
        int length = in.getByte();
        if (length > 32) {
            throw in.formatError("prefix length " + length + " is out of range 0..32");
        }
        if ((prefix & ~Rib.mask(length)) != 0) {
            throw in.formatError("prefix " + Integer.toHexString(prefix) + "/" + length + " has host bits set");
        }
        int n = in.getVarInt();
        if (n > MAX_CANDIDATES || n > in.remaining() / 8) {
            throw in.formatError(n + " candidates for one prefix (at most " + MAX_CANDIDATES + ", "
                    + in.remaining() + " bytes left)");
        }
        ensureScratch(n);
        for (int i = 0; i < n; i++) {
            int code = in.getByte();
            RouteSource source = RouteSource.fromCode(code);
            if (source == null) {
                throw in.formatError("unknown route source code " + code);
            }
            int origin = in.getInt();
            int distance = in.getByte();
            if (distance > RouteSource.MAX_DISTANCE) {
                throw in.formatError("distance " + distance + " is out of range 0.." + RouteSource.MAX_DISTANCE);
            }
            int metric = in.getVarInt();
            int setId = in.getVarInt();
            NextHopSet set = dictionary.get(setId);
            if (set == null) {
                throw in.formatError("candidate refers to next-hop set " + setId + ", which the image does not define");
            }
            for (int j = 0; j < i; j++) {
                if (sources[j] == source && origins[j] == origin) {
                    throw in.formatError("candidate " + source + "#" + origin + " appears twice for one prefix");
                }
            }
            sources[i] = source;
            origins[i] = origin;
            distances[i] = distance;
            metrics[i] = metric;
            sets[i] = set;
        }
        rib.replaceCandidates(prefix, length, n, sources, origins, distances, metrics, sets);
        Arrays.fill(sets, 0, n, null);
    }

    private void ensureScratch(int n) {
        if (n > sources.length) {
            int size = Math.max(n, sources.length * 2);
            sources = Arrays.copyOf(sources, size);
            origins = Arrays.copyOf(origins, size);
            distances = Arrays.copyOf(distances, size);
            metrics = Arrays.copyOf(metrics, size);
            sets = Arrays.copyOf(sets, size);
        }
    }
}
