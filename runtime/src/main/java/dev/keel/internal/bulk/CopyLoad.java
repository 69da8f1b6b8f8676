package dev.keel.internal.bulk;

import dev.keel.KeelException;
import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.MetricsCollector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;

/** The COPY strategy: rows encoded in PostgreSQL's binary format and streamed through pgjdbc's CopyManager. */
public final class CopyLoad {
    /** Bytes of encoded rows collected before they are handed to the driver. */
    static final int FLUSH_BYTES = 64 * 1024;
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)");

    private CopyLoad() {
    }

    static <R extends TableRecord<R>> long run(Connection c, LoadPlan<R> plan, Rows<R> rows, LongConsumer progress,
                                               MetricsCollector metrics) {
        Table<R> table = plan.table();
        String sql = "COPY " + TableShape.quotedName(table) + " (" + plan.columnList() + ") FROM STDIN (FORMAT binary)";
        CopyBuffer buf = new CopyBuffer(FLUSH_BYTES + 8 * 1024);
        long started = System.nanoTime();
        CopyIn in = null;
        try {
            in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            buf.header();
            int ncols = plan.size();
            while (rows.hasNext()) {
                long index = rows.count;
                R row = rows.next();
                plan.checkColumns(row, index);
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
                if (buf.size() >= FLUSH_BYTES) {
                    in.writeToCopy(buf.array(), 0, buf.size());
                    buf.clear();
                }
                if (rows.count % BulkEngine.PROGRESS_EVERY == 0) {
                    progress.accept(rows.count);
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
