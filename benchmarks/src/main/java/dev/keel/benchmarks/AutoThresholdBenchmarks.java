package dev.keel.benchmarks;

import dev.keel.BulkResult;
import dev.keel.BulkStrategy;
import dev.keel.BulkWriter;
import dev.keel.benchmarks.data.Shape;
import dev.keel.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jooq.TableRecord;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Where {@link BulkWriter#AUTO_COPY_THRESHOLD} comes from: Keel's two strategies side by side on small loads,
 * each a whole transaction into an empty table. Not part of the runner's plan; run it on its own (durable
 * embedded PostgreSQL, about three minutes):
 *
 * <pre>java -cp benchmarks/target/keel-benchmarks.jar dev.keel.benchmarks.AutoThresholdBenchmarks</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AutoThresholdBenchmarks {
    @Param({"nodes", "narrow"})
    public String shape;

    @Param({"10", "50", "100", "250", "500", "1000"})
    public int rows;

    private Shape<?> s;
    private Connection conn;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        s = Shape.named(shape);
        conn = TargetDatabase.connect();
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

    @Benchmark
    public BulkResult multiRow(KeelHandle keel) {
        return load(keel, s, BulkStrategy.MULTI_ROW);
    }

    @Benchmark
    public BulkResult copy(KeelHandle keel) {
        return load(keel, s, BulkStrategy.COPY);
    }

    private <R extends TableRecord<R>> BulkResult load(KeelHandle keel, Shape<R> shape, BulkStrategy strategy) {
        BulkResult r = keel.keel.bulk(shape.table()).strategy(strategy)
                .load(IntStream.range(0, rows).mapToObj(i -> shape.record(i, rows)));
        TargetDatabase.expectRows("Keel " + strategy + " reported", rows, r.rows());
        return r;
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().durable(true).start()) {
            TargetDatabase.prepare(pg.jdbcUrl());
            new Runner(new OptionsBuilder()
                    .include("^" + AutoThresholdBenchmarks.class.getName() + "\\.")
                    .forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .jvmArgsAppend("-D" + TargetDatabase.URL_PROPERTY + "=" + pg.jdbcUrl(),
                            "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true")
                    .build()).run();
        }
    }
}
