package dev.keel.internal.graph;

import dev.keel.internal.ErrorTranslator;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Deletes snapshots of both kinds in one transaction: the header rows, then a snapshot's own partitions dropped, or
 * its rows in shared storage deleted. Space of deleted shared rows comes back through (auto)vacuum, which makes it
 * reusable by later saves; see V5__graph_fast_path.sql for its settings.
 */
final class Deletions {
    private Deletions() {
    }

    static boolean delete(DataSource pool, UUID id) {
        return run("delete graph snapshot " + id, pool, c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM keel.graph_snapshots WHERE id = ? RETURNING id, shared")) {
                del.setObject(1, id);
                return removeRows(c, del);
            }
        }) > 0;
    }

    /** Deletes every version of {@code name} older than its newest {@code lastN}. */
    static int keep(DataSource pool, String name, int lastN) {
        return run("keep the latest " + lastN + " versions of graph snapshot " + name, pool, c -> {
            try (PreparedStatement del = c.prepareStatement("""
                    DELETE FROM keel.graph_snapshots
                     WHERE name = ? AND version < (SELECT version FROM keel.graph_snapshots WHERE name = ?
                                                    ORDER BY version DESC OFFSET ? LIMIT 1)
                    RETURNING id, shared
                    """)) {
                del.setString(1, name);
                del.setString(2, name);
                del.setInt(3, lastN - 1);
                return removeRows(c, del);
            }
        });
    }

    /** Runs {@code del} (which returns id and shared of the headers it deleted), then removes their rows. */
    private static int removeRows(Connection c, PreparedStatement del) throws SQLException {
        List<UUID> shared = new ArrayList<>();
        List<UUID> partitioned = new ArrayList<>();
        try (ResultSet rs = del.executeQuery()) {
            while (rs.next()) {
                (rs.getBoolean(2) ? shared : partitioned).add(rs.getObject(1, UUID.class));
            }
        }
        if (!shared.isEmpty()) {
            Array ids = c.createArrayOf("uuid", shared.toArray());
            for (String table : List.of("keel.graph_nodes_default", "keel.graph_edges_default")) {
                try (PreparedStatement rows = c.prepareStatement("DELETE FROM " + table
                        + " WHERE snapshot_id = ANY (?)")) {
                    rows.setArray(1, ids);
                    rows.executeUpdate();
                }
            }
        }
        if (!partitioned.isEmpty()) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + partitioned.stream().map(SnapshotIds::hex)
                        .map(h -> "keel.graph_nodes_" + h + ", keel.graph_edges_" + h)
                        .collect(Collectors.joining(", ")));
            }
        }
        return shared.size() + partitioned.size();
    }

    private interface Work {
        int run(Connection c) throws SQLException;
    }

    private static int run(String op, DataSource pool, Work work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                int n = work.run(c);
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate(op, e);
        }
    }
}
