package dev.keel.internal.graph;

import static dev.keel.internal.db.Tables.GRAPH_SNAPSHOTS;

import com.zaxxer.hikari.HikariDataSource;
import dev.keel.KeelException;
import dev.keel.error.NotFoundException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import dev.keel.internal.Workers;
import dev.keel.internal.db.tables.records.GraphSnapshotsRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads a snapshot back: its row, then its nodes and edges with binary COPY, in repeatable-read transactions, in the
 * order the rows were saved. A large snapshot's two partitions are copied whole (in physical order, which is saved
 * order); {@link #load} of a large one reads the first half of each partition's pages on the calling thread and the
 * second half on a second connection that shares the first one's database snapshot, when a slot for a second
 * connection is free. A small snapshot's rows are copied out of the shared default partitions by index, ordered by
 * {@code seq}. {@link #stream} reads on one connection, so the visitor is called in order on the calling thread.
 */
final class SnapshotReader {
    /** Rows from which a load is worth a second connection. */
    static final long PARALLEL_FROM = 50_000;

    private static final String NODE_COLUMNS = "node_id, activation_level, properties, visited, distance, parent";
    private static final String EDGE_COLUMNS = "from_node, to_node, edge_type, weight, properties";

    private final DataSource pool;
    private final MetricsCollector metrics;
    private final Workers workers;
    /** Shared with saves: operations that hold two connections take a slot, so they cannot starve each other. */
    private final Semaphore twoConnectionSlots;

    SnapshotReader(DataSource pool, MetricsCollector metrics, Workers workers, Semaphore twoConnectionSlots) {
        this.pool = pool;
        this.metrics = metrics;
        this.workers = workers;
        this.twoConnectionSlots = twoConnectionSlots;
    }

    GraphSnapshot load(UUID id) {
        return inReadTransaction(id, (c, op, active) -> {
            Part first = new Part();
            GraphSnapshotsRecord header = header(c, id, op);
            SnapshotInfo info = PgGraphStore.info(header);
            first.header(info);
            Part rest = null;
            if (header.getShared()) {
                readShared(c, id, first, active);
            } else if (info.nodeCount() + info.edgeCount() >= PARALLEL_FROM && twoConnectionSlots.tryAcquire()) {
                try {
                    rest = readInTwo(c, id, first, active);
                } finally {
                    twoConnectionSlots.release();
                }
            } else {
                read(c, id, null, null, first, active);
            }
            return first.snapshot(rest);
        });
    }

    void stream(UUID id, GraphVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        inReadTransaction(id, (c, op, active) -> {
            GraphSnapshotsRecord header = header(c, id, op);
            visitor.header(PgGraphStore.info(header));
            if (header.getShared()) {
                readShared(c, id, visitor, active);
            } else {
                read(c, id, null, null, visitor, active);
            }
            return null;
        });
    }

    /** What runs in a read's transaction; {@code active[0]} holds the COPY in progress. */
    private interface Read<T> {
        T run(Connection c, String op, CopyOut[] active) throws SQLException;
    }

    /**
     * Runs {@code body} in a repeatable-read, read-only transaction on a pooled connection, and commits; a failure
     * rolls back, or takes the connection out of the pool when it stopped in the middle of a COPY.
     */
    private <T> T inReadTransaction(UUID id, Read<T> body) {
        Objects.requireNonNull(id, "id");
        String op = "load graph snapshot " + id;
        long started = System.nanoTime();
        try (Connection c = pool.getConnection()) {
            begin(c);
            CopyOut[] active = new CopyOut[1];
            try {
                T result = body.run(c, op, active);
                c.commit();
                metrics.record(System.nanoTime() - started);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                end(c, active[0]);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(op, e);
        } catch (org.jooq.exception.DataAccessException e) {
            throw ErrorTranslator.translate(op, e);
        }
    }

    /**
     * Exports {@code a}'s database snapshot, reads the second half of each partition's pages on a second connection
     * that imports it, and the first half here into {@code first}; returns the second half's rows.
     */
    private Part readInTwo(Connection a, UUID id, Part first, CopyOut[] active) throws SQLException {
        String hex = hex(id);
        String snapshot;
        long nodeMid;
        long edgeMid;
        try (Statement st = a.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(), "
                     + "pg_relation_size('keel.graph_nodes_" + hex + "') / current_setting('block_size')::bigint, "
                     + "pg_relation_size('keel.graph_edges_" + hex + "') / current_setting('block_size')::bigint")) {
            rs.next();
            snapshot = rs.getString(1);
            nodeMid = rs.getLong(2) / 2;
            edgeMid = rs.getLong(3) / 2;
        }
        Part rest = new Part();
        Future<Part> second = workers.submit(() -> {
            try (Connection b = pool.getConnection()) {
                begin(b);
                CopyOut[] mine = new CopyOut[1];
                try {
                    try (Statement st = b.createStatement()) {
                        st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                    }
                    read(b, id, "ctid >= '(" + nodeMid + ",0)'", "ctid >= '(" + edgeMid + ",0)'", rest, mine);
                    b.commit();
                    return rest;
                } catch (SQLException | RuntimeException | Error e) {
                    end(b, mine[0]);
                    throw e;
                }
            }
        });
        try {
            read(a, id, "ctid < '(" + nodeMid + ",0)'", "ctid < '(" + edgeMid + ",0)'", first, active);
        } catch (SQLException | RuntimeException | Error e) {
            rest.stopped = true; // the second half stops at its next row
            try {
                second.get();
            } catch (ExecutionException | InterruptedException ignored) {
                // the first failure is the one reported
            }
            throw e;
        }
        try {
            return second.get();
        } catch (ExecutionException e) {
            throw Workers.rethrow(e.getCause());
        } catch (InterruptedException e) {
            rest.stopped = true;
            Thread.currentThread().interrupt();
            throw new KeelException("load graph snapshot " + id + ": interrupted", null, e);
        }
    }

    private static GraphSnapshotsRecord header(Connection c, UUID id, String op) {
        return DSL.using(c, SQLDialect.POSTGRES).selectFrom(GRAPH_SNAPSHOTS)
                .where(GRAPH_SNAPSHOTS.ID.eq(id)).fetchOptional()
                .orElseThrow(() -> new NotFoundException(op + ": no such snapshot"));
    }

    /**
     * Reads nodes, then edges, of the snapshot's partitions (only the pages a range allows, when one is given) into
     * {@code visitor}, keeping the COPY in progress in {@code active[0]}.
     */
    private static void read(Connection c, UUID id, String nodeRange, String edgeRange, GraphVisitor visitor,
                             CopyOut[] active) throws SQLException {
        String hex = hex(id);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronize_seqscans = off"); // read rows in the order they were saved
        }
        active[0] = copyOut(c, "keel.graph_nodes_" + hex, NODE_COLUMNS, nodeRange);
        readNodes(active[0], visitor);
        active[0] = copyOut(c, "keel.graph_edges_" + hex, EDGE_COLUMNS, edgeRange);
        readEdges(active[0], visitor);
        active[0] = null;
    }

    /**
     * Reads a snapshot in shared storage: its rows among other snapshots' in the default partitions, found by index
     * and put in saved order by {@code seq}.
     */
    private static void readShared(Connection c, UUID id, GraphVisitor visitor, CopyOut[] active)
            throws SQLException {
        active[0] = sharedCopyOut(c, "keel.graph_nodes", NODE_COLUMNS, id);
        readNodes(active[0], visitor);
        active[0] = sharedCopyOut(c, "keel.graph_edges", EDGE_COLUMNS, id);
        readEdges(active[0], visitor);
        active[0] = null;
    }

    private static CopyOut sharedCopyOut(Connection c, String table, String columns, UUID id) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + columns + " FROM " + table
                + " WHERE snapshot_id = '" + id + "' ORDER BY seq) TO STDOUT (FORMAT binary)");
    }

    private static void readNodes(CopyOut nodes, GraphVisitor visitor) throws SQLException {
        CopyReader r = new CopyReader(nodes);
        while (r.nextRow() >= 0) {
            long nodeId = r.int64Field();
            float activation = r.float4Field();
            String properties = r.jsonbField();
            boolean visited = r.boolField();
            Float distance = r.float4OrNull();
            Long parent = r.int64OrNull();
            visitor.node(new NodeState(nodeId, activation, JSONB.valueOf(properties), visited, distance, parent));
        }
    }

    private static void readEdges(CopyOut edges, GraphVisitor visitor) throws SQLException {
        CopyReader r = new CopyReader(edges);
        while (r.nextRow() >= 0) {
            long from = r.int64Field();
            long to = r.int64Field();
            String type = r.textOrNull();
            double weight = r.float8Field();
            String properties = r.jsonbField();
            visitor.edge(new EdgeState(from, to, type, weight, JSONB.valueOf(properties)));
        }
    }

    private static CopyOut copyOut(Connection c, String table, String columns, String range) throws SQLException {
        String sql = range == null
                ? "COPY " + table + " (" + columns + ") TO STDOUT (FORMAT binary)"
                : "COPY (SELECT " + columns + " FROM " + table + " WHERE " + range + ") TO STDOUT (FORMAT binary)";
        return c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    }

    private static void begin(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
    }

    /** After a failure: rolls back, or when it stopped in the middle of a COPY, takes the connection out. */
    private void end(Connection c, CopyOut active) throws SQLException {
        if (active != null && active.isActive()) {
            discard(c); // stopped in the middle of a COPY: the session cannot be trusted for reuse
        } else {
            c.rollback();
        }
    }

    private static RuntimeException translate(String op, SQLException e) {
        if ("42P01".equals(e.getSQLState())) {
            return new NotFoundException(op + ": the snapshot was deleted while it was being read", e);
        }
        return ErrorTranslator.translate(op, e);
    }

    private static String hex(UUID id) {
        return id.toString().replace("-", "");
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

    /** The rows one connection read, in order. */
    private static final class Part implements GraphVisitor {
        private SnapshotInfo info;
        private ArrayList<NodeState> nodes = new ArrayList<>();
        private ArrayList<EdgeState> edges = new ArrayList<>();
        /** Set by the other half when it failed. */
        volatile boolean stopped;

        @Override
        public void header(SnapshotInfo header) {
            info = header;
            nodes.ensureCapacity((int) Math.min(header.nodeCount(), Integer.MAX_VALUE - 8));
            edges.ensureCapacity((int) Math.min(header.edgeCount(), Integer.MAX_VALUE - 8));
        }

        @Override
        public void node(NodeState node) {
            if (stopped) {
                throw new Staging.CancellationSignal();
            }
            nodes.add(node);
        }

        @Override
        public void edge(EdgeState edge) {
            if (stopped) {
                throw new Staging.CancellationSignal();
            }
            edges.add(edge);
        }

        /** The snapshot of this part's rows followed by {@code rest}'s. */
        GraphSnapshot snapshot(Part rest) {
            if (rest != null) {
                nodes.addAll(rest.nodes);
                edges.addAll(rest.edges);
            }
            return new GraphSnapshot(info, info.name(), info.algorithm(), info.metadata(), nodes, edges);
        }
    }
}
