package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.RetryListener;
import dev.keel.RetryPolicy;
import dev.keel.Tx;
import dev.keel.TxOptions;
import dev.keel.error.CommitOutcomeUnknownException;
import dev.keel.error.ConnectionLostException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Jepsen's bank, on Keel: 16 threads move money between accounts in SERIALIZABLE transactions that Keel retries on
 * 40001. Each transfer carries an idempotency key, so that a caller may run it again after a lost connection or an
 * unknown commit. The total stays exact, no balance goes negative, and every balance equals its opening balance
 * plus the transfers recorded for it. The variant that kills random backends during the run is a long one: it runs
 * from the reliability report ({@value FaultReport#LONG_PROPERTY}=true).
 */
@KeelTest
class SerializableBankIT {
    static final int ACCOUNTS = 10;
    static final long START = 1_000;
    static final int THREADS = 16;
    private static Keel keel;
    private static TestDatabase db;
    private static final AtomicLong retries = new AtomicLong();

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        db.execute("""
                CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL);
                CREATE TABLE transfer (id bigint PRIMARY KEY, from_id int NOT NULL, to_id int NOT NULL,
                                       amount bigint NOT NULL CHECK (amount > 0));
                """);
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(THREADS).migrate(false).applicationName("bank")
                .acquireTimeout(Duration.ofSeconds(10))
                .retryPolicy(RetryPolicy.builder().maxAttempts(500).maxElapsed(Duration.ofMinutes(2))
                        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(50)).build())
                .retryListener(new RetryListener() {
                    @Override
                    public void onRetry(int attempt, Duration delay, KeelException cause) {
                        retries.incrementAndGet();
                    }
                })
                .build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void reset() {
        keel.dsl().execute("TRUNCATE account, transfer");
        keel.dsl().execute("INSERT INTO account SELECT g, " + START + " FROM generate_series(1, " + ACCOUNTS + ") g");
        retries.set(0);
    }

    @Test
    void serializableTransfersKeepTheTotalExact(TestReporter reporter, TestInfo info) throws Exception {
        int transfers = FaultReport.size(30, 500);
        Outcome o = run(transfers, false);
        assertThat(o.lost).as("connections lost without kills").isZero();
        assertThat(retries.get()).as("40001 retries").isPositive();
        FaultReport.of("8. SERIALIZABLE bank, " + THREADS + " × " + transfers).runs(THREADS * transfers)
                .figure("transfers applied", o.applied).figure("40001 retries", retries.get())
                .figure("elapsed", o.elapsed)
                .held(reporter, info, "total exact; no negative balance; balances match the transfer log");
    }

    @Test
    @EnabledIfSystemProperty(named = FaultReport.LONG_PROPERTY, matches = "true")
    void serializableTransfersKeepTheTotalExactWhileBackendsAreKilled(TestReporter reporter, TestInfo info)
            throws Exception {
        int transfers = 500;
        Outcome o = run(transfers, true);
        assertThat(o.kills).as("backends killed").isPositive();
        FaultReport.of("8. SERIALIZABLE bank + backends killed, " + THREADS + " × " + transfers)
                .runs(THREADS * transfers).figure("transfers applied", o.applied)
                .figure("40001 retries", retries.get()).figure("kills", o.kills)
                .figure("calls failed by a kill, run again", o.lost).figure("elapsed", o.elapsed)
                .held(reporter, info, "total exact; no negative balance; balances match the transfer log; "
                        + "each transfer applied at most once");
    }

    private record Outcome(long applied, long lost, long kills, Duration elapsed) {
    }

    private static Outcome run(int transfers, boolean kill) throws Exception {
        AtomicLong lost = new AtomicLong();
        AtomicLong kills = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService exec = Executors.newFixedThreadPool(THREADS + 1);
        long t0 = System.nanoTime();
        Future<?> killer = exec.submit(() -> {
            SplittableRandom random = new SplittableRandom(42);
            while (kill && running.get()) {
                Thread.sleep(50 + random.nextInt(100));
                kills.addAndGet(killOne(random));
            }
            return null;
        });
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            work.add(exec.submit(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                for (int i = 0; i < transfers; i++) {
                    long key = thread * 1_000_000L + i;
                    int from = 1 + random.nextInt(ACCOUNTS);
                    int to = 1 + random.nextInt(ACCOUNTS);
                    long amount = 1 + random.nextInt(50);
                    for (int attempt = 0; ; attempt++) {
                        try {
                            transfer(key, from, to, amount);
                            break;
                        } catch (ConnectionLostException | CommitOutcomeUnknownException e) {
                            // killed: the key makes running the transfer again safe
                            lost.incrementAndGet();
                            if (!kill || attempt > 50) {
                                throw e;
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(5, TimeUnit.MINUTES);
        }
        running.set(false);
        killer.get(10, TimeUnit.SECONDS);
        exec.shutdown();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(value("SELECT sum(balance) FROM account")).as("total").isEqualTo(ACCOUNTS * START);
        assertThat(value("SELECT min(balance) FROM account")).as("lowest balance").isNotNegative();
        assertThat(value("""
                SELECT count(*) FROM account a
                 WHERE a.balance <> %d + coalesce((SELECT sum(amount) FROM transfer WHERE to_id = a.id), 0)
                                      - coalesce((SELECT sum(amount) FROM transfer WHERE from_id = a.id), 0)
                """.formatted(START))).as("accounts whose balance disagrees with the transfer log").isZero();
        return new Outcome(value("SELECT count(*) FROM transfer"), lost.get(), kills.get(), elapsed);
    }

    /** One transfer under its idempotency key: applied once however often it runs. */
    private static void transfer(long key, int from, int to, long amount) {
        keel.transaction(TxOptions.serializable().idempotent(true), tx -> {
            long fromBalance = balance(tx, from);
            if (from == to || fromBalance < amount) {
                return;
            }
            int claimed = tx.dsl().execute("INSERT INTO transfer VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    key, from, to, amount);
            if (claimed == 0) {
                return; // an earlier attempt committed
            }
            tx.dsl().execute("UPDATE account SET balance = balance - ? WHERE id = ?", amount, from);
            tx.dsl().execute("UPDATE account SET balance = balance + ? WHERE id = ?", amount, to);
        });
    }

    private static long balance(Tx tx, int id) {
        return ((Number) tx.dsl().fetchValue("SELECT balance FROM account WHERE id = ?", id)).longValue();
    }

    private static long killOne(SplittableRandom random) {
        return value("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity "
                + "WHERE datname = current_database() AND application_name = 'bank' AND pid <> pg_backend_pid() "
                + "ORDER BY hashtext(pid::text || '" + random.nextInt() + "') LIMIT 1) v");
    }

    private static long value(String sql) {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
