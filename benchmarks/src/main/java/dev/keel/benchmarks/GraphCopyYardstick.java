package dev.keel.benchmarks;

import dev.keel.benchmarks.data.BinaryCopyWriter;
import dev.keel.graph.EdgeState;
import dev.keel.graph.GraphSnapshot;
import dev.keel.graph.NodeState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * What {@code GraphStore.save} is held to: a hand-written binary COPY of a snapshot's nodes and edges into two
 * plain tables with exactly the columns, key and indexes of {@code keel.graph_nodes} and {@code keel.graph_edges}
 * (copied from them with {@code LIKE … INCLUDING ALL}, so the yardstick pays for every index Keel maintains), in
 * one transaction that commits at the end.
 */
final class GraphCopyYardstick implements AutoCloseable {
    static final String NODES = "bench.snapshot_nodes";
    static final String EDGES = "bench.snapshot_edges";
    private static final UUID SNAPSHOT = UUID.fromString("6b0f7f4e-2f59-4c1e-9a43-5b7d7a3c0002");

    private final Connection conn;

    GraphCopyYardstick() throws SQLException {
        conn = TargetDatabase.connect();
        try (Statement st = conn.createStatement()) {
            // Recreated each time, so the tables follow the indexes of Keel's schema as it is now.
            st.execute("DROP TABLE IF EXISTS " + NODES + ", " + EDGES);
            st.execute("CREATE TABLE " + NODES + " (LIKE keel.graph_nodes INCLUDING ALL)");
            st.execute("CREATE TABLE " + EDGES + " (LIKE keel.graph_edges INCLUDING ALL)");
        }
        conn.commit();
    }

    /** Empties both tables (and checkpoints before large loads), outside the timed part. */
    void empty(int rowsToCome) throws SQLException {
        TargetDatabase.empty(conn, NODES + ", " + EDGES, rowsToCome);
    }

    /** The timed part: both COPYs and the commit. */
    void copy(GraphSnapshot g) throws SQLException {
        BinaryCopyWriter nodes = new BinaryCopyWriter(conn.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY "
                + NODES + " (snapshot_id, node_id, activation_level, properties, visited, distance, parent) "
                + "FROM STDIN (FORMAT binary)"));
        for (NodeState n : g.nodes()) {
            nodes.row(7).uuid(SNAPSHOT).int8(n.id()).float4(n.activationLevel()).jsonb(n.properties().data())
                    .bool(n.visited()).float4(n.distance()).int8(n.parent());
        }
        TargetDatabase.expectRows("COPY of the nodes reported", g.nodes().size(), nodes.finish());
        BinaryCopyWriter edges = new BinaryCopyWriter(conn.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY "
                + EDGES + " (snapshot_id, from_node, to_node, edge_type, weight, properties) "
                + "FROM STDIN (FORMAT binary)"));
        for (EdgeState e : g.edges()) {
            edges.row(6).uuid(SNAPSHOT).int8(e.from()).int8(e.to()).text(e.type()).float8(e.weight())
                    .jsonb(e.properties().data());
        }
        TargetDatabase.expectRows("COPY of the edges reported", g.edges().size(), edges.finish());
        conn.commit();
    }

    /** Checks that the tables hold the snapshot's rows, outside the timed part. */
    void verify(GraphSnapshot g) throws SQLException {
        TargetDatabase.expectRows("rows in " + NODES, g.nodes().size(),
                TargetDatabase.count(conn, "SELECT count(*) FROM " + NODES));
        TargetDatabase.expectRows("rows in " + EDGES, g.edges().size(),
                TargetDatabase.count(conn, "SELECT count(*) FROM " + EDGES));
    }

    @Override
    public void close() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + NODES + ", " + EDGES);
            conn.commit();
        } finally {
            conn.close();
        }
    }
}
