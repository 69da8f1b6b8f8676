package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.error.ConnectionLostException;
import dev.keel.error.PoolExhaustedException;
import dev.keel.error.QueryTimeoutException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import dev.keel.testkit.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@KeelTest(migrations = "classpath:db/keel", schemas = "keel")
class KeelOperationsIT {

    @Test
    void exhaustedPoolFailsEveryWaiterWithinTheAcquireTimeout(TestDatabase db) throws Exception {
        Duration acquire = Duration.ofMillis(500);
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).acquireTimeout(acquire).build();
             Connection a = keel.dataSource().getConnection();
             Connection b = keel.dataSource().getConnection()) {
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                List<Future<Throwable>> waiters = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    waiters.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        try {
                            keel.dsl().selectOne().fetch();
                            return null;
                        } catch (Throwable t) {
                            long ms = (System.nanoTime() - start) / 1_000_000;
                            return ms <= acquire.toMillis() + 1500 ? t : new AssertionError("waited " + ms + " ms");
                        }
                    }));
                }
                for (Future<Throwable> w : waiters) {
                    assertThat(w.get(10, TimeUnit.SECONDS)).isInstanceOf(PoolExhaustedException.class)
                            .hasMessageContaining("total=2");
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("no thread hangs").isTrue();
            }
        }
    }

    @Test
    void terminatedBackendGivesConnectionLostAndThePoolRecovers(TestDatabase db) throws Exception {
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).build()) {
            CountDownLatch running = new CountDownLatch(1);
            ExecutorService exec = Executors.newSingleThreadExecutor();
            try {
                Future<?> busy = exec.submit(() -> keel.transaction(tx -> {
                    tx.dsl().execute("SET application_name = 'keel-busy'");
                    running.countDown();
                    tx.dsl().execute("SELECT pg_sleep(30)");
                }));
                assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
                try (Connection admin = DriverManager.getConnection(db.jdbcUrl())) {
                    int killed = 0;
                    for (int i = 0; i < 50 && killed == 0; i++) {
                        Thread.sleep(50);
                        var rs = admin.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) FROM "
                                + "pg_stat_activity WHERE application_name = 'keel-busy' AND state = 'active'");
                        rs.next();
                        killed = rs.getInt(1);
                    }
                    assertThat(killed).isEqualTo(1);
                }
                assertThatThrownBy(() -> busy.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(ConnectionLostException.class);
            } finally {
                exec.shutdownNow();
            }
            assertThat(keel.dsl().fetchOne("SELECT 42").get(0, Integer.class)).isEqualTo(42);
        }
    }

    @Test
    void statementTimeoutGivesQueryTimeoutAndTheConnectionIsReused(TestDatabase db) {
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1)
                .statementTimeout(Duration.ofMillis(200)).build()) {
            int pid = keel.dsl().fetchOne("SELECT pg_backend_pid()").get(0, Integer.class);
            assertThatThrownBy(() -> keel.dsl().execute("SELECT pg_sleep(5)"))
                    .isInstanceOf(QueryTimeoutException.class)
                    .satisfies(e -> assertThat(((KeelException) e).sqlState()).isEqualTo("57014"));
            assertThat(keel.dsl().fetchOne("SELECT pg_backend_pid()").get(0, Integer.class)).isEqualTo(pid);
        }
    }

    @Test
    void fourInstancesMigratingAtOnceApplyEachMigrationOnce(TestServer server) throws Exception {
        String fresh = server.newDatabaseName("concurrent_migrate");
        server.createDatabase(fresh, null);
        try {
            ExecutorService exec = Executors.newFixedThreadPool(4);
            List<Keel> started = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(exec.submit(() -> {
                    go.await();
                    started.add(Keel.builder().jdbcUrl(server.jdbcUrl(fresh)).maxPoolSize(1).build());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
            exec.shutdown();
            assertThat(started).hasSize(4);
            Keel any = started.get(0);
            assertThat(any.dsl().fetchOne("SELECT count(*) FROM keel.flyway_schema_history WHERE version = '1'")
                    .get(0, Integer.class)).isEqualTo(1);
            assertThat(any.dsl().fetchOne("SELECT bool_and(success) FROM keel.flyway_schema_history").get(0, Boolean.class))
                    .isTrue();
            int migrations = any.dsl().fetchOne("SELECT count(*) FROM keel.flyway_schema_history WHERE version IS NOT NULL")
                    .get(0, Integer.class);
            assertThat(started.stream().mapToInt(Keel::migrationsApplied).sum())
                    .as("each migration is reported by the one instance that applied it").isEqualTo(migrations);
            try (Keel late = Keel.builder().jdbcUrl(server.jdbcUrl(fresh)).maxPoolSize(1).build()) {
                assertThat(late.migrationsApplied()).isZero();
            }
            started.forEach(Keel::close);
        } finally {
            server.dropDatabase(fresh);
        }
    }

    @Test
    void healthReportsVersionPoolAndTimeoutWithoutThrowing(TestDatabase db) throws Exception {
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(2).acquireTimeout(Duration.ofMillis(800)).build()) {
            HealthStatus ok = keel.health();
            assertThat(ok.state()).isEqualTo(HealthStatus.State.HEALTHY);
            // keel-schema's latest version, as Flyway recorded it
            String latest = keel.dsl().fetchSingle("SELECT version FROM keel.flyway_schema_history "
                    + "WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1").get(0, String.class);
            assertThat(Integer.parseInt(latest)).isGreaterThanOrEqualTo(5);
            assertThat(ok.schemaVersion()).contains(latest);
            assertThat(ok.pool().max()).isEqualTo(2);
            assertThat(ok.latency()).isPositive();

            try (Tx locker = keel.begin()) {
                locker.dsl().execute("LOCK TABLE keel.flyway_schema_history IN ACCESS EXCLUSIVE MODE");
                HealthStatus stuck = keel.health();
                assertThat(stuck.state()).isIn(HealthStatus.State.TIMEOUT, HealthStatus.State.UNHEALTHY);
                assertThat(stuck.error()).isPresent();
            }
        }
        // closed Keel: still a report, not an exception
        Keel closed = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1).build();
        closed.close();
        assertThat(closed.health().state()).isEqualTo(HealthStatus.State.UNHEALTHY);
    }

    @Test
    void healthMonitorTellsTheListenerAboutChanges(TestDatabase db) throws Exception {
        try (Keel keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1).build()) {
            CountDownLatch told = new CountDownLatch(1);
            List<HealthStatus> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable monitor = keel.monitorHealth(Duration.ofMillis(100), (before, now) -> {
                seen.add(now);
                told.countDown();
            })) {
                assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(seen.get(0).state()).isEqualTo(HealthStatus.State.HEALTHY);
        }
    }

    @Test
    void databaseThatNeverAnswersFailsStartWithConnectionLostWithinTheDeadline() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Keel.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:1/nothing")
                .startupTimeout(Duration.ofSeconds(2)).build())
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
