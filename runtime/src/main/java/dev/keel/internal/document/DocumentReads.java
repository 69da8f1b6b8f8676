package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.document.Page;
import dev.keel.document.Query;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Finds, counts and streams of one collection, each one SELECT compiled from the query. */
final class DocumentReads {
    private static final int STREAM_FETCH = 500;
    private final CollectionTable table;
    private final Session session;

    DocumentReads(CollectionTable table, Session session) {
        this.table = table;
        this.session = session;
    }

    /** The SELECT of {@code q}; with {@code extra} rows beyond the limit (for paging), cursor columns if asked. */
    private Sql select(Query q, Projection projection, SortSpec sort, boolean cursorColumns, int extra) {
        return select(table, q, projection, sort, cursorColumns, extra);
    }

    static Sql select(CollectionTable table, Query q, Projection projection, SortSpec sort, boolean cursorColumns,
                      int extra) {
        JsonNode filter = FilterCompiler.parse(q.filter());
        Sql where = FilterCompiler.compile(filter, table.options());
        DocPath split = q.limit() > 0 ? FilterCompiler.splitPath(filter, table.options()) : null;
        String columns = "SELECT id, " + projection.render("data") + " AS doc"
                + (cursorColumns ? sort.cursorColumns() : "") + " FROM ";
        Sql sql;
        if (split == null) {
            sql = new Sql(columns + table.qualified() + " WHERE ").add(where);
            if (q.cursor() != null) {
                sql.add(" AND ").add(sort.after(q.cursor()));
            }
        } else {
            // The rows without an array at the path, then those with one: each half reads the path's index in
            // order and stops at the page's end; the outer query merges at most two pages.
            long rows = (long) q.limit() + extra + q.skip();
            Sql scalars = FilterCompiler.compileWithoutArraysAt(filter, table.options(), split);
            Sql arrays = new Sql("(").add(where).add(" AND " + DocPath.rank(split.value("data")) + " = 5)");
            sql = new Sql(columns + "(").add(half(table, scalars, sort, q.cursor(), rows)).add(" UNION ALL ")
                    .add(half(table, arrays, sort, q.cursor(), rows)).add(") AS u");
        }
        sql.add(" ORDER BY " + sort.orderBy());
        // Limit and offset are numbers, written into the text rather than bound: with a bound LIMIT the generic
        // plan is costed for an unknown row count, PostgreSQL keeps planning every execution afresh, and that
        // planning costs more than running a 20-row page.
        if (q.limit() > 0) {
            sql.add(" LIMIT " + ((long) q.limit() + extra));
        }
        if (q.skip() > 0) {
            sql.add(" OFFSET " + q.skip());
        }
        return sql;
    }

    private static Sql half(CollectionTable table, Sql where, SortSpec sort, String cursor, long rows) {
        Sql sql = new Sql("(SELECT id, data FROM " + table.qualified() + " WHERE ").add(where);
        if (cursor != null) {
            sql.add(" AND ").add(sort.after(cursor));
        }
        return sql.add(" ORDER BY " + sort.orderBy() + " LIMIT " + rows + ")");
    }

    List<ObjectNode> find(Query q) {
        Projection projection = Projection.parse(q.projection());
        Sql sql = select(q, projection, SortSpec.parse(q.sort()), false, 0);
        return session.read("find in " + table.name(), c -> {
            List<ObjectNode> out = new ArrayList<>();
            Rows.query(c, sql, rs -> out.add(Rows.document(rs.getString(1), rs.getString(2),
                    projection.includeId())));
            return out;
        });
    }

    Page<ObjectNode> page(Query q) {
        Projection projection = Projection.parse(q.projection());
        SortSpec sort = SortSpec.parse(q.sort());
        Query limited = q.limit() > 0 ? q : q.limit(100);
        Sql sql = select(limited, projection, sort, true, 1);
        return session.read("find page in " + table.name(), c -> {
            List<ObjectNode> out = new ArrayList<>();
            List<Object[]> lastKeys = new ArrayList<>();
            String[] lastId = new String[1];
            boolean[] more = new boolean[1];
            Rows.query(c, sql, rs -> {
                if (out.size() == limited.limit()) {
                    more[0] = true;
                    return;
                }
                out.add(Rows.document(rs.getString(1), rs.getString(2), projection.includeId()));
                lastKeys.clear();
                for (int i = 0; i < sort.size(); i++) {
                    lastKeys.add(new Object[] {rs.getInt("k" + i + "r"), rs.getString("k" + i + "v")});
                }
                lastId[0] = rs.getString(1);
            });
            return new Page<>(out, more[0] ? SortSpec.cursor(lastKeys, lastId[0]) : null);
        });
    }

    /** One document by id: the primary key, nothing else. */
    ObjectNode byId(String id) {
        Sql sql = new Sql("SELECT id, data FROM " + table.qualified() + " WHERE ").add(table.idIs(id));
        return session.read("find by id in " + table.name(), c -> {
            ObjectNode[] out = new ObjectNode[1];
            Rows.query(c, sql, rs -> out[0] = Rows.document(rs.getString(1), rs.getString(2), true));
            return out[0];
        });
    }

    long count(String filter) {
        Sql sql = new Sql("SELECT count(*) FROM " + table.qualified() + " WHERE ")
                .add(FilterCompiler.compile(filter, table.options()));
        return session.read("count in " + table.name(), c -> Rows.queryLong(c, sql));
    }

    long estimatedCount() {
        // The table's, or a partitioned collection's partitions' (its own pg_class row holds no estimate).
        Sql sql = new Sql("SELECT COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::bigint FROM pg_class c "
                + "WHERE c.relkind = 'r' AND (c.oid = to_regclass(").bind(table.qualified()).add(") OR c.oid IN "
                + "(SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(").bind(table.qualified())
                .add(")))");
        return session.read("estimated count of " + table.name(), c -> Rows.queryLong(c, sql));
    }

    /** Every match, read {@value #STREAM_FETCH} rows at a time on a connection held until the stream is closed. */
    Stream<ObjectNode> stream(Query q) {
        Projection projection = Projection.parse(q.projection());
        Sql sql = select(q, projection, SortSpec.parse(q.sort()), false, 0);
        String op = "stream " + table.name();
        Connection c = null;
        PreparedStatement ps = null;
        ResultSet rs;
        try {
            c = session.streamConnection(op);
            ps = Rows.prepare(c, sql);
            ps.setFetchSize(STREAM_FETCH);
            rs = ps.executeQuery();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(ps);
            if (c != null) {
                session.release(c);
            }
            throw e instanceof SQLException s ? ErrorTranslator.translate(op, s) : (RuntimeException) e;
        }
        Connection conn = c;
        PreparedStatement stmt = ps;
        Spliterator<ObjectNode> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super ObjectNode> action) {
                try {
                    if (!rs.next()) {
                        return false;
                    }
                    action.accept(Rows.document(rs.getString(1), rs.getString(2), projection.includeId()));
                    return true;
                } catch (SQLException e) {
                    throw ErrorTranslator.translate(op, e);
                }
            }
        };
        return StreamSupport.stream(rows, false).onClose(() -> {
            closeQuietly(stmt);
            session.release(conn);
        });
    }

    private static void closeQuietly(PreparedStatement ps) {
        if (ps != null) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
