package dev.keel.internal.graph;

import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * A query's rows as a {@link Stream} that fetches {@value SnapshotQueries#FETCH} rows at a time, in a read-only
 * transaction on a pooled connection of its own (pgjdbc streams only with autocommit off). Closing the stream ends
 * the transaction and returns the connection; until then it holds both.
 */
final class RowStream {
    /** Makes the statement to run, its parameters set. */
    interface Statement {
        PreparedStatement prepare(Connection c) throws SQLException;
    }

    /** Turns the current row into a value. */
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private RowStream() {
    }

    /**
     * Checks that {@code snapshots} exist, runs {@code settings} (if any) and the statement, and streams its rows.
     */
    static <T> Stream<T> open(DataSource pool, String op, List<UUID> snapshots, String settings, Statement statement,
                              Mapper<T> mapper) {
        Connection c = null;
        PreparedStatement ps = null;
        try {
            c = pool.getConnection();
            c.setAutoCommit(false);
            c.setReadOnly(true);
            SnapshotQueries.requireSnapshots(c, op, snapshots);
            if (settings != null) {
                SnapshotQueries.settings(c, settings);
            }
            ps = statement.prepare(c);
            ps.setFetchSize(SnapshotQueries.FETCH);
            ResultSet rs = ps.executeQuery();
            Connection conn = c;
            PreparedStatement stmt = ps;
            Spliterator<T> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                    Spliterator.ORDERED | Spliterator.NONNULL) {
                @Override
                public boolean tryAdvance(Consumer<? super T> action) {
                    try {
                        if (!rs.next()) {
                            return false;
                        }
                        action.accept(mapper.map(rs));
                        return true;
                    } catch (SQLException e) {
                        throw ErrorTranslator.translate(op, e);
                    }
                }
            };
            return StreamSupport.stream(rows, false).onClose(() -> close(conn, stmt, rs));
        } catch (SQLException e) {
            close(c, ps, null);
            throw ErrorTranslator.translate(op, e);
        } catch (RuntimeException | Error e) {
            close(c, ps, null);
            throw e;
        }
    }

    private static void close(Connection c, PreparedStatement ps, ResultSet rs) {
        try {
            if (rs != null) {
                rs.close();
            }
            if (ps != null) {
                ps.close();
            }
        } catch (SQLException ignored) {
            // the rollback below ends the statement either way
        }
        if (c != null) {
            try {
                c.rollback(); // read only: nothing to keep
            } catch (SQLException ignored) {
                // a broken connection: the pool replaces it
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }
}
