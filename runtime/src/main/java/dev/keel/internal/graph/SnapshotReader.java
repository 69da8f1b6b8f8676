package dev.keel.internal.graph;

import static dev.keel.internal.db.Tables.GRAPH_SNAPSHOTS;

import com.zaxxer.hikari.HikariDataSource;
import dev.keel.error.NotFoundException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.GraphVisitor;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads a snapshot back: its row, then its two partitions with binary COPY, in one repeatable-read transaction,
 * in the order the rows were saved.
 */
final class SnapshotReader {
    private final DataSource pool;
    private final MetricsCollector metrics;

    SnapshotReader(DataSource pool, MetricsCollector metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    GraphSnapshot load(UUID id) {
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

    void stream(UUID id, GraphVisitor visitor) {
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
}
