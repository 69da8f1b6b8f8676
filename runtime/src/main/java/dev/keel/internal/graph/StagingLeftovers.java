package dev.keel.internal.graph;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging tables left behind by a save whose process died before publishing. A live save holds a session advisory
 * lock on its snapshot id, so tables whose lock can be taken belong to nobody and are dropped.
 */
final class StagingLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(StagingLeftovers.class);

    private StagingLeftovers() {
    }

    /**
     * Drops staging tables whose save died before publishing: unattached tables named like a snapshot's
     * partitions whose advisory lock nobody holds.
     */
    static void drop(Connection c) throws SQLException {
        List<String> hexes = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT DISTINCT substring(c.relname from '[0-9a-f]{32}$')
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'keel' AND c.relkind = 'r' AND NOT c.relispartition
                        AND c.relname ~ '^graph_(nodes|edges)_[0-9a-f]{32}$'
                     """)) {
            while (rs.next()) {
                hexes.add(rs.getString(1));
            }
        }
        for (String hex : hexes) {
            UUID owner = UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                lock.setInt(1, Staging.LOCK_SPACE);
                lock.setInt(2, owner.hashCode());
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        continue; // a save in progress
                    }
                }
            }
            try (PreparedStatement still = c.prepareStatement("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'keel' AND c.relkind = 'r' AND NOT c.relispartition AND c.relname IN (?, ?)
                    """); Statement st = c.createStatement()) {
                // Listed before the lock was taken: the save may have published (attached its tables) and let go
                // of its lock since. A save attaches before it unlocks, so what is still unattached now is dead.
                still.setString(1, "graph_nodes_" + hex);
                still.setString(2, "graph_edges_" + hex);
                List<String> dead = new ArrayList<>();
                try (ResultSet rs = still.executeQuery()) {
                    while (rs.next()) {
                        dead.add("keel." + rs.getString(1));
                    }
                }
                if (!dead.isEmpty()) {
                    st.execute("DROP TABLE IF EXISTS " + String.join(", ", dead));
                    LOG.info("Dropped staging tables of an unfinished graph save ({})", hex);
                }
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                    unlock.setInt(1, Staging.LOCK_SPACE);
                    unlock.setInt(2, owner.hashCode());
                    unlock.execute();
                }
            }
        }
    }
}
