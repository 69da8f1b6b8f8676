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
import dev.keel.internal.Workers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jooq.Table;
import org.jooq.TableRecord;

/** Runs one bulk load: picks the strategy, validates and encodes every row, and keeps the load all-or-nothing. */
public final class BulkEngine<R extends TableRecord<R>> {
    /** Rows between two calls of the progress callback. */
    static final int PROGRESS_EVERY = 10_000;

    private final Keel keel;
    private final Table<R> table;
    private final BulkOptions<R> options;
    private final TableShapes shapes;
    private final MetricsCollector metrics;
    private final Workers workers;

    public BulkEngine(Keel keel, Table<R> table, BulkOptions<R> options, TableShapes shapes,
                      MetricsCollector metrics, Workers workers) {
        this.keel = keel;
        this.table = table;
        this.options = options;
        this.shapes = shapes;
        this.metrics = metrics;
        this.workers = workers;
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
            LoadPlan<R> plan;
            try {
                plan = LoadPlan.of(c, table, shapes, options, head.get(0));
            } catch (SQLException e) {
                throw ErrorTranslator.translate("bulk write: read the columns of " + table.getName(), e);
            }
            long written = strategy == BulkStrategy.COPY
                    ? CopyLoad.run(c, plan, rows, options.progress(), metrics, workers)
                    : new InsertLoad<>(plan, options, metrics, workers).run(c, rows);
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

    // ---- errors -----------------------------------------------------------------------------------------------

    static InvalidInputException invalid(String message, String name) {
        return new InvalidInputException(message, name);
    }
}
