package dev.keel;

import dev.keel.internal.bulk.BulkEngine;
import dev.keel.internal.bulk.BulkOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.TableRecord;

/**
 * Fast, all-or-nothing inserts of many records into one generated table. Obtain one from
 * {@link Keel#bulk(Table)}, configure it, then call {@link #load}. A writer is a reusable, immutable
 * description: each configuring method returns a new writer.
 *
 * <p><b>Columns.</b> By default the writer writes the columns set in the first record (all insertable columns
 * when the first record sets none, e.g. records read from another table); every later record must set the same
 * columns, or the load fails before anything is sent. Stored generated columns and identity-always columns are
 * never written. {@link #columns} chooses the columns explicitly; then the records' changed flags are ignored and
 * unset fields are written as NULL.
 *
 * <p><b>Validation.</b> Before any byte of a row is sent: NaN and ±Infinity are refused in float columns unless
 * {@link #allowNonFinite()}; strings longer than a {@code varchar(n)}/{@code char(n)} limit, JSON that does not
 * parse or exceeds {@link #maxJsonBytes}, and values of column types the encoder does not support are refused.
 * Each gives an {@link dev.keel.error.InvalidInput} naming the row index (0-based, in input order) and column.
 *
 * <p><b>Transactions.</b> Without {@link #in(Tx)} each load runs in its own transaction; with it, the load joins
 * the caller's transaction and commits or rolls back with it. Either way a failure leaves no row of the load behind.
 *
 * <p><b>Memory.</b> Rows are read from the input as they are sent: at most {@link #AUTO_COPY_THRESHOLD} records
 * (AUTO), one statement's chunk (MULTI_ROW) or one 64 KiB buffer (COPY) are held at a time.
 */
public final class BulkWriter<R extends TableRecord<R>> {
    /**
     * AUTO sends a load of at most this many rows as multi-row INSERTs and anything larger by COPY. Measured side
     * by side (benchmarks' {@code AutoThresholdBenchmarks}, durable embedded PostgreSQL, 2 cores): a binary COPY
     * costs about what one multi-row INSERT costs at 10 rows and less from about 50 rows on, on the graph_nodes
     * shape and on a two-column table; a COPY failure also names the exact row. Below this size the two are
     * within noise, and an INSERT keeps the statement visible to statement-level tooling.
     */
    public static final int AUTO_COPY_THRESHOLD = 20;

    /** Default cap on one JSON value, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_JSON_BYTES = 16 * 1024 * 1024;

    private final Keel keel;
    private final Table<R> table;
    private final BulkOptions<R> options;

    BulkWriter(Keel keel, Table<R> table) {
        this(keel, table, BulkOptions.defaults());
    }

    private BulkWriter(Keel keel, Table<R> table, BulkOptions<R> options) {
        this.keel = keel;
        this.table = table;
        this.options = options;
    }

    public Table<R> table() {
        return table;
    }

    /** The strategy; {@link BulkStrategy#AUTO} by default. */
    public BulkWriter<R> strategy(BulkStrategy strategy) {
        return with(options.withStrategy(Objects.requireNonNull(strategy, "strategy")));
    }

    /** Joins {@code tx} instead of running in a transaction of its own. */
    public BulkWriter<R> in(Tx tx) {
        return with(options.withTx(Objects.requireNonNull(tx, "tx")));
    }

    /** Writes exactly these columns of every record. */
    @SafeVarargs
    public final BulkWriter<R> columns(Field<?>... columns) {
        return with(options.withColumns(List.copyOf(Arrays.asList(columns))));
    }

    /** {@code ON CONFLICT DO NOTHING}: rows that collide with an existing row are skipped (multi-row only). */
    public BulkWriter<R> onConflictDoNothing() {
        return with(options.withConflict(BulkOptions.Conflict.DO_NOTHING, List.of()));
    }

    /**
     * {@code ON CONFLICT (keys) DO UPDATE SET} every other written column {@code = EXCLUDED.column}
     * (multi-row only). With no keys, the primary key.
     */
    @SafeVarargs
    public final BulkWriter<R> onConflictDoUpdate(Field<?>... keys) {
        return with(options.withConflict(BulkOptions.Conflict.DO_UPDATE, List.copyOf(Arrays.asList(keys))));
    }

    /**
     * Hands each inserted row, as PostgreSQL stored it (generated keys, defaults), to {@code sink} (multi-row
     * only). With ON CONFLICT DO NOTHING, skipped rows are not returned.
     */
    public BulkWriter<R> returning(Consumer<? super R> sink) {
        return with(options.withReturning(Objects.requireNonNull(sink, "sink")));
    }

    /** Lets NaN and ±Infinity into float columns (PostgreSQL accepts them; Keel refuses them by default). */
    public BulkWriter<R> allowNonFinite() {
        return with(options.withAllowNonFinite(true));
    }

    /** Cap on one JSON value in UTF-8 bytes; {@link #DEFAULT_MAX_JSON_BYTES} by default. */
    public BulkWriter<R> maxJsonBytes(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxJsonBytes must be positive: " + bytes);
        }
        return with(options.withMaxJsonBytes(bytes));
    }

    /** Called with the running row count as rows are sent (about every 10,000 rows, and at the end). */
    public BulkWriter<R> progress(LongConsumer rowsSoFar) {
        return with(options.withProgress(Objects.requireNonNull(rowsSoFar, "rowsSoFar")));
    }

    public BulkResult load(Iterable<? extends R> rows) {
        Objects.requireNonNull(rows, "rows");
        return load(StreamSupport.stream(rows.spliterator(), false));
    }

    /** Loads the stream, closing it afterwards. */
    public BulkResult load(Stream<? extends R> rows) {
        Objects.requireNonNull(rows, "rows");
        if (options.tx() == null && keel.hasOpenTransaction()) {
            rows.close();
            throw new IllegalStateException("A transaction is open on this thread; pass it with "
                    + "keel.bulk(table).in(tx) so the load joins it");
        }
        try (rows) {
            return new BulkEngine<>(keel, table, options, keel.tableShapes(), keel.metrics(), keel.workers()).load(rows.iterator());
        }
    }

    private BulkWriter<R> with(BulkOptions<R> o) {
        return new BulkWriter<>(keel, table, o);
    }

}
