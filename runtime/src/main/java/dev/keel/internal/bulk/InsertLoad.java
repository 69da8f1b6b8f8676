package dev.keel.internal.bulk;

import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;

/**
 * The multi-row strategy, {@link #MAX_ROWS_PER_INSERT} rows per statement. When no column holds arrays, each
 * statement is {@code INSERT … SELECT * FROM unnest(?::t1[], ?::t2[], …)} with one array parameter per column:
 * PostgreSQL binds a handful of parameters instead of thousands, which measured 1.1 to 1.25 times as fast as VALUES
 * on the graph tables. Otherwise (unnest would flatten array values) it is {@code INSERT … VALUES (…), (…)}, always under
 * the bind-parameter limit. Full statements reuse one prepared statement.
 */
final class InsertLoad<R extends TableRecord<R>> {
    /** Rows per multi-row INSERT; more costs planning time without saving round trips. */
    static final int MAX_ROWS_PER_INSERT = 1000;
    /** pgjdbc's and PostgreSQL's limit on bind parameters in one statement. */
    static final int MAX_BIND_PARAMETERS = 65_535;

    private final Table<R> table;
    private final LoadPlan<R> plan;
    private final BulkOptions<R> options;
    private final MetricsCollector metrics;
    /** Whether statements unnest one array per column (no column holds arrays) rather than list VALUES. */
    private final boolean unnest;

    InsertLoad(LoadPlan<R> plan, BulkOptions<R> options, MetricsCollector metrics) {
        this.table = plan.table();
        this.plan = plan;
        this.options = options;
        this.metrics = metrics;
        this.unnest = plan.columns().stream().allMatch(c -> c.column().arrayType() != null);
    }

    long run(Connection c, Rows<R> rows) {
        int ncols = plan.size();
        int perStatement = unnest ? MAX_ROWS_PER_INSERT
                : Math.max(1, Math.min(MAX_ROWS_PER_INSERT, MAX_BIND_PARAMETERS / ncols));
        Object[] chunk = new Object[perStatement * ncols];
        CopyBuffer scratch = new CopyBuffer(1024);
        PreparedStatement full = null;
        long written = 0;
        try {
            int inChunk = 0;
            long chunkStart = 0;
            while (rows.hasNext()) {
                long index = rows.count;
                R row = rows.next();
                plan.checkColumns(row, index);
                for (int k = 0; k < ncols; k++) {
                    LoadPlan.Col col = plan.columns().get(k);
                    Object v = plan.value(row, col);
                    if (v != null) {
                        scratch.clear();
                        try {
                            col.codec().write(v, scratch);
                        } catch (BadValue e) {
                            throw plan.badValue(index, col, e);
                        }
                    }
                    chunk[inChunk * ncols + k] = v;
                }
                inChunk++;
                if (inChunk == perStatement) {
                    if (full == null) {
                        full = c.prepareStatement(insertSql(perStatement));
                    }
                    written += execute(full, chunk, inChunk, chunkStart);
                    chunkStart += inChunk;
                    inChunk = 0;
                    if (rows.count % BulkEngine.PROGRESS_EVERY < perStatement) {
                        options.progress().accept(rows.count);
                    }
                }
            }
            if (inChunk > 0 && unnest && full != null) {
                written += execute(full, chunk, inChunk, chunkStart); // the same SQL for any row count
            } else if (inChunk > 0) {
                try (PreparedStatement last = c.prepareStatement(insertSql(inChunk))) {
                    written += execute(last, chunk, inChunk, chunkStart);
                }
            }
            return written;
        } catch (SQLException e) {
            throw ErrorTranslator.translate("bulk INSERT into " + TableShape.quotedName(table), e);
        } finally {
            if (full != null) {
                try {
                    full.close();
                } catch (SQLException ignored) {
                    // closing a statement on a broken connection
                }
            }
        }
    }

    private long execute(PreparedStatement ps, Object[] chunk, int nrows, long firstRow) {
        long started = System.nanoTime();
        try {
            if (unnest) {
                bindArrays(ps, chunk, nrows);
            } else {
                bindValues(ps, chunk, nrows);
            }
            long n;
            if (options.returning() != null) {
                n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    for (R back : DSL.using(ps.getConnection(), SQLDialect.POSTGRES).fetch(rs).into(table)) {
                        options.returning().accept(back);
                        n++;
                    }
                }
            } else {
                n = ps.executeUpdate();
            }
            metrics.record(System.nanoTime() - started);
            return n;
        } catch (SQLException e) {
            String rowsLabel = nrows == 1 ? ", row " + firstRow + " of the input (0-based)"
                    : ", in rows " + firstRow + "–" + (firstRow + nrows - 1) + " of the input (0-based)";
            throw ErrorTranslator.translate("bulk INSERT into " + TableShape.quotedName(table) + rowsLabel, e);
        }
    }

    private void bindValues(PreparedStatement ps, Object[] chunk, int nrows) throws SQLException {
        int ncols = plan.size();
        int p = 1;
        for (int r = 0; r < nrows; r++) {
            for (int k = 0; k < ncols; k++, p++) {
                Object v = chunk[r * ncols + k];
                if (v == null) {
                    ps.setNull(p, Types.OTHER);
                } else {
                    plan.columns().get(k).codec().bind(ps, p, v);
                }
            }
        }
    }

    /**
     * Binds column {@code k} of the chunk's rows as parameter {@code k + 1}, one array per column: numbers, booleans
     * and uuids as arrays the driver sends in binary, every other type as a text array of its values' text form,
     * which the statement casts to the column's type.
     */
    private void bindArrays(PreparedStatement ps, Object[] chunk, int nrows) throws SQLException {
        int ncols = plan.size();
        Connection c = ps.getConnection();
        for (int k = 0; k < ncols; k++) {
            Codec codec = plan.columns().get(k).codec();
            String nativeType = nativeArrayType(codec);
            Object[] values = (Object[]) java.lang.reflect.Array.newInstance(
                    nativeType == null ? String.class : NATIVE_ARRAYS.get(nativeType), nrows);
            for (int r = 0; r < nrows; r++) {
                Object v = chunk[r * ncols + k];
                values[r] = v == null || nativeType != null ? v : codec.text(v);
            }
            ps.setArray(k + 1, c.createArrayOf(nativeType == null ? "text" : nativeType, values));
        }
    }

    /** Element types whose arrays pgjdbc encodes in binary, with the Java class of their values. */
    private static final Map<String, Class<?>> NATIVE_ARRAYS = Map.of("int2", Short.class, "int4", Integer.class,
            "int8", Long.class, "float4", Float.class, "float8", Double.class, "bool", Boolean.class,
            "uuid", UUID.class);

    private static String nativeArrayType(Codec codec) {
        if (codec instanceof NumberCodecs.Int2) {
            return "int2";
        } else if (codec instanceof NumberCodecs.Int4) {
            return "int4";
        } else if (codec instanceof NumberCodecs.Int8) {
            return "int8";
        } else if (codec instanceof NumberCodecs.Float4) {
            return "float4";
        } else if (codec instanceof NumberCodecs.Float8) {
            return "float8";
        } else if (codec instanceof NumberCodecs.Bool) {
            return "bool";
        } else if (codec instanceof TextCodecs.Uuid) {
            return "uuid";
        }
        return null;
    }

    private String insertSql(int nrows) {
        StringBuilder sql = new StringBuilder(64 + nrows * plan.size() * 4);
        sql.append("INSERT INTO ").append(TableShape.quotedName(table)).append(" (").append(plan.columnList())
                .append(")");
        if (unnest) {
            sql.append(" SELECT * FROM unnest(");
            for (int k = 0; k < plan.size(); k++) {
                sql.append(k == 0 ? "?::" : ", ?::").append(plan.columns().get(k).column().arrayType());
            }
            sql.append(')');
        } else {
            sql.append(" VALUES ");
            valuesList(sql, nrows);
        }
        switch (options.conflict()) {
            case DO_NOTHING -> sql.append(" ON CONFLICT DO NOTHING");
            case DO_UPDATE -> sql.append(onConflictUpdate());
            case FAIL -> { }
        }
        if (options.returning() != null) {
            sql.append(" RETURNING *");
        }
        return sql.toString();
    }

    private void valuesList(StringBuilder sql, int nrows) {
        StringBuilder tuple = new StringBuilder("(");
        for (int k = 0; k < plan.size(); k++) {
            tuple.append(k == 0 ? "?" : ", ?").append(plan.columns().get(k).codec().cast());
        }
        tuple.append(')');
        for (int r = 0; r < nrows; r++) {
            sql.append(r == 0 ? "" : ", ").append(tuple);
        }
    }

    private String onConflictUpdate() {
        List<Field<?>> keys = options.conflictKeys();
        if (keys.isEmpty()) {
            UniqueKey<R> pk = table.getPrimaryKey();
            if (pk == null) {
                throw BulkEngine.invalid("bulk write into " + table.getName() + ": ON CONFLICT DO UPDATE needs key columns, "
                        + "and the table has no primary key", table.getName());
            }
            keys = new ArrayList<>(pk.getFields());
        }
        StringBuilder s = new StringBuilder(" ON CONFLICT (");
        List<String> keyNames = new ArrayList<>();
        for (Field<?> k : keys) {
            keyNames.add(k.getName());
            s.append(keyNames.size() == 1 ? "" : ", ").append(TableShape.quote(k.getName()));
        }
        s.append(") DO UPDATE SET ");
        boolean any = false;
        for (LoadPlan.Col col : plan.columns()) {
            String name = col.column().name();
            if (keyNames.contains(name)) {
                continue;
            }
            s.append(any ? ", " : "").append(TableShape.quote(name)).append(" = EXCLUDED.")
                    .append(TableShape.quote(name));
            any = true;
        }
        if (!any) {
            throw BulkEngine.invalid("bulk write into " + table.getName() + ": ON CONFLICT DO UPDATE has no column to update "
                    + "besides the keys; use onConflictDoNothing()", table.getName());
        }
        return s.toString();
    }
}
