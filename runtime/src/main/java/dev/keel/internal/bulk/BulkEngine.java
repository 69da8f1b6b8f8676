package dev.keel.internal.bulk;

import dev.keel.BulkResult;
import dev.keel.BulkStrategy;
import dev.keel.BulkWriter;
import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.Savepoint;
import dev.keel.Tx;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Converter;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;

/** Runs one bulk load: picks the strategy, validates and encodes every row, and keeps the load all-or-nothing. */
public final class BulkEngine<R extends TableRecord<R>> {
    /** Bytes of encoded rows collected before they are handed to the driver. */
    static final int COPY_FLUSH_BYTES = 64 * 1024;
    /** Rows per multi-row INSERT; more costs planning time without saving round trips (see MEASUREMENTS). */
    static final int MAX_ROWS_PER_INSERT = 1000;
    /** pgjdbc's and PostgreSQL's limit on bind parameters in one statement. */
    static final int MAX_BIND_PARAMETERS = 65_535;
    private static final int PROGRESS_EVERY = 10_000;
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)");

    private final Keel keel;
    private final Table<R> table;
    private final BulkOptions<R> options;
    private final TableShapes shapes;
    private final MetricsCollector metrics;

    public BulkEngine(Keel keel, Table<R> table, BulkOptions<R> options, TableShapes shapes,
                      MetricsCollector metrics) {
        this.keel = keel;
        this.table = table;
        this.options = options;
        this.shapes = shapes;
        this.metrics = metrics;
    }

    public BulkResult load(Iterator<? extends R> input) {
        long start = System.nanoTime();
        BulkStrategy strategy = options.strategy();
        if (options.needsInsert()) {
            if (strategy == BulkStrategy.COPY) {
                throw new InvalidInputException("bulk write into " + table.getName() + ": COPY cannot do ON "
                        + "CONFLICT or RETURNING; use MULTI_ROW or AUTO", "strategy");
            }
            strategy = BulkStrategy.MULTI_ROW;
        }
        List<R> head = new ArrayList<>();
        if (strategy == BulkStrategy.AUTO) {
            while (head.size() <= BulkWriter.AUTO_COPY_THRESHOLD && input.hasNext()) {
                head.add(input.next());
            }
            strategy = head.size() > BulkWriter.AUTO_COPY_THRESHOLD ? BulkStrategy.COPY : BulkStrategy.MULTI_ROW;
        } else if (input.hasNext()) {
            head.add(input.next());
        }
        if (!head.isEmpty() && head.get(0) == null) {
            throw new InvalidInputException("bulk write: row 0 is null", "row");
        }
        if (head.isEmpty()) {
            return new BulkResult(0, strategy, Duration.ofNanos(System.nanoTime() - start));
        }
        Rows<R> rows = new Rows<>(head, input);
        Tx tx = options.tx();
        boolean own = tx == null;
        if (own) {
            tx = keel.begin();
        }
        Savepoint savepoint = null;
        try {
            if (!own) {
                savepoint = tx.savepoint("keel_bulk_load");
            }
            Connection c = tx.connection();
            Plan<R> plan;
            try {
                plan = plan(c, head.get(0));
            } catch (SQLException e) {
                throw ErrorTranslator.translate("bulk write: read the columns of " + table.getName(), e);
            }
            long written = strategy == BulkStrategy.COPY ? copy(c, plan, rows) : insert(c, plan, rows);
            if (own) {
                tx.commit();
            } else {
                tx.release(savepoint);
            }
            options.progress().accept(rows.count);
            return new BulkResult(written, strategy, Duration.ofNanos(System.nanoTime() - start));
        } catch (Throwable t) {
            if (!own && savepoint != null && tx.isActive()) {
                try {
                    tx.rollbackTo(savepoint);
                    tx.release(savepoint);
                } catch (RuntimeException ignored) {
                    // the connection is gone; the caller's transaction fails with it
                }
            }
            if (t instanceof KeelException k) {
                metrics.failed(k.category());
            }
            throw t;
        } finally {
            if (own) {
                tx.close();
            }
        }
    }

    // ---- planning ---------------------------------------------------------------------------------------------

    /** The columns a load writes, in order, with how to read and encode each. */
    record Plan<R>(List<Col> columns, boolean[] expectedChanged, boolean[] unwritable, String columnList) {
        int size() {
            return columns.size();
        }
    }

    record Col(Field<?> field, int index, TableShape.Column column, Converter<Object, Object> converter) {
        Codec codec() {
            return column.codec();
        }
    }

    private Plan<R> plan(Connection c, R first) throws SQLException {
        TableShape shape = shapes.get(c, table, options.allowNonFinite(), options.maxJsonBytes());
        Field<?>[] fields = table.fields();
        List<Col> cols = new ArrayList<>();
        boolean[] expected = null;
        boolean[] unwritable = new boolean[fields.length];
        if (!options.columns().isEmpty()) {
            for (Field<?> f : options.columns()) {
                int index = table.indexOf(f);
                if (index < 0) {
                    throw invalid("column " + f.getName() + " is not a column of " + table.getName(), f.getName());
                }
                TableShape.Column col = catalogColumn(shape, fields[index]);
                if (!col.writable()) {
                    throw invalid("column " + f.getName() + " is generated or identity ALWAYS and cannot be written",
                            f.getName());
                }
                cols.add(col(fields[index], index, col));
            }
        } else {
            boolean anyChanged = false;
            for (int i = 0; i < fields.length; i++) {
                anyChanged |= first.changed(i);
            }
            if (anyChanged) {
                expected = new boolean[fields.length];
            }
            for (int i = 0; i < fields.length; i++) {
                TableShape.Column col = catalogColumn(shape, fields[i]);
                if (!col.writable()) {
                    unwritable[i] = true;
                    continue;
                }
                if (anyChanged) {
                    expected[i] = first.changed(i);
                    if (!expected[i]) {
                        continue;
                    }
                }
                cols.add(col(fields[i], i, col));
            }
        }
        if (cols.isEmpty()) {
            throw invalid("bulk write into " + table.getName() + ": no writable column is set", table.getName());
        }
        for (Col col : cols) {
            if (col.codec() == null) {
                throw invalid("bulk write into " + table.getName() + ": column " + col.field().getName()
                        + " has type " + col.column().typname() + ", which bulk writes do not support; "
                        + "leave it out with columns(...) or insert these rows with jOOQ", col.field().getName());
            }
        }
        StringBuilder list = new StringBuilder();
        for (Col col : cols) {
            list.append(list.length() == 0 ? "" : ", ").append(TableShape.quote(col.column().name()));
        }
        return new Plan<>(List.copyOf(cols), expected, unwritable, list.toString());
    }

    private TableShape.Column catalogColumn(TableShape shape, Field<?> field) {
        TableShape.Column col = shape.column(field.getName());
        if (col == null) {
            throw invalid("bulk write into " + shape.qualifiedName() + ": the generated class has column "
                    + field.getName() + " but the database table does not; regenerate the classes", field.getName());
        }
        return col;
    }

    @SuppressWarnings("unchecked")
    private static Col col(Field<?> field, int index, TableShape.Column column) {
        Converter<Object, Object> converter = (Converter<Object, Object>) field.getConverter();
        boolean identity = converter == null || converter.fromType() == converter.toType();
        return new Col(field, index, column, identity ? null : converter);
    }

    /** The database value of {@code col} in {@code row}, after checking the row writes the same columns as the first. */
    private Object value(R row, Col col) {
        Object v = row.get(col.index());
        return v == null || col.converter() == null ? v : col.converter().to(v);
    }

    private void checkColumns(Plan<R> plan, R row, long index) {
        boolean[] expected = plan.expectedChanged();
        if (expected == null) {
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            if (row.changed(i) != expected[i] && !plan.unwritable()[i]) {
                Field<?> f = table.field(i);
                throw invalid("bulk write into " + table.getName() + ": row " + index + (row.changed(i)
                        ? " sets column " + f.getName() + ", which row 0 left unset"
                        : " leaves column " + f.getName() + " unset, which row 0 set")
                        + "; every row of a load writes the same columns (or choose them with columns(...))",
                        f.getName());
            }
        }
    }

    // ---- COPY -------------------------------------------------------------------------------------------------

    private long copy(Connection c, Plan<R> plan, Rows<R> rows) {
        String sql = "COPY " + TableShape.quotedName(table) + " (" + plan.columnList() + ") FROM STDIN (FORMAT binary)";
        CopyBuffer buf = new CopyBuffer(COPY_FLUSH_BYTES + 8 * 1024);
        long started = System.nanoTime();
        CopyIn in = null;
        try {
            in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            buf.header();
            int ncols = plan.size();
            while (rows.hasNext()) {
                long index = rows.count;
                R row = rows.next();
                checkColumns(plan, row, index);
                int mark = buf.size();
                buf.int16(ncols);
                for (Col col : plan.columns()) {
                    Object v = value(row, col);
                    if (v == null) {
                        buf.nullField();
                    } else {
                        try {
                            col.codec().write(v, buf);
                        } catch (BadValue e) {
                            buf.truncate(mark);
                            throw badValue(index, col, e);
                        }
                    }
                }
                if (buf.size() >= COPY_FLUSH_BYTES) {
                    in.writeToCopy(buf.array(), 0, buf.size());
                    buf.clear();
                }
                if (rows.count % PROGRESS_EVERY == 0) {
                    options.progress().accept(rows.count);
                }
            }
            buf.trailer();
            in.writeToCopy(buf.array(), 0, buf.size());
            long n = in.endCopy();
            metrics.record(System.nanoTime() - started);
            if (n != rows.count) {
                throw new KeelException("bulk COPY into " + table.getName() + ": PostgreSQL stored " + n
                        + " rows of " + rows.count + " sent", null, null);
            }
            return n;
        } catch (SQLException e) {
            cancel(in);
            throw ErrorTranslator.translate("bulk COPY into " + TableShape.quotedName(table) + failingRow(e), e);
        } catch (RuntimeException | Error e) {
            cancel(in);
            throw e;
        }
    }

    private static void cancel(CopyIn in) {
        if (in != null && in.isActive()) {
            try {
                in.cancelCopy();
            } catch (SQLException ignored) {
                // the connection is broken; the transaction is lost with it
            }
        }
    }

    /** ", row N of the input" when PostgreSQL names the COPY line (1-based) that failed. */
    private static String failingRow(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null
                    && p.getServerErrorMessage().getWhere() != null) {
                Matcher m = COPY_LINE.matcher(p.getServerErrorMessage().getWhere());
                if (m.find()) {
                    return ", row " + (Long.parseLong(m.group(1)) - 1) + " of the input (0-based)";
                }
            }
        }
        return "";
    }

    // ---- multi-row INSERT -------------------------------------------------------------------------------------

    private long insert(Connection c, Plan<R> plan, Rows<R> rows) {
        int ncols = plan.size();
        int perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, MAX_BIND_PARAMETERS / ncols));
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
                checkColumns(plan, row, index);
                for (int k = 0; k < ncols; k++) {
                    Col col = plan.columns().get(k);
                    Object v = value(row, col);
                    if (v != null) {
                        scratch.clear();
                        try {
                            col.codec().write(v, scratch);
                        } catch (BadValue e) {
                            throw badValue(index, col, e);
                        }
                    }
                    chunk[inChunk * ncols + k] = v;
                }
                inChunk++;
                if (inChunk == perStatement) {
                    if (full == null) {
                        full = c.prepareStatement(insertSql(plan, perStatement));
                    }
                    written += execute(full, plan, chunk, inChunk, chunkStart);
                    chunkStart += inChunk;
                    inChunk = 0;
                    if (rows.count % PROGRESS_EVERY < perStatement) {
                        options.progress().accept(rows.count);
                    }
                }
            }
            if (inChunk > 0) {
                try (PreparedStatement last = c.prepareStatement(insertSql(plan, inChunk))) {
                    written += execute(last, plan, chunk, inChunk, chunkStart);
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

    private long execute(PreparedStatement ps, Plan<R> plan, Object[] chunk, int nrows, long firstRow) {
        int ncols = plan.size();
        long started = System.nanoTime();
        try {
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

    private String insertSql(Plan<R> plan, int nrows) {
        StringBuilder sql = new StringBuilder(64 + nrows * plan.size() * 4);
        sql.append("INSERT INTO ").append(TableShape.quotedName(table)).append(" (").append(plan.columnList())
                .append(") VALUES ");
        StringBuilder tuple = new StringBuilder("(");
        for (int k = 0; k < plan.size(); k++) {
            tuple.append(k == 0 ? "?" : ", ?").append(plan.columns().get(k).codec().cast());
        }
        tuple.append(')');
        for (int r = 0; r < nrows; r++) {
            sql.append(r == 0 ? "" : ", ").append(tuple);
        }
        switch (options.conflict()) {
            case DO_NOTHING -> sql.append(" ON CONFLICT DO NOTHING");
            case DO_UPDATE -> sql.append(onConflictUpdate(plan));
            case FAIL -> { }
        }
        if (options.returning() != null) {
            sql.append(" RETURNING *");
        }
        return sql.toString();
    }

    private String onConflictUpdate(Plan<R> plan) {
        List<Field<?>> keys = options.conflictKeys();
        if (keys.isEmpty()) {
            UniqueKey<R> pk = table.getPrimaryKey();
            if (pk == null) {
                throw invalid("bulk write into " + table.getName() + ": ON CONFLICT DO UPDATE needs key columns, "
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
        for (Col col : plan.columns()) {
            String name = col.column().name();
            if (keyNames.contains(name)) {
                continue;
            }
            s.append(any ? ", " : "").append(TableShape.quote(name)).append(" = EXCLUDED.")
                    .append(TableShape.quote(name));
            any = true;
        }
        if (!any) {
            throw invalid("bulk write into " + table.getName() + ": ON CONFLICT DO UPDATE has no column to update "
                    + "besides the keys; use onConflictDoNothing()", table.getName());
        }
        return s.toString();
    }

    // ---- errors -----------------------------------------------------------------------------------------------

    private InvalidInputException badValue(long index, Col col, BadValue e) {
        return invalid("bulk write into " + table.getName() + ": row " + index + " (0-based), column "
                + col.field().getName() + " (" + col.codec().typeName() + "): " + e.getMessage(),
                col.field().getName());
    }

    private static InvalidInputException invalid(String message, String name) {
        return new InvalidInputException(message, name);
    }

    /** The buffered head of the input, then the rest, counting rows as they are taken. */
    private static final class Rows<R> implements Iterator<R> {
        private final List<R> head;
        private final Iterator<? extends R> rest;
        private int headIndex;
        long count;

        Rows(List<R> head, Iterator<? extends R> rest) {
            this.head = head;
            this.rest = rest;
        }

        @Override
        public boolean hasNext() {
            return headIndex < head.size() || rest.hasNext();
        }

        @Override
        public R next() {
            R r;
            if (headIndex < head.size()) {
                r = head.get(headIndex);
                head.set(headIndex++, null); // let sent rows go
            } else if (rest.hasNext()) {
                r = rest.next();
            } else {
                throw new NoSuchElementException();
            }
            if (r == null) {
                throw new InvalidInputException("bulk write: row " + count + " is null", "row");
            }
            count++;
            return r;
        }
    }
}
