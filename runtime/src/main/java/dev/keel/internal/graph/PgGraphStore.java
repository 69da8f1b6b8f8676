package dev.keel.internal.graph;

import static dev.keel.internal.db.Tables.GRAPH_SNAPSHOTS;

import dev.keel.KeelException;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphStore;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.graph.SnapshotWriter;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import dev.keel.internal.bulk.BadValue;
import dev.keel.internal.db.tables.records.GraphSnapshotsRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/** The graph store on PostgreSQL; see {@link GraphStore} and {@link Staging} for how a save works. */
public final class PgGraphStore implements GraphStore, AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DataSource pool;
    private final MetricsCollector metrics;
    private final DSLContext dsl;
    /** Runs the second connection's half of a save; daemon threads, created on demand, idle ones expire. */
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keel-graph-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /**
     * A save holds two connections at once; letting at most half the pool save at a time means concurrent saves
     * can never each hold one connection while waiting for a second.
     */
    private final Semaphore saves;

    public PgGraphStore(DataSource pool, int maxPoolSize, MetricsCollector metrics) {
        this.pool = pool;
        this.saves = new Semaphore(Math.max(1, maxPoolSize / 2), true);
        this.metrics = metrics;
        this.dsl = DSL.using(pool, SQLDialect.POSTGRES);
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
        acquireSaveSlot(name);
        try (Staging s = Staging.open(pool, executor, name, algorithm, meta)) {
            Future<?> edgeHalf = executor.submit(() -> {
                try {
                    for (EdgeState e : edges) {
                        s.edge(Objects.requireNonNull(e, "edge"));
                    }
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
            SnapshotInfo info = s.publish();
            metrics.record(System.nanoTime() - started);
            return info;
        } finally {
            saves.release();
        }
    }

    private void acquireSaveSlot(String name) {
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
        acquireSaveSlot(name);
        try {
            return new Writer(Staging.open(pool, executor, name, algorithm, meta), saves);
        } catch (RuntimeException | Error e) {
            saves.release();
            throw e;
        }
    }

    private static JSONB checkHeader(String name, String algorithm, JSONB metadata) {
        checkName(name, "name");
        checkName(algorithm, "algorithm");
        JSONB meta = metadata == null ? JSONB.valueOf("{}") : metadata;
        try {
            Staging.checkObject(meta.data(), "metadata");
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
    }

    private static RuntimeException propagate(String op, Throwable t) {
        if (t instanceof KeelException k) {
            return k;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof SQLException || t instanceof org.jooq.exception.DataAccessException) {
            return ErrorTranslator.translate(op, t);
        }
        if (t instanceof NullPointerException npe) {
            return new InvalidInputException(op + ": a " + npe.getMessage() + " is null", npe.getMessage());
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new KeelException(op + " failed: " + t, null, t);
    }

    /** A streaming save fed from one thread. */
    private static final class Writer implements SnapshotWriter {
        private final Staging staging;
        private final Semaphore slot;
        private boolean done;

        Writer(Staging staging, Semaphore slot) {
            this.staging = staging;
            this.slot = slot;
        }

        @Override
        public void node(NodeState node) {
            ensureOpen();
            try {
                staging.node(Objects.requireNonNull(node, "node"));
            } catch (SQLException | RuntimeException e) {
                throw fail(e);
            }
        }

        @Override
        public void edge(EdgeState edge) {
            ensureOpen();
            try {
                staging.edge(Objects.requireNonNull(edge, "edge"));
            } catch (SQLException | RuntimeException e) {
                throw fail(e);
            }
        }

        @Override
        public long rowsWritten() {
            return staging.nodeCount() + staging.edgeCount();
        }

        @Override
        public SnapshotInfo commit() {
            ensureOpen();
            try {
                return staging.publish();
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                try {
                    staging.close();
                } finally {
                    slot.release();
                }
            }
        }

        private RuntimeException fail(Exception e) {
            close();
            return propagate("save graph snapshot " + staging.name, e);
        }

        private void ensureOpen() {
            if (done) {
                throw new IllegalStateException("this snapshot writer is closed");
            }
        }
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    @Override
    public GraphSnapshot load(UUID id) {
        ArrayList<NodeState> nodes = new ArrayList<>();
        ArrayList<EdgeState> edges = new ArrayList<>();
        SnapshotInfo[] header = new SnapshotInfo[1];
        stream(id, new GraphVisitor() {
            @Override
            public void header(SnapshotInfo info) {
                header[0] = info;
                nodes.ensureCapacity((int) Math.min(info.nodeCount(), Integer.MAX_VALUE - 8));
                edges.ensureCapacity((int) Math.min(info.edgeCount(), Integer.MAX_VALUE - 8));
            }

            @Override
            public void node(NodeState node) {
                nodes.add(node);
            }

            @Override
            public void edge(EdgeState edge) {
                edges.add(edge);
            }
        });
        SnapshotInfo info = header[0];
        return new GraphSnapshot(info, info.name(), info.algorithm(), info.metadata(), nodes, edges);
    }

    @Override
    public void stream(UUID id, GraphVisitor visitor) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(visitor, "visitor");
        String op = "load graph snapshot " + id;
        long started = System.nanoTime();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            CopyOut[] active = new CopyOut[1];
            try {
                SnapshotInfo info = DSL.using(c, SQLDialect.POSTGRES).selectFrom(GRAPH_SNAPSHOTS)
                        .where(GRAPH_SNAPSHOTS.ID.eq(id)).fetchOptional().map(PgGraphStore::info)
                        .orElseThrow(() -> new NotFoundException(op + ": no such snapshot"));
                visitor.header(info);
                String hex = id.toString().replace("-", "");
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL synchronize_seqscans = off"); // read rows in the order they were saved
                }
                CopyOut nodes = active[0] = copyOut(c, "COPY keel.graph_nodes_" + hex
                        + " (node_id, activation_level, properties, visited, distance, parent) TO STDOUT (FORMAT binary)");
                CopyReader r = new CopyReader(nodes);
                while (r.nextRow() >= 0) {
                    long nodeId = r.int64Field();
                    float activation = r.float4Field();
                    String properties = r.jsonbField();
                    boolean visited = r.boolField();
                    Float distance = r.float4OrNull();
                    Long parent = r.int64OrNull();
                    visitor.node(new NodeState(nodeId, activation, JSONB.valueOf(properties), visited, distance,
                            parent));
                }
                CopyOut edges = active[0] = copyOut(c, "COPY keel.graph_edges_" + hex
                        + " (from_node, to_node, edge_type, weight, properties) TO STDOUT (FORMAT binary)");
                r = new CopyReader(edges);
                while (r.nextRow() >= 0) {
                    long from = r.int64Field();
                    long to = r.int64Field();
                    String type = r.textOrNull();
                    double weight = r.float8Field();
                    String properties = r.jsonbField();
                    visitor.edge(new EdgeState(from, to, type, weight, JSONB.valueOf(properties)));
                }
                c.commit();
                metrics.record(System.nanoTime() - started);
            } catch (SQLException | RuntimeException | Error e) {
                if (active[0] != null && active[0].isActive()) {
                    discard(c); // stopped in the middle of a COPY: the session cannot be trusted for reuse
                } else {
                    c.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new NotFoundException(op + ": the snapshot was deleted while it was being read", e);
            }
            throw ErrorTranslator.translate(op, e);
        } catch (org.jooq.exception.DataAccessException e) {
            throw ErrorTranslator.translate(op, e);
        }
    }

    private static CopyOut copyOut(Connection c, String sql) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    }

    /** Closes the session behind {@code c} and takes it out of the pool. */
    private void discard(Connection c) {
        try {
            // Close the socket first: the driver keeps the connection locked to the unfinished COPY.
            c.unwrap(org.postgresql.jdbc.PgConnection.class).abort(Runnable::run);
            if (pool.isWrapperFor(HikariDataSource.class)) {
                pool.unwrap(HikariDataSource.class).evictConnection(c);
            }
        } catch (SQLException ignored) {
            // already broken
        }
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
        String hex = id.toString().replace("-", "");
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM keel.graph_snapshots WHERE id = ?");
                 Statement st = c.createStatement()) {
                del.setObject(1, id);
                if (del.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                st.execute("DROP TABLE IF EXISTS keel.graph_nodes_" + hex + ", keel.graph_edges_" + hex);
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate("delete graph snapshot " + id, e);
        }
    }

    private static <T> T read(String op, Supplier<T> query) {
        try {
            return query.get();
        } catch (org.jooq.exception.DataAccessException e) {
            throw ErrorTranslator.translate(op, e);
        }
    }

    private static SnapshotInfo info(GraphSnapshotsRecord r) {
        return new SnapshotInfo(r.getId(), r.getName(), r.getAlgorithmName(), r.getMetadata(), r.getVersion(),
                r.getNodeCount(), r.getEdgeCount(), r.getCreatedAt());
    }

    /** Stops the loader threads; saves in progress finish first. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
