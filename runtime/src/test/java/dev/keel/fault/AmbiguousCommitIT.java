package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.RetryListener;
import dev.keel.TxOptions;
import dev.keel.error.CommitOutcomeUnknownException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * The link is cut while COMMIT is in flight, by a proxy that passes the COMMIT to the server (or drops it) and closes
 * the client's side before the answer. The caller cannot know the outcome and is told so; only work declared
 * idempotent is run again, and with an idempotency key it takes effect exactly once.
 */
@KeelTest
class AmbiguousCommitIT {
    private static TestDatabase db;
    private static TcpProxy proxy;
    private static Keel keel;
    private static Keel direct;
    private static final AtomicInteger retries = new AtomicInteger();

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        db.execute("""
                CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL);
                CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL);
                CREATE TABLE payment (idempotency_key text PRIMARY KEY, account int NOT NULL, amount bigint NOT NULL);
                INSERT INTO account VALUES (1, 0);
                """);
        proxy = TcpProxy.inFrontOf(db.jdbcUrl());
        keel = Keel.builder().jdbcUrl(proxy.route(db.jdbcUrl(), null)).maxPoolSize(2).migrate(false)
                .name("ambiguous-commit")
                .retryListener(new RetryListener() {
                    @Override
                    public void onRetry(int attempt, Duration delay, KeelException cause) {
                        retries.incrementAndGet();
                    }
                })
                .build();
        direct = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1).migrate(false).build();
    }

    @AfterAll
    static void stop() throws Exception {
        keel.close();
        direct.close();
        proxy.close();
        TcpProxy.awaitSessionsGone(db.dataSource(), db.name());
    }

    @BeforeEach
    void reset() {
        retries.set(0);
    }

    @Test
    void commitThatReachedTheServerIsReportedUnknownAndNotRetried(TestReporter reporter, TestInfo info)
            throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        int cutsBefore = proxy.cuts();
        proxy.cutOnCommit(true);

        assertThatThrownBy(() -> keel.transaction(tx -> {
            runs.incrementAndGet();
            tx.dsl().execute("INSERT INTO orders (note) VALUES ('reached')");
        })).isInstanceOf(CommitOutcomeUnknownException.class)
                .satisfies(e -> assertThat(((KeelException) e).category())
                        .isEqualTo(KeelException.Category.COMMIT_OUTCOME_UNKNOWN));

        assertThat(proxy.cuts() - cutsBefore).as("links cut on COMMIT").isEqualTo(1);
        assertThat(runs).as("the callback ran once: never retried").hasValue(1);
        assertThat(retries).hasValue(0);
        // the client hears of the cut at once; the server runs the COMMIT it was sent a moment later
        long deadline = System.nanoTime() + 10_000_000_000L;
        long rows;
        while ((rows = value("SELECT count(*) FROM orders WHERE note = 'reached'")) == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(rows).as("the server did commit: a blind retry would have written it twice").isEqualTo(1);

        // the pool drops the cut connection and serves the next transaction
        keel.transaction(tx -> tx.dsl().execute("INSERT INTO orders (note) VALUES ('next')"));
        FaultReport.of("3. commit lost after the server got it").figure("callback runs", runs.get())
                .figure("rows committed", rows)
                .held(reporter, info, "CommitOutcomeUnknownException; not retried; pool serves the next call");
    }

    @Test
    void commitThatNeverReachedTheServerIsReportedUnknownToo(TestReporter reporter, TestInfo info)
            throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        proxy.cutOnCommit(false);

        assertThatThrownBy(() -> keel.transaction(tx -> {
            runs.incrementAndGet();
            tx.dsl().execute("INSERT INTO orders (note) VALUES ('dropped')");
        })).isInstanceOf(CommitOutcomeUnknownException.class);

        assertThat(runs).hasValue(1);
        // the server's half of the cut link closes a moment later; its open transaction then rolls back
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND state LIKE 'idle in transaction%'") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long rows = value("SELECT count(*) FROM orders WHERE note = 'dropped'");
        assertThat(rows).as("nothing committed this time: the same error, the other outcome").isZero();
        FaultReport.of("3. commit lost before the server got it").figure("callback runs", runs.get())
                .figure("rows committed", rows)
                .held(reporter, info, "CommitOutcomeUnknownException; not retried; 0 rows");
    }

    @Test
    void idempotentWorkWithAnIdempotencyKeyIsRetriedAndTakesEffectExactlyOnce(TestReporter reporter, TestInfo info) {
        proxy.cutOnCommit(true);

        // readme:start idempotency-key
        String key = "payment-7f3a";                       // chosen by the caller, the same on every attempt
        keel.transaction(TxOptions.defaults().idempotent(true), tx -> {
            int claimed = tx.dsl().execute(
                    "INSERT INTO payment (idempotency_key, account, amount) VALUES (?, 1, 10) ON CONFLICT DO NOTHING",
                    key);
            if (claimed == 0) {
                return;                                    // an earlier attempt committed: nothing more to do
            }
            tx.dsl().execute("UPDATE account SET balance = balance + 10 WHERE id = 1");
        });
        // readme:end idempotency-key

        assertThat(proxy.cuts()).isPositive();
        assertThat(retries).as("retried after the unknown commit").hasValue(1);
        assertThat(value("SELECT count(*) FROM payment WHERE idempotency_key = ?", key))
                .isEqualTo(1);
        long balance = value("SELECT balance FROM account WHERE id = 1");
        assertThat(balance).as("credited exactly once").isEqualTo(10);
        FaultReport.of("3. idempotent commit lost, retried with a key").figure("retries", retries.get())
                .figure("payments", 1).figure("balance", balance)
                .held(reporter, info, "retried once; the key's unique constraint made it apply exactly once");
    }

    private static long value(String sql, Object... bindings) {
        return ((Number) direct.dsl().fetchValue(sql, bindings)).longValue();
    }
}
