package dev.keel.benchmarks;

import dev.keel.BulkResult;
import dev.keel.BulkStrategy;
import dev.keel.Keel;
import dev.keel.benchmarks.data.BinaryCopyWriter;
import dev.keel.benchmarks.data.Shape;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.Loader;
import org.jooq.SQLDialect;
import org.jooq.TableRecord;
import org.jooq.impl.DSL;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Ways to insert {@code rows} rows into an empty table, each in one transaction that commits at the end. One
 * operation is one whole load; the table is emptied before and its row count checked after every operation,
 * outside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class InsertBenchmarks {
    /** Rows per JDBC batch, per jOOQ batch and per Loader statement: 1000 beat larger sizes on this workload. */
    static final int BATCH = 1000;

    @Param({"nodes", "edges", "narrow"})
    public String shape;

    @Param({"100", "10000", "1000000"})
    public int rows;

    private Shape<?> s;
    private Connection conn;
    private DSLContext dsl;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        s = Shape.named(shape);
        conn = TargetDatabase.connect();
        dsl = DSL.using(conn, SQLDialect.POSTGRES);
    }

    @Setup(Level.Invocation)
    public void emptyTable() throws SQLException {
        TargetDatabase.empty(conn, s.qualifiedName(), rows);
    }

    @TearDown(Level.Invocation)
    public void verifyRowCount() throws SQLException {
        TargetDatabase.expectRows("rows in " + s.qualifiedName() + " after the load", rows,
                TargetDatabase.count(conn, "SELECT count(*) FROM " + s.qualifiedName()));
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        conn.close();
    }

    /** One {@code executeUpdate} per row. */
    @Benchmark
    public void singleRowInsert() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(s.insertSql())) {
            for (int i = 0; i < rows; i++) {
                s.bind(ps, i, rows);
                ps.executeUpdate();
            }
        }
        conn.commit();
    }

    /** {@code addBatch}, {@code executeBatch} every {@value #BATCH} rows. */
    @Benchmark
    public void jdbcBatch() throws SQLException {
        batch(conn);
    }

    /** The same on a connection with {@code reWriteBatchedInserts=true}: pgjdbc folds each batch into multi-row INSERTs. */
    @Benchmark
    public void jdbcBatchRewritten(RewritingConnection rewriting) throws SQLException {
        batch(rewriting.conn);
    }

    private void batch(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(s.insertSql())) {
            for (int i = 0; i < rows; i++) {
                s.bind(ps, i, rows);
                ps.addBatch();
                if ((i + 1) % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            if (rows % BATCH != 0) {
                ps.executeBatch();
            }
        }
        c.commit();
    }

    /** {@code DSLContext.batchInsert} of generated records, {@value #BATCH} at a time. */
    @Benchmark
    public void jooqBatchInsert() throws SQLException {
        List<TableRecord<?>> chunk = new ArrayList<>(BATCH);
        for (int i = 0; i < rows; i++) {
            chunk.add(s.record(i, rows));
            if (chunk.size() == BATCH) {
                dsl.batchInsert(chunk).execute();
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            dsl.batchInsert(chunk).execute();
        }
        conn.commit();
    }

    /** jOOQ's Loader API: {@value #BATCH}-row INSERTs ({@code bulkAfter}), ten per JDBC batch ({@code batchAfter}). */
    @Benchmark
    public void jooqLoader() throws Exception {
        Loader<?> loader = dsl.loadInto(s.table())
                .bulkAfter(BATCH)
                .batchAfter(10)
                .commitNone()
                .onErrorAbort()
                .loadArrays(IntStream.range(0, rows).mapToObj(i -> s.values(i, rows)).iterator())
                .fields(s.table().fields())
                .execute();
        if (!loader.errors().isEmpty()) {
            throw new IllegalStateException("jOOQ Loader: " + loader.errors().get(0).exception());
        }
        TargetDatabase.expectRows("jOOQ Loader stored", rows, loader.stored());
        conn.commit();
    }

    /** pgjdbc's CopyManager with COPY text format, built in a StringBuilder and sent in 64 KiB pieces. */
    @Benchmark
    public void copyText() throws SQLException {
        CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + s.qualifiedName() + " (" + s.columnList() + ") FROM STDIN");
        StringBuilder text = new StringBuilder(80 * 1024);
        for (int i = 0; i < rows; i++) {
            s.appendText(text, i, rows);
            if (text.length() >= 64 * 1024) {
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                text.setLength(0);
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        TargetDatabase.expectRows("COPY text reported", rows, copy.endCopy());
        conn.commit();
    }

    /** pgjdbc's CopyManager with COPY binary format: the fastest way in, and the yardstick of the table. */
    @Benchmark
    public void copyBinary() throws SQLException {
        BinaryCopyWriter out = new BinaryCopyWriter(conn.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + s.qualifiedName() + " (" + s.columnList() + ") FROM STDIN (FORMAT binary)"));
        for (int i = 0; i < rows; i++) {
            s.writeBinary(out, i, rows);
        }
        TargetDatabase.expectRows("COPY binary reported", rows, out.finish());
        conn.commit();
    }

    /** {@code keel.bulk(table).strategy(MULTI_ROW)}. */
    @Benchmark
    public BulkResult keelMultiRow(KeelHandle keel) {
        return keelLoad(keel.keel, s, BulkStrategy.MULTI_ROW);
    }

    /** {@code keel.bulk(table).strategy(COPY)}. */
    @Benchmark
    public BulkResult keelCopy(KeelHandle keel) {
        return keelLoad(keel.keel, s, BulkStrategy.COPY);
    }

    /** {@code keel.bulk(table)}: AUTO picks multi-row INSERTs or COPY by the load's size. */
    @Benchmark
    public BulkResult keelAuto(KeelHandle keel) {
        return keelLoad(keel.keel, s, BulkStrategy.AUTO);
    }

    private <R extends TableRecord<R>> BulkResult keelLoad(Keel keel, Shape<R> shape, BulkStrategy strategy) {
        BulkResult result = keel.bulk(shape.table())
                .strategy(strategy)
                .columns(shape.table().fields())
                .load(IntStream.range(0, rows).mapToObj(i -> shape.record(i, rows)));
        TargetDatabase.expectRows("Keel " + strategy + " reported", rows, result.rows());
        return result;
    }

    /** A second connection, made only for the benchmark that uses it. */
    @State(Scope.Thread)
    public static class RewritingConnection {
        Connection conn;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            conn = TargetDatabase.connectRewritingBatches();
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            conn.close();
        }
    }
}
