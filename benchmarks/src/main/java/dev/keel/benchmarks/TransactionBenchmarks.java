package dev.keel.benchmarks;

import static dev.keel.benchmarks.db.Tables.NARROW;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.RetryListener;
import dev.keel.RetryPolicy;
import dev.keel.Savepoint;
import dev.keel.TxOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a transaction costs, each writing one row to {@code bench.narrow} so that its commit reaches the disk
 * (a transaction that writes nothing commits without a WAL flush). After each iteration the table must hold
 * exactly the rows the operations committed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TransactionBenchmarks {
    /** The row the serialization-failure benchmark fights over; the others insert ids from 1 up. */
    private static final long CONTESTED = 0;

    private Connection conn;
    private Connection rival;
    private Keel keel;
    private Keel retrying;
    private final AtomicLong retries = new AtomicLong();
    private long nextId;
    private long committedRows;
    private long contestedUpdates;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        conn = TargetDatabase.connect();
        rival = TargetDatabase.connect();
        rival.setAutoCommit(true);
        keel = TargetDatabase.keel();
        // No backoff: the figure is the cost of the failure and the second attempt, not of a sleep.
        retrying = TargetDatabase.keelBuilder()
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build())
                .retryListener(new RetryListener() {
                    @Override
                    public void onRetry(int attempt, Duration delay, KeelException cause) {
                        retries.incrementAndGet();
                    }
                })
                .build();
    }

    @Setup(Level.Iteration)
    public void emptyTable() throws SQLException {
        TargetDatabase.empty(conn, "bench.narrow", 0);
        try (Statement s = conn.createStatement()) {
            s.execute("INSERT INTO bench.narrow (id, value) VALUES (" + CONTESTED + ", 0)");
        }
        conn.commit();
        nextId = 1;
        committedRows = 1;
        contestedUpdates = 0;
        retries.set(0);
    }

    @TearDown(Level.Iteration)
    public void verify() throws SQLException {
        TargetDatabase.expectRows("rows in bench.narrow after the transactions", committedRows,
                TargetDatabase.count(conn, "SELECT count(*) FROM bench.narrow"));
        TargetDatabase.expectRows("updates of the contested row", contestedUpdates,
                TargetDatabase.count(conn, "SELECT value FROM bench.narrow WHERE id = " + CONTESTED));
        TargetDatabase.expectRows("retries", contestedUpdates / 2, retries.get());
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        conn.close();
        rival.close();
        keel.close();
        retrying.close();
    }

    /** Plain JDBC: INSERT one row, commit. The yardstick of this group. */
    @Benchmark
    public void jdbcCommit() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO bench.narrow (id, value) VALUES (?, 1)")) {
            ps.setLong(1, nextId++);
            ps.executeUpdate();
        }
        conn.commit();
        committedRows++;
    }

    /** {@code keel.transaction}: begin, INSERT one row, commit. */
    @Benchmark
    public void keelBeginCommit() {
        long id = nextId++;
        keel.transaction(tx -> tx.dsl().insertInto(NARROW, NARROW.ID, NARROW.VALUE).values(id, 1).execute());
        committedRows++;
    }

    /** INSERT, savepoint, INSERT, roll back to the savepoint, commit: one row stays. */
    @Benchmark
    public void keelSavepointRollback() {
        long kept = nextId++;
        long undone = nextId++;
        keel.transaction(tx -> {
            tx.dsl().insertInto(NARROW, NARROW.ID, NARROW.VALUE).values(kept, 1).execute();
            Savepoint sp = tx.savepoint("before_second");
            tx.dsl().insertInto(NARROW, NARROW.ID, NARROW.VALUE).values(undone, 1).execute();
            tx.rollbackTo(sp);
        });
        committedRows++;
    }

    /**
     * A SERIALIZABLE transaction that fails with a real serialization failure (40001) on its first attempt,
     * because another connection updates and commits the row it read, and commits on its second.
     */
    @Benchmark
    public void keelRetriedSerializationFailure() {
        boolean[] first = {true};
        retrying.transaction(TxOptions.serializable(), tx -> {
            tx.dsl().select(NARROW.VALUE).from(NARROW).where(NARROW.ID.eq(CONTESTED)).fetchOne();
            if (first[0]) {
                first[0] = false;
                try (Statement s = rival.createStatement()) {
                    s.executeUpdate("UPDATE bench.narrow SET value = value + 1 WHERE id = " + CONTESTED);
                }
            }
            tx.dsl().update(NARROW).set(NARROW.VALUE, NARROW.VALUE.plus(1)).where(NARROW.ID.eq(CONTESTED)).execute();
        });
        contestedUpdates += 2;
    }
}
