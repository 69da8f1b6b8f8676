package dev.keel.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.saga.Ledger.Job;
import dev.keel.testkit.RestartableServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database server itself stopped and started again, on the same data directory and port, while a runner is in
 * the middle of a run. Uses a restartable embedded server of its own (durable, so a commit the runner saw is on
 * disk), whatever server the other tests use.
 */
class SagaRestartIT {
    static final int SAGAS = 200;
    static final int WORKERS = 3;

    private static RestartableServer server;

    @BeforeAll
    static void start() {
        server = RestartableServer.create("saga-restart");
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aRunnerCarriesOnAfterTheServerRestartsWithEverySagaDoneExactlyOnce() throws Exception {
        try (Keel keel = Keel.builder().jdbcUrl(server.jdbcUrl("postgres")).maxPoolSize(5)
                .acquireTimeout(Duration.ofSeconds(2)).build()) {
            keel.dsl().execute(Ledger.DDL);
            SagaDefinition<Job> def = Ledger.definition("restart", 3);
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < SAGAS; i++) {
                ids.add(keel.sagas().start(def, i % 7 == 0 ? Job.failingAt(2) : new Job(-1, 0, 5, "")));
            }
            try (SagaRunner runner = keel.sagas().runner(def).workers(WORKERS).lease(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(20)).start()) {
                long before = awaitFinished(keel, 20, Duration.ofSeconds(60));
                server.stop();
                Thread.sleep(1_000);
                server.start();
                awaitFinished(keel, SAGAS, Duration.ofMinutes(2));
                assertThat(before).as("sagas finished before the restart").isLessThan(SAGAS);
                // The runner counts a saga once its commit returns, a moment after the rows say it is finished;
                // and a worker whose commit was in flight when the server stopped cannot know it went through
                // (it did; the worker saw the connection drop), so at most one saga per worker goes uncounted.
                // That every saga ran exactly once is the ledger's check below.
                long end = System.nanoTime() + 5_000_000_000L;
                while (runner.finished() < SAGAS && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(runner.finished()).as("finished by the one runner, before and after")
                        .isBetween((long) SAGAS - WORKERS, (long) SAGAS);
            }
            Ledger.assertExactlyOnce(keel, "restart", ids.size());
        }
    }

    /** Waits until at least {@code n} sagas are finished; returns how many were, riding out the server's absence. */
    static long awaitFinished(Keel keel, int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long done = -1;
        while (System.nanoTime() < end) {
            try {
                done = keel.dsl().fetchSingle("SELECT count(*) FROM keel.sagas WHERE completed_at IS NOT NULL")
                        .get(0, Long.class);
            } catch (RuntimeException e) {
                done = -1; // the server is coming back
            }
            if (done >= n) {
                return done;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("only " + done + " of " + n + " sagas finished in " + timeout);
    }
}
