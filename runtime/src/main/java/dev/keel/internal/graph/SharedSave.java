package dev.keel.internal.graph;

import dev.keel.KeelException;
import dev.keel.graph.EdgeState;
import dev.keel.graph.NodeState;
import dev.keel.graph.SnapshotInfo;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.bulk.BadValue;
import dev.keel.internal.bulk.CopyStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.JSONB;

/**
 * The small-snapshot path: one connection, one transaction, one binary COPY of the nodes and one of the edges through
 * the partitioned parents into their default partitions, then the snapshot's row. Nothing is created in the catalog.
 * Node ids and edge ends are checked in memory before the edges are sent; values as they are encoded; JSON syntax by
 * PostgreSQL during the COPY. Any failure rolls the transaction back, so a reader sees the whole snapshot or
 * nothing. Rows carry their place in the input ({@code seq}), which is the order they are read back in.
 */
final class SharedSave {
    private static final String NODE_COPY = "COPY keel.graph_nodes (snapshot_id, node_id, activation_level, "
            + "properties, visited, distance, parent, seq) FROM STDIN (FORMAT binary)";
    private static final String EDGE_COPY = "COPY keel.graph_edges (snapshot_id, from_node, to_node, edge_type, "
            + "weight, properties, seq) FROM STDIN (FORMAT binary)";

    private SharedSave() {
    }

    /**
     * @param clearLeftovers also drop the staging tables of large saves that died (see {@link StagingLeftovers}),
     *                       which large saves do each time; the store asks for it on its first small save
     */
    static SnapshotInfo save(DataSource pool, String name, String algorithm, JSONB metadata, List<NodeState> nodes,
                             List<EdgeState> edges, boolean clearLeftovers) {
        String op = "save graph snapshot " + name;
        NodeIds ids = NodeIds.of(name, nodes);
        UUID id = SnapshotIds.shared();
        try (Connection c = pool.getConnection()) {
            if (clearLeftovers) {
                StagingLeftovers.drop(c);
            }
            c.setAutoCommit(false);
            try {
                CopyStream copy = new CopyStream(c, NODE_COPY, null);
                try {
                    for (int i = 0; i < nodes.size(); i++) {
                        NodeState n = Objects.requireNonNull(nodes.get(i), "node");
                        try {
                            SnapshotRows.node(n, id, copy.buffer(), i);
                        } catch (BadValue e) {
                            throw Staging.badNode(name, i, n, e);
                        }
                        copy.endRow();
                    }
                    copy.finish(op + " (nodes)");
                } catch (SQLException e) {
                    copy.cancel();
                    throw Staging.copyFailure(name, e, "node");
                } catch (RuntimeException e) {
                    copy.cancel();
                    throw e;
                }
                copy = new CopyStream(c, EDGE_COPY, null);
                try {
                    for (int i = 0; i < edges.size(); i++) {
                        EdgeState e = Objects.requireNonNull(edges.get(i), "edge");
                        checkEnd(ids, name, e, e.from());
                        checkEnd(ids, name, e, e.to());
                        try {
                            SnapshotRows.edge(e, id, copy.buffer(), i);
                        } catch (BadValue bad) {
                            throw Staging.badEdge(name, i, e, bad);
                        }
                        copy.endRow();
                    }
                    copy.finish(op + " (edges)");
                } catch (SQLException e) {
                    copy.cancel();
                    throw Staging.copyFailure(name, e, "edge");
                } catch (RuntimeException e) {
                    copy.cancel();
                    throw e;
                }
                SnapshotInfo info = Publisher.publish(c, id, name, algorithm, metadata, nodes.size(), edges.size(),
                        true);
                c.commit();
                return info;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate(op, e);
        } catch (KeelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw PgGraphStore.propagate(op, e);
        }
    }

    private static void checkEnd(NodeIds ids, String name, EdgeState e, long end) {
        if (!ids.contains(end)) {
            throw Staging.danglingEdge(name, e.from(), e.to(), end);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection: the server rolls back
        }
    }
}
