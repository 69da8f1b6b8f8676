package dev.keel.internal.document;

import dev.keel.document.CollectionOptions;
import dev.keel.document.DocumentId;
import dev.keel.document.Query;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * PostgreSQL's plan for a find, for tests and the CLI: the same SELECT the collection runs, under EXPLAIN. Not
 * API.
 */
public final class QueryPlan {
    private QueryPlan() {
    }

    /**
     * The plan lines of {@code query} on {@code collection} (declared with {@code options}); with
     * {@code noSeqScan}, sequential scans are discouraged in that transaction, so a usable index is shown used.
     */
    public static List<String> explain(DataSource pool, String collection, CollectionOptions options, Query query,
                                       boolean noSeqScan) {
        DocumentId.checkCollectionName(collection);
        CollectionTable table = new CollectionTable(collection, options);
        Sql select = DocumentReads.select(table, query, Projection.parse(query.projection()),
                SortSpec.parse(query.sort()), false, 0);
        Sql sql = new Sql("EXPLAIN ").add(select);
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (noSeqScan) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL enable_seqscan = off");
                    }
                }
                List<String> lines = new ArrayList<>();
                Rows.query(c, sql, rs -> lines.add(rs.getString(1)));
                return lines;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate("explain find in " + collection, e);
        }
    }
}
