package dev.keel.internal.bulk;

import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import dev.keel.internal.Workers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.postgresql.util.PSQLException;

/** The COPY strategy: rows encoded in PostgreSQL's binary format and streamed through pgjdbc's CopyManager. */
public final class CopyLoad {
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)");

    private CopyLoad() {
    }

    static <R extends TableRecord<R>> long run(Connection c, LoadPlan<R> plan, Rows<R> rows, LongConsumer progress,
                                               MetricsCollector metrics, Workers workers) {
        Table<R> table = plan.table();
        String sql = "COPY " + TableShape.quotedName(table) + " (" + plan.columnList() + ") FROM STDIN (FORMAT binary)";
        long started = System.nanoTime();
        CopyStream copy = null;
        try {
            copy = new CopyStream(c, sql, workers);
            int ncols = plan.size();
            while (rows.hasNext()) {
                long index = rows.count;
                R row = rows.next();
                plan.checkColumns(row, index);
                CopyBuffer buf = copy.buffer();
                int mark = buf.size();
                buf.int16(ncols);
                for (LoadPlan.Col col : plan.columns()) {
                    Object v = plan.value(row, col);
                    if (v == null) {
                        buf.nullField();
                    } else {
                        try {
                            col.codec().write(v, buf);
                        } catch (BadValue e) {
                            buf.truncate(mark);
                            throw plan.badValue(index, col, e);
                        }
                    }
                }
                copy.endRow();
                if (rows.count % BulkEngine.PROGRESS_EVERY == 0) {
                    progress.accept(rows.count);
                }
            }
            long n = copy.finish("bulk COPY into " + table.getName());
            metrics.record(System.nanoTime() - started);
            return n;
        } catch (SQLException e) {
            cancel(copy);
            throw ErrorTranslator.translate("bulk COPY into " + TableShape.quotedName(table) + failingRow(e), e);
        } catch (RuntimeException | Error e) {
            cancel(copy);
            throw e;
        }
    }

    private static void cancel(CopyStream copy) {
        if (copy != null) {
            copy.cancel();
        }
    }

    /** ", row N of the input" when PostgreSQL names the COPY line (1-based) that failed. */
    private static String failingRow(SQLException e) {
        long row = failedRow(e);
        return row < 0 ? "" : ", row " + row + " of the input (0-based)";
    }

    /** The 0-based input row of a failed COPY, from the line PostgreSQL names; -1 when it names none. */
    public static long failedRow(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null
                    && p.getServerErrorMessage().getWhere() != null) {
                Matcher m = COPY_LINE.matcher(p.getServerErrorMessage().getWhere());
                if (m.find()) {
                    return Long.parseLong(m.group(1)) - 1;
                }
            }
        }
        return -1;
    }
}
