package dev.keel.internal.graph;

import static dev.keel.internal.db.Tables.GRAPH_SNAPSHOTS;

import dev.keel.KeelException;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.graph.Direction;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphStore;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.Hop;
import dev.keel.graph.Neighbour;
import dev.keel.graph.NodeChange;
import dev.keel.graph.NodeFilter;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.graph.SnapshotWriter;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import dev.keel.internal.StoreContext;
import dev.keel.internal.Workers;
import dev.keel.internal.bulk.BadValue;
import dev.keel.internal.db.tables.records.GraphSnapshotsRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** The graph store on PostgreSQL; see {@link GraphStore} and {@link Staging} for how a save works. */
public final class PgGraphStore implements GraphStore {
    private final DataSource pool;
    private final MetricsCollector metrics;
    private final DSLContext dsl;
    private final SnapshotReader reader;
    /** Runs the second connection's half of a save. */
    private final Workers executor;

    /**
     * A save holds two connections at once; letting at most half the pool save at a time means concurrent saves
     * can never each hold one connection while waiting for a second.
     */
    private final Semaphore saves;
    /** A save needs two connections at once; a pool of one cannot give them. */
    private final boolean twoConnections;
    /** Snapshots of at most this many rows go to shared storage. */
    private final int sharedMaxRows;
    private final SnapshotQueries queries;
    private final AtomicBoolean leftoversCleared = new AtomicBoolean();

    /**
     * The small-snapshot limit: {@link GraphStore#SHARED_MAX_ROWS}, or the system property {@value #SHARED_MAX_ROWS}
     * (0 sends every snapshot to partitions of its own), read when the store is built. The property exists to
     * measure both paths side by side; the default is where they cross.
     */
    static int sharedMaxRows() {
        String value = System.getProperty(SHARED_MAX_ROWS_PROPERTY);
        if (value == null) {
            return SHARED_MAX_ROWS;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInputException("system property " + SHARED_MAX_ROWS_PROPERTY + " must be a whole number "
                + "of rows, 0 or more, was '" + value + "'", SHARED_MAX_ROWS_PROPERTY);
    }

    /** The system property that overrides {@link GraphStore#SHARED_MAX_ROWS}. */
    public static final String SHARED_MAX_ROWS_PROPERTY = "keel.graph.sharedMaxRows";

    public PgGraphStore(StoreContext context) {
        this(context.pool(), context.maxPoolSize(), context.metrics(), context.workers());
    }

    PgGraphStore(DataSource pool, int maxPoolSize, MetricsCollector metrics, Workers workers) {
        this.pool = pool;
        this.sharedMaxRows = sharedMaxRows();
        this.executor = workers;
        this.saves = new Semaphore(Math.max(1, maxPoolSize / 2), true);
        this.twoConnections = maxPoolSize >= 2;
        this.metrics = metrics;
        this.dsl = DSL.using(pool, SQLDialect.POSTGRES);
        this.reader = new SnapshotReader(pool, metrics, workers, twoConnections ? saves : new Semaphore(0));
        this.queries = new SnapshotQueries(pool);
    }

    // ---- saving -----------------------------------------------------------------------------------------------

    @Override
    public UUID save(GraphSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        return save(snapshot.name(), snapshot.algorithm(), snapshot.metadata(), snapshot.nodes(), snapshot.edges())
                .id();
    }

    @Override
    public SnapshotInfo save(String name, String algorithm, JSONB metadata, Iterable<NodeState> nodes,
                             Iterable<EdgeState> edges) {
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(edges, "edges");
        JSONB meta = checkHeader(name, algorithm, metadata);
        long started = System.nanoTime();
        SnapshotInfo info;
        if (nodes instanceof Collection<NodeState> n && edges instanceof Collection<EdgeState> e) {
            info = (long) n.size() + e.size() <= sharedMaxRows
                    ? SharedSave.save(pool, name, algorithm, meta, list(n), list(e), firstSmallSave())
                    : saveLarge(name, algorithm, meta, n, e);
        } else {
            // Sizes unknown: read up to the small-snapshot limit to find out, then hand what was read on.
            Iterator<NodeState> nodeRows = nodes.iterator();
            Iterator<EdgeState> edgeRows = edges.iterator();
            List<NodeState> firstNodes = take(nodeRows, sharedMaxRows + 1);
            List<EdgeState> firstEdges = firstNodes.size() <= sharedMaxRows
                    ? take(edgeRows, sharedMaxRows + 1 - firstNodes.size()) : List.of();
            boolean allNodes = !nodeRows.hasNext();
            if (allNodes && !edgeRows.hasNext() && firstNodes.size() + firstEdges.size() <= sharedMaxRows) {
                info = SharedSave.save(pool, name, algorithm, meta, firstNodes, firstEdges, firstSmallSave());
            } else {
                info = saveLarge(name, algorithm, meta, allNodes ? firstNodes : replay(firstNodes, nodeRows),
                        replay(firstEdges, edgeRows));
            }
        }
        metrics.record(System.nanoTime() - started);
        return info;
    }

    /** True once per store: its first small save also clears what dead large saves left behind. */
    boolean firstSmallSave() {
        return !leftoversCleared.getAndSet(true);
    }

    private static <T> List<T> list(Collection<T> rows) {
        return rows instanceof List<T> l ? l : new ArrayList<>(rows);
    }

    private static <T> List<T> take(Iterator<T> rows, int atMost) {
        List<T> out = new ArrayList<>(Math.min(atMost, 1024));
        while (out.size() < atMost && rows.hasNext()) {
            out.add(rows.next());
        }
        return out;
    }

    /** {@code first}, then the rest of {@code rest}: one pass. */
    private static <T> Iterable<T> replay(List<T> first, Iterator<T> rest) {
        return () -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < first.size() || rest.hasNext();
            }

            @Override
            public T next() {
                return i < first.size() ? first.get(i++) : rest.next();
            }
        };
    }

    /** Saves into partitions of the snapshot's own; see {@link Staging}. */
    private SnapshotInfo saveLarge(String name, String algorithm, JSONB meta, Iterable<NodeState> nodes,
                                   Iterable<EdgeState> edges) {
        // Nodes already in memory: the edge loader checks their ids first, then each edge's ends as it goes,
        // while the node loader (the longer of the two) starts at once.
        Collection<NodeState> inMemory = nodes instanceof Collection<NodeState> all
                && all.size() <= NodeIds.MAX_NODES ? all : null;
        acquireSaveSlot(name);
        try (Staging s = Staging.open(pool, executor, name, algorithm, meta)) {
            Future<?> edgeHalf = executor.submit(() -> {
                try {
                    if (inMemory != null) {
                        s.checkEdgesAgainst(NodeIds.of(name, inMemory));
                    }
                    for (EdgeState e : edges) {
                        s.edge(Objects.requireNonNull(e, "edge"));
                    }
                    s.finishEdges(); // index the edges while nodes may still be loading
                    return null;
                } catch (Throwable t) {
                    s.aborted = true;
                    throw t;
                }
            });
            Throwable failure = null;
            try {
                for (NodeState n : nodes) {
                    s.node(Objects.requireNonNull(n, "node"));
                }
                s.finishNodes();
            } catch (Throwable t) {
                s.aborted = true;
                failure = t;
            }
            try {
                edgeHalf.get();
            } catch (ExecutionException e) {
                if (failure == null || failure instanceof Staging.CancellationSignal) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
            if (failure != null) {
                throw propagate("save graph snapshot " + name, failure);
            }
            return s.publish();
        } finally {
            saves.release();
        }
    }

    private void acquireSaveSlot(String name) {
        if (!twoConnections) {
            throw new KeelException("save graph snapshot " + name + ": a snapshot of more than " + sharedMaxRows
                    + " nodes and edges is saved on two connections at once, and the pool has one (maxPoolSize 1); "
                    + "build Keel with maxPoolSize(2) or more", null, null);
        }
        try {
            saves.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeelException("save graph snapshot " + name + ": interrupted while waiting for a save slot",
                    null, e);
        }
    }

    @Override
    public SnapshotWriter writer(String name, String algorithm, JSONB metadata) {
        JSONB meta = checkHeader(name, algorithm, metadata);
        return new BufferedWriter(pool, name, algorithm, meta, sharedMaxRows, this::firstSmallSave, () -> {
            acquireSaveSlot(name);
            try {
                return new StreamingWriter(Staging.open(pool, executor, name, algorithm, meta), saves);
            } catch (RuntimeException | Error e) {
                saves.release();
                throw e;
            }
        });
    }

    private static JSONB checkHeader(String name, String algorithm, JSONB metadata) {
        checkName(name, "name");
        checkName(algorithm, "algorithm");
        JSONB meta = metadata == null ? JSONB.valueOf("{}") : metadata;
        try {
            SnapshotRows.checkObject(meta.data(), "metadata");
        } catch (BadValue e) {
            throw new InvalidInputException("graph snapshot " + name + ": " + e.getMessage(), "metadata");
        }
        return meta;
    }

    private static void checkName(String value, String what) {
        if (value == null || value.isEmpty() || value.codePointCount(0, value.length()) > 200
                || value.indexOf('\0') >= 0) {
            throw new InvalidInputException("graph snapshot " + what + " must be 1 to 200 characters without NUL, "
                    + "got " + (value == null ? "null" : value.length() + " characters"), what);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidInputException("graph snapshot " + what + " has an unpaired UTF-16 surrogate at "
                        + "character " + i + ", which cannot be stored as UTF-8", what);
            }
        }
    }

    static RuntimeException propagate(String op, Throwable t) {
        if (t instanceof NullPointerException npe) {
            return new InvalidInputException(op + ": a " + npe.getMessage() + " is null", npe.getMessage());
        }
        return ErrorTranslator.propagate(op, t);
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    @Override
    public GraphSnapshot load(UUID id) {
        return reader.load(id);
    }

    @Override
    public void stream(UUID id, GraphVisitor visitor) {
        reader.stream(id, visitor);
    }

    @Override
    public Optional<SnapshotInfo> info(UUID id) {
        Objects.requireNonNull(id, "id");
        return read("read graph snapshot " + id, () -> dsl.selectFrom(GRAPH_SNAPSHOTS)
                .where(GRAPH_SNAPSHOTS.ID.eq(id)).fetchOptional().map(PgGraphStore::info));
    }

    @Override
    public Optional<SnapshotInfo> latest(String name) {
        Objects.requireNonNull(name, "name");
        return read("read latest graph snapshot " + name, () -> dsl.selectFrom(GRAPH_SNAPSHOTS)
                .where(GRAPH_SNAPSHOTS.NAME.eq(name)).orderBy(GRAPH_SNAPSHOTS.VERSION.desc()).limit(1)
                .fetchOptional().map(PgGraphStore::info));
    }

    @Override
    public List<SnapshotInfo> list(String name, String algorithm) {
        Condition where = DSL.noCondition();
        if (name != null) {
            where = where.and(GRAPH_SNAPSHOTS.NAME.eq(name));
        }
        if (algorithm != null) {
            where = where.and(GRAPH_SNAPSHOTS.ALGORITHM_NAME.eq(algorithm));
        }
        Condition condition = where;
        return read("list graph snapshots", () -> dsl.selectFrom(GRAPH_SNAPSHOTS).where(condition)
                .orderBy(GRAPH_SNAPSHOTS.CREATED_AT.desc(), GRAPH_SNAPSHOTS.NAME, GRAPH_SNAPSHOTS.VERSION.desc())
                .fetch(PgGraphStore::info));
    }

    @Override
    public boolean delete(UUID id) {
        Objects.requireNonNull(id, "id");
        return Deletions.delete(pool, id);
    }

    // ---- names as a history -----------------------------------------------------------------------------------

    @Override
    public GraphSnapshot load(String name) {
        Objects.requireNonNull(name, "name");
        SnapshotInfo latest = latest(name).orElseThrow(() -> new NotFoundException("load graph snapshot " + name
                + ": no snapshot has that name"));
        return reader.load(latest.id());
    }

    @Override
    public List<SnapshotInfo> history(String name) {
        Objects.requireNonNull(name, "name");
        return read("read the history of graph snapshot " + name, () -> dsl.selectFrom(GRAPH_SNAPSHOTS)
                .where(GRAPH_SNAPSHOTS.NAME.eq(name)).orderBy(GRAPH_SNAPSHOTS.VERSION.desc())
                .fetch(PgGraphStore::info));
    }

    @Override
    public int keep(String name, int lastN) {
        Objects.requireNonNull(name, "name");
        if (lastN < 1) {
            throw new InvalidInputException("keep graph snapshots " + name + ": lastN must be 1 or more, was " + lastN
                    + "; delete(id) removes the last versions", "lastN");
        }
        return Deletions.keep(pool, name, lastN);
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    @Override
    public List<Neighbour> neighbours(UUID snapshotId, long nodeId, Direction direction) {
        return queries.neighbours(snapshotId, nodeId, direction);
    }

    @Override
    public List<EdgeState> edges(UUID snapshotId, long from, long to) {
        return queries.edges(snapshotId, from, to);
    }

    @Override
    public List<Hop> khop(UUID snapshotId, long nodeId, int k, int limit) {
        return queries.khop(snapshotId, nodeId, k, limit);
    }

    @Override
    public List<NodeState> pathTo(UUID snapshotId, long nodeId) {
        return queries.pathTo(snapshotId, nodeId);
    }

    @Override
    public Stream<NodeState> nodes(UUID snapshotId, NodeFilter filter) {
        return queries.nodes(snapshotId, filter);
    }

    @Override
    public Stream<NodeChange> diff(UUID before, UUID after) {
        return queries.diff(before, after);
    }

    private static <T> T read(String op, Supplier<T> query) {
        try {
            return query.get();
        } catch (org.jooq.exception.DataAccessException e) {
            throw ErrorTranslator.translate(op, e);
        }
    }

    static SnapshotInfo info(GraphSnapshotsRecord r) {
        return new SnapshotInfo(r.getId(), r.getName(), r.getAlgorithmName(), r.getMetadata(), r.getVersion(),
                r.getNodeCount(), r.getEdgeCount(), r.getCreatedAt());
    }

}
