package dev.keel.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.saga.Ledger.Job;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Keel instances (two pools, two runners) over the same sagas, and a database outage in the middle of a run.
 * The two-instance test runs 10,000 sagas; {@code -Dkeel.saga.twoInstanceSagas=N} changes that.
 */
@KeelTest
class SagaConcurrencyIT {
    static final int SAGAS = Integer.getInteger("keel.saga.twoInstanceSagas", 10_000);
    static Keel a;
    static Keel b;
    static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        db.execute(Ledger.DDL);
        // Commits need not wait for the disk here: these tests kill clients, never the server.
        db.execute("ALTER DATABASE \"" + db.name() + "\" SET synchronous_commit = off");
        a = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(5).build();
        b = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(5).build();
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    static List<UUID> startMany(SagaDefinition<Job> def, int n, int failEvery, int sleepMs) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            List<Future<UUID>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Job job = i % failEvery == 0 ? new Job(2, 0, sleepMs, "") : new Job(-1, 0, sleepMs, "");
                started.add(starters.submit(() -> a.sagas().start(def, job)));
            }
            List<UUID> ids = new ArrayList<>();
            for (Future<UUID> f : started) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            starters.shutdown();
        }
    }

    @Test
    void twoInstancesShareTheSagasWithoutDuplicateEffects() throws Exception {
        SagaDefinition<Job> def = Ledger.definition("shared", 3);
        try (SagaRunner ra = a.sagas().runner(def).workers(4).pollInterval(Duration.ofMillis(20)).start();
             SagaRunner rb = b.sagas().runner(def).workers(4).pollInterval(Duration.ofMillis(20)).start()) {
            List<UUID> ids = startMany(def, SAGAS, 10, 0);
            awaitAllFinished("shared", Duration.ofMinutes(3));
            assertThat(ra.finished()).as("runner A's share").isPositive();
            assertThat(rb.finished()).as("runner B's share").isPositive();
            assertThat(ra.finished() + rb.finished()).isEqualTo(ids.size());
        }
        Ledger.assertExactlyOnce(a, "shared", SAGAS);
    }

    @Test
    void runnersWaitOutADatabaseOutageAndFinishEverything() throws Exception {
        SagaDefinition<Job> def = Ledger.definition("outage", 3);
        List<UUID> ids = startMany(def, 300, 7, 5);
        try (SagaRunner ra = a.sagas().runner(def).workers(3).lease(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20)).start()) {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (finished("outage") < 30 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            outage(Duration.ofSeconds(3));
            awaitAllFinished("outage", Duration.ofMinutes(2));
        }
        Ledger.assertExactlyOnce(a, "outage", ids.size());
    }

    /** Refuses connections to the test database and ends every session on it, for {@code length}. */
    static void outage(Duration length) throws Exception {
        try (Connection c = db.server().dataSource("postgres").getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE \"" + db.name() + "\" WITH ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() + "'");
        }
        Thread.sleep(length.toMillis());
        try (Connection c = db.server().dataSource("postgres").getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE \"" + db.name() + "\" WITH ALLOW_CONNECTIONS true");
        }
    }

    static long finished(String name) {
        return a.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = ? AND completed_at IS NOT NULL",
                name).get(0, Long.class);
    }

    static void awaitAllFinished(String name, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long open;
            try {
                open = a.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE name = ? AND completed_at IS NULL",
                        name).get(0, Long.class);
            } catch (RuntimeException e) {
                open = -1; // the database is still coming back
            }
            if (open == 0) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(open + " saga(s) named " + name + " not finished in " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
