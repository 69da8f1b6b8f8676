package dev.keel.internal.graph;

import dev.keel.graph.SnapshotInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.JSONB;

/**
 * Inserts a snapshot's row with the next version for its name, as the last statement of the transaction that
 * makes the snapshot visible. The version comes from {@code keel.graph_names}: the upsert locks the name's row until
 * the transaction ends, so concurrent saves of one name take turns only for their last statement and commit, get
 * distinct versions, and a save that rolls back hands its version back.
 */
final class Publisher {
    private static final String SQL = """
            WITH v AS (
                INSERT INTO keel.graph_names AS g (name, last_version) VALUES (?, 1)
                ON CONFLICT (name) DO UPDATE SET last_version = g.last_version + 1
                RETURNING last_version
            )
            INSERT INTO keel.graph_snapshots
                (id, name, algorithm_name, metadata, version, node_count, edge_count, shared)
            SELECT ?, ?, ?, ?::jsonb, v.last_version, ?, ?, ? FROM v
            RETURNING version, created_at
            """;

    private Publisher() {
    }

    static SnapshotInfo publish(Connection c, UUID id, String name, String algorithm, JSONB metadata, long nodes,
                                long edges, boolean shared) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement(SQL)) {
            ins.setString(1, name);
            ins.setObject(2, id);
            ins.setString(3, name);
            ins.setString(4, algorithm);
            ins.setString(5, metadata.data());
            ins.setLong(6, nodes);
            ins.setLong(7, edges);
            ins.setBoolean(8, shared);
            try (ResultSet rs = ins.executeQuery()) {
                rs.next();
                return new SnapshotInfo(id, name, algorithm, metadata, rs.getInt(1), nodes, edges,
                        rs.getObject(2, OffsetDateTime.class));
            }
        }
    }
}
