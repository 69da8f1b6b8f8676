package dev.keel.internal.bulk;

import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import dev.keel.internal.Workers;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;

/**
 * The multi-row strategy, {@link #MAX_ROWS_PER_INSERT} rows per statement.
 *
 * <p>When no column holds arrays, each statement is
 * {@code INSERT … SELECT u.c0, u.c1::t1, … FROM unnest(?::t0[], ?::text[], …) AS u(c0, c1, …)}, with one array
 * parameter per column, so PostgreSQL binds a handful of parameters instead of thousands. Numbers, booleans and
 * uuids travel as arrays of their own type. Every other type travels as a text array and is cast row by row in the
 * select list, where PostgreSQL frees each value's parsing memory after its row. Casting the whole array instead
 * ({@code ?::jsonb[]}) keeps every document's parse garbage until the statement ends: megabytes per statement,
 * which the server returns to the OS and faults in again, a fifth of its time on the graph tables. Rows are gathered
 * {@value #STATEMENTS_PER_BATCH} statements at a time and sent as one JDBC batch, which the driver pipelines:
 * PostgreSQL starts each statement as soon as it arrives.
 *
 * <p>When a column holds arrays (unnest would flatten them), each statement is {@code INSERT … VALUES (…), (…)},
 * always under the bind-parameter limit.
 *
 * <p>One group of statements runs on a worker thread while the caller gathers the next; see {@link #run}.
 */
final class InsertLoad<R extends TableRecord<R>> {
    /** Rows per multi-row INSERT; more costs planning time without saving round trips. */
    static final int MAX_ROWS_PER_INSERT = 1000;
    /**
     * Unnest statements per JDBC batch. One statement at a time left PostgreSQL waiting for the client between
     * statements; on 1M graph rows, 4 per batch ran at 1.7–2.0 times addBatch's speed, 8 at 2.0–2.4, 16 no faster.
     */
    static final int STATEMENTS_PER_BATCH = 8;
    /** pgjdbc's and PostgreSQL's limit on bind parameters in one statement. */
    static final int MAX_BIND_PARAMETERS = 65_535;

    private final Table<R> table;
    private final LoadPlan<R> plan;
    private final BulkOptions<R> options;
    private final MetricsCollector metrics;
    /** Runs statements while the next one is gathered; null runs everything on the calling thread. */
    private final Workers workers;
    /** Whether statements unnest one array per column (no column holds arrays) rather than list VALUES. */
    private final boolean unnest;
    /**
     * For unnest, per column: the element type of the array sent (its own type, or {@code text}), and the Java
     * class of that array's elements.
     */
    private final String[] elementTypes;
    private final Class<?>[] elementClasses;

    InsertLoad(LoadPlan<R> plan, BulkOptions<R> options, MetricsCollector metrics, Workers workers) {
        this.table = plan.table();
        this.plan = plan;
        this.options = options;
        this.metrics = metrics;
        this.workers = workers;
        this.unnest = plan.columns().stream().allMatch(c -> c.column().scalarType() != null);
        this.elementTypes = new String[plan.size()];
        this.elementClasses = new Class<?>[plan.size()];
        for (int k = 0; k < plan.size(); k++) {
            String nativeType = nativeArrayType(plan.columns().get(k).codec());
            elementTypes[k] = nativeType == null ? "text" : nativeType;
            elementClasses[k] = nativeType == null ? String.class : NATIVE_ARRAYS.get(nativeType);
        }
    }

    /**
     * Validates and gathers the rows of one group while the group before it runs on a worker thread, so the
     * client's share of the work overlaps PostgreSQL's. Only one group is in flight, and the connection is used by
     * one thread at a time. Without workers, or with {@code returning(..)} (whose sink is called on the caller's
     * thread), every statement runs on the calling thread.
     */
    long run(Connection c, Rows<R> rows) {
        int ncols = plan.size();
        boolean returning = options.returning() != null;
        int perStatement = unnest ? MAX_ROWS_PER_INSERT
                : Math.max(1, Math.min(MAX_ROWS_PER_INSERT, MAX_BIND_PARAMETERS / ncols));
        int perGroup = unnest && !returning ? STATEMENTS_PER_BATCH * perStatement : perStatement;
        boolean pipelined = workers != null && !returning;
        // Unnest groups are copied into arrays before they run, so one buffer serves; VALUES groups are bound on
        // the worker from the buffer itself, so the next one is gathered into the other.
        Object[][] buffers = {new Object[perGroup * ncols], pipelined && !unnest ? new Object[perGroup * ncols] : null};
        int current = 0;
        CopyBuffer scratch = new CopyBuffer(1024);
        PreparedStatement full = null;
        Future<Long> inFlight = null;
        long written = 0;
        try {
            int inGroup = 0;
            long groupStart = 0;
            while (rows.hasNext()) {
                Object[] values = buffers[current];
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
                    values[inGroup * ncols + k] = v;
                }
                inGroup++;
                if (inGroup == perGroup) {
                    if (full == null) {
                        full = c.prepareStatement(insertSql(perStatement)); // nothing is in flight yet
                    }
                    Group group = group(c, values, perGroup, groupStart);
                    if (pipelined) {
                        written += inFlight == null ? 0 : Workers.await(inFlight);
                        PreparedStatement ps = full;
                        inFlight = workers.submit(() -> execute(ps, group));
                        current = buffers[1] == null ? 0 : current ^ 1;
                    } else {
                        written += execute(full, group);
                    }
                    groupStart += inGroup;
                    inGroup = 0;
                    if (rows.count % BulkEngine.PROGRESS_EVERY < perGroup) {
                        options.progress().accept(rows.count);
                    }
                }
            }
            if (inFlight != null) {
                Future<Long> last = inFlight;
                inFlight = null;
                written += Workers.await(last);
            }
            if (inGroup > 0) {
                Group group = group(c, buffers[current], inGroup, groupStart);
                if (unnest && full != null) {
                    written += execute(full, group); // the same SQL for any row count
                } else {
                    try (PreparedStatement last = c.prepareStatement(insertSql(Math.min(inGroup, perStatement)))) {
                        written += execute(last, group);
                    }
                }
            }
            return written;
        } catch (SQLException e) {
            throw ErrorTranslator.translate("bulk INSERT into " + TableShape.quotedName(table), e);
        } finally {
            if (inFlight != null) {
                // A failure here: the caller rolls back, and the group in flight must be done with the connection
                // first. Its own outcome no longer matters.
                try {
                    Workers.await(inFlight);
                } catch (SQLException | RuntimeException ignored) {
                    // the first failure is the one reported
                }
            }
            if (full != null) {
                try {
                    full.close();
                } catch (SQLException ignored) {
                    // closing a statement on a broken connection
                }
            }
        }
    }

    /**
     * Gathered rows ready to run: {@code nrows} rows, the first of which is row {@code firstRow} of the input. For
     * unnest, {@code arrays} holds each statement's column arrays, copied out of the gathering buffer; for VALUES,
     * {@code values} is that buffer, {@code ncols} values per row.
     */
    private record Group(long firstRow, int nrows, Object[] values, Array[][] arrays) {
    }

    private Group group(Connection c, Object[] values, int nrows, long firstRow) throws SQLException {
        if (!unnest) {
            return new Group(firstRow, nrows, values, null);
        }
        Array[][] arrays = new Array[(nrows + MAX_ROWS_PER_INSERT - 1) / MAX_ROWS_PER_INSERT][];
        for (int s = 0; s < arrays.length; s++) {
            int from = s * MAX_ROWS_PER_INSERT;
            arrays[s] = arrays(c, values, from, Math.min(MAX_ROWS_PER_INSERT, nrows - from));
        }
        return new Group(firstRow, nrows, null, arrays);
    }

    /**
     * Runs a group's statements. Unnest statements of {@link #MAX_ROWS_PER_INSERT} rows each go out as one JDBC
     * batch, so PostgreSQL runs each as soon as it arrives while the driver is still sending the next.
     */
    private long execute(PreparedStatement ps, Group group) {
        long started = System.nanoTime();
        try {
            long n = 0;
            int statements = statementsIn(group);
            if (options.returning() != null) {
                bind(ps, group, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    for (R back : DSL.using(ps.getConnection(), SQLDialect.POSTGRES).fetch(rs).into(table)) {
                        options.returning().accept(back);
                        n++;
                    }
                }
            } else if (statements == 1) {
                bind(ps, group, 0);
                n = ps.executeUpdate();
            } else {
                for (int s = 0; s < statements; s++) {
                    bind(ps, group, s);
                    ps.addBatch();
                }
                for (int count : ps.executeBatch()) {
                    n += count;
                }
            }
            metrics.record(System.nanoTime() - started);
            return n;
        } catch (SQLException e) {
            long first = group.firstRow();
            int length = group.nrows();
            int failed = e instanceof BatchUpdateException b ? failedEntry(b, statementsIn(group)) : -1;
            if (failed >= 0) {
                first += (long) failed * MAX_ROWS_PER_INSERT;
                length = Math.min(MAX_ROWS_PER_INSERT, group.nrows() - failed * MAX_ROWS_PER_INSERT);
            }
            String rowsLabel = length == 1 ? ", row " + first + " of the input (0-based)"
                    : ", in rows " + first + "–" + (first + length - 1) + " of the input (0-based)";
            throw ErrorTranslator.translate("bulk INSERT into " + TableShape.quotedName(table) + rowsLabel, e);
        }
    }

    private static int statementsIn(Group group) {
        return group.arrays() == null ? 1 : group.arrays().length;
    }

    private static final Pattern BATCH_ENTRY = Pattern.compile("^Batch entry (\\d+) ");

    /**
     * The index of the batch's statement that failed, or -1 when unknown. Inside a transaction pgjdbc marks every
     * entry {@link Statement#EXECUTE_FAILED} (none is kept), so the index is read from its message, which names the
     * entry; when the message is translated, the whole group's rows are named instead.
     */
    private static int failedEntry(BatchUpdateException e, int statements) {
        Matcher m = e.getMessage() == null ? null : BATCH_ENTRY.matcher(e.getMessage());
        if (m == null || !m.find()) {
            return -1;
        }
        try {
            int entry = Integer.parseInt(m.group(1));
            return entry < statements ? entry : -1;
        } catch (NumberFormatException tooLong) {
            return -1;
        }
    }

    /** Binds statement {@code s} of the group. */
    private void bind(PreparedStatement ps, Group group, int s) throws SQLException {
        if (group.arrays() != null) {
            Array[] arrays = group.arrays()[s];
            for (int k = 0; k < arrays.length; k++) {
                ps.setArray(k + 1, arrays[k]);
            }
        } else {
            bindValues(ps, group.values(), group.nrows());
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
     * Column arrays of rows {@code from} to {@code from + nrows - 1} of a gathering buffer, one per column: numbers,
     * booleans and uuids as arrays of their own type (the driver sends the numbers in binary), every other type as a
     * text array of its values' text form, which the statement casts to the column's type row by row. Only built-in
     * array types are made, which the driver knows without asking the server, so this may run while another
     * thread's statement is in flight on the connection.
     */
    private Array[] arrays(Connection c, Object[] values, int from, int nrows) throws SQLException {
        int ncols = plan.size();
        Array[] out = new Array[ncols];
        for (int k = 0; k < ncols; k++) {
            Codec codec = plan.columns().get(k).codec();
            boolean asText = elementClasses[k] == String.class;
            Object[] column = (Object[]) java.lang.reflect.Array.newInstance(elementClasses[k], nrows);
            for (int r = 0; r < nrows; r++) {
                Object v = values[(from + r) * ncols + k];
                column[r] = v == null || !asText ? v : codec.text(v);
            }
            out[k] = c.createArrayOf(elementTypes[k], column);
        }
        return out;
    }

    /**
     * Element types sent as arrays of their own type, with the Java class of their values; pgjdbc encodes the
     * numbers' and booleans' arrays in binary.
     */
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
            StringBuilder arrays = new StringBuilder();
            StringBuilder aliases = new StringBuilder();
            sql.append(" SELECT ");
            for (int k = 0; k < plan.size(); k++) {
                LoadPlan.Col col = plan.columns().get(k);
                String sep = k == 0 ? "" : ", ";
                boolean asText = elementClasses[k] == String.class;
                sql.append(sep).append("u.c").append(k);
                if (asText) {
                    sql.append("::").append(col.column().scalarType());
                }
                arrays.append(sep).append("?::").append(asText ? "text" : col.column().scalarType()).append("[]");
                aliases.append(sep).append('c').append(k);
            }
            sql.append(" FROM unnest(").append(arrays).append(") AS u(").append(aliases).append(')');
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
