package dev.keel.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.RetryListener;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * A column is added, and another's type changed, while every pooled connection holds server-side prepared
 * statements for the table ({@code SELECT *} plans cached after pgjdbc's prepareThreshold of 5 uses). PostgreSQL
 * then answers "cached plan must not change result type" (0A000) once per connection and plan. Keel treats that as
 * a retryable conflict: the transaction runs again on a fresh plan, so callers see no error.
 */
@KeelTest
class CachedPlanIT {
    static final int THREADS = 4;
    private static Keel keel;
    private static final ConcurrentLinkedQueue<String> retriedFor = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start(TestDatabase db) {
        db.execute("CREATE TABLE item (id int PRIMARY KEY, qty int NOT NULL, note text)");
        db.execute("INSERT INTO item SELECT g, g, 'n' FROM generate_series(1, 100) g");
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(THREADS).migrate(false).name("cached-plans")
                .retryListener(new RetryListener() {
                    @Override
                    public void onRetry(int attempt, Duration delay, KeelException cause) {
                        retriedFor.add(cause.sqlState());
                    }
                })
                .build();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @Test
    void schemaChangesUnderCachedPlansCauseNoUserVisibleError(TestReporter reporter, TestInfo info) throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong calls = new AtomicLong();
        CyclicBarrier phase = new CyclicBarrier(THREADS + 1);
        CyclicBarrier together = new CyclicBarrier(THREADS);
        ExecutorService exec = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(exec.submit(() -> {
                    // all four threads inside a transaction at once, six times: every pooled connection runs the
                    // statements more often than pgjdbc's prepareThreshold (5) and so prepares them on the server
                    for (int i = 0; i < 6; i++) {
                        int id = 1 + thread * 25 + i;
                        keel.transaction(tx -> {
                            tx.dsl().fetch("SELECT * FROM item WHERE id = ?", id);
                            tx.dsl().execute("UPDATE item SET note = ? WHERE id = ?", "w" + thread, id);
                            together.await(30, TimeUnit.SECONDS);
                        });
                    }
                    for (int ddl = 0; ddl < 2; ddl++) {
                        phase.await(30, TimeUnit.SECONDS); // the schema changes now
                        phase.await(30, TimeUnit.SECONDS);
                        for (int i = 0; i < 15; i++) {
                            work(thread, i, calls, errors);
                        }
                    }
                    return null;
                }));
            }
            phase.await(60, TimeUnit.SECONDS);
            assertThat(keel.poolStats().total()).as("pooled connections holding plans").isEqualTo(THREADS);
            keel.dsl().execute("ALTER TABLE item ADD COLUMN added_later text DEFAULT 'x'");
            phase.await(30, TimeUnit.SECONDS);
            phase.await(60, TimeUnit.SECONDS);
            keel.dsl().execute("ALTER TABLE item ALTER COLUMN qty TYPE bigint");
            phase.await(30, TimeUnit.SECONDS);
        } finally {
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
            exec.shutdown();
        }

        assertThat(errors).as("errors seen by callers").isEmpty();
        long stalePlanRetries = retriedFor.stream().filter("0A000"::equals).count();
        assertThat(stalePlanRetries).as("transactions re-run after a stale cached plan, at least one per change")
                .isGreaterThanOrEqualTo(2);
        assertThat(((Number) keel.dsl().fetchValue("SELECT count(*) FROM item WHERE added_later = 'x'")).longValue())
                .isEqualTo(100);
        FaultReport.of("7. DDL under cached plans").figure("calls", calls.get())
                .figure("0A000 retries", stalePlanRetries)
                .held(reporter, info, "0 user-visible errors: 0A000 re-run once on a fresh plan");
    }

    @Test
    void otherFeatureNotSupportedErrorsAreNotRetried(TestReporter reporter, TestInfo info) {
        retriedFor.clear();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keel.transaction(tx ->
                        tx.dsl().fetch("SELECT count(*) FROM item FOR UPDATE")))
                .isExactlyInstanceOf(KeelException.class)
                .satisfies(e -> assertThat(((KeelException) e).sqlState()).isEqualTo("0A000"));
        assertThat(retriedFor).isEmpty();
        FaultReport.of("7. other 0A000 errors").figure("retries", retriedFor.size())
                .held(reporter, info, "an unsupported feature (0A000 not from a cached plan) fails at once, "
                        + "not retried");
    }

    private static void work(int thread, int i, AtomicLong calls, ConcurrentLinkedQueue<Throwable> errors) {
        int id = 1 + (thread * 25 + i) % 100;
        try {
            calls.incrementAndGet();
            keel.transaction(tx -> {
                tx.dsl().fetch("SELECT * FROM item WHERE id = ?", id);
                tx.dsl().execute("UPDATE item SET note = ? WHERE id = ?", "t" + thread, id);
            });
            calls.incrementAndGet();
            keel.dsl().fetch("SELECT * FROM item WHERE id = ?", id); // auto-committed
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }
}
