package dev.keel.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.Keel;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.internal.saga.PgSagaStore;
import dev.keel.saga.Ledger.Job;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pause, resume, cancel, quarantine, bad input, cleanup and statistics. */
@KeelTest
class SagaCommandsIT {
    static Keel keel;
    static SagaStore sagas;
    static TestDatabase db;
    static final AtomicInteger NAMES = new AtomicInteger();

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        db.execute(Ledger.DDL);
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(6).build();
        sagas = keel.sagas();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    static String name() {
        return "commands-" + NAMES.incrementAndGet();
    }

    static SagaRunner runner(SagaDefinition<?> def) {
        return Ledger.quickRunner(sagas, def);
    }

    static void awaitEvent(UUID id, String type, int count) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sagas.events(id).stream().filter(e -> e.type().equals(type)).count() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + type + " event in " + sagas.events(id));
            }
            Thread.sleep(5);
        }
    }

    static long count(String sql) {
        return keel.dsl().fetchSingle(sql).get(0, Long.class);
    }

    @Test
    void pauseRollsBackTheRunningStepAndResumeLetsTheSagaFinish() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 2);
        UUID id = sagas.start(def, new Job(-1, 0, 500, ""));
        try (SagaRunner r = runner(def).start()) {
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sagas.load(id).orElseThrow().leaseOwner().isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            Thread.sleep(100); // into the first step's 500 ms
            assertThat(sagas.pause(id)).isTrue();
            assertThat(sagas.pause(id)).as("already paused").isFalse();
            Thread.sleep(800);
            SagaState paused = sagas.load(id).orElseThrow();
            assertThat(paused.status()).isEqualTo(SagaStatus.PAUSED);
            assertThat(paused.completedSteps()).isZero();
            assertThat(Ledger.rows(keel, id)).as("the step running when paused was rolled back").isEmpty();

            assertThat(sagas.resume(id)).isTrue();
            assertThat(Ledger.awaitFinished(sagas, id).status()).isEqualTo(SagaStatus.COMPLETED);
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0", "do:1");
        assertThat(sagas.events(id)).extracting(SagaEvent::type).contains(SagaEvent.PAUSED, SagaEvent.RESUMED);
        Ledger.assertGapless(sagas, id);
    }

    @Test
    void cancelCompensatesTheCompletedStepsAndEndsCancelled() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 4);
        UUID id = sagas.start(def, new Job(-1, 0, 150, ""));
        try (SagaRunner r = runner(def).start()) {
            awaitEvent(id, SagaEvent.STEP_COMPLETED, 2);
            assertThat(sagas.cancel(id)).isTrue();
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.CANCELLED);
            assertThat(sagas.cancel(id)).as("finished").isFalse();
        }
        List<String> rows = Ledger.rows(keel, id);
        List<String> done = rows.stream().filter(r -> r.startsWith("do:")).toList();
        List<String> undone = new ArrayList<>(rows.stream().filter(r -> r.startsWith("undo:"))
                .map(r -> r.replace("undo:", "do:")).toList());
        java.util.Collections.reverse(undone);
        assertThat(done).hasSizeBetween(2, 3);
        assertThat(undone).isEqualTo(done);
        Ledger.assertGapless(sagas, id);
    }

    @Test
    void commandsOnAnUnknownSagaThrowNotFound() {
        UUID nobody = UUID.randomUUID();
        assertThatThrownBy(() -> sagas.pause(nobody)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(nobody.toString());
        assertThatThrownBy(() -> sagas.cancel(nobody)).isInstanceOf(NotFoundException.class);
        assertThat(sagas.load(nobody)).isEmpty();
        assertThat(sagas.events(nobody)).isEmpty();
    }

    @Test
    void sagaRecoveredTooOftenIsQuarantinedUntilResumed() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 1);
        UUID id = sagas.start(def, Job.ok());
        // as if ten runners in a row had died holding it
        keel.dsl().execute("UPDATE keel.sagas SET recoveries = 10, lease_owner = 'dead', "
                + "lease_expires_at = now() - interval '1 second' WHERE id = ?", id);
        try (SagaRunner r = runner(def).maxRecoveries(10).start()) {
            awaitEvent(id, SagaEvent.QUARANTINED, 1);
            SagaState s = sagas.load(id).orElseThrow();
            assertThat(s.quarantined()).isTrue();
            assertThat(s.status()).isEqualTo(SagaStatus.CREATED);
            assertThat(sagas.stats().quarantined()).isEqualTo(1);
            assertThat(Ledger.rows(keel, id)).isEmpty();

            assertThat(sagas.resume(id)).isTrue();
            assertThat(Ledger.awaitFinished(sagas, id).status()).isEqualTo(SagaStatus.COMPLETED);
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0");
        Ledger.assertGapless(sagas, id);
    }

    /** A type Jackson can write but not read back: no creator. */
    static final class NoCreator {
        private final int x;

        NoCreator(int x) {
            this.x = x;
        }

        public int getX() {
            return x;
        }
    }

    @Test
    void badInputIsRejectedWithATypedErrorThatNamesItAndNothingIsWritten() {
        long before = count("SELECT count(*) FROM keel.sagas") + count("SELECT count(*) FROM keel.saga_events");
        assertThatThrownBy(() -> sagas.start("no-such-saga", Map.of()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo("sagaName"))
                .hasMessageContaining("no-such-saga");
        SagaDefinition<NoCreator> unreadable = SagaDefinition.builder(name(), NoCreator.class)
                .step("a", (ctx, d) -> d).build();
        assertThatThrownBy(() -> sagas.start(unreadable, new NoCreator(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cannot read")
                .hasMessageContaining(NoCreator.class.getName());
        assertThatThrownBy(() -> SagaDefinition.builder(name(), Job.class)
                .step("reserve", (ctx, d) -> d).step("reserve", (ctx, d) -> d).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("two steps named 'reserve'");
        SagaDefinition<Job> small = SagaDefinition.builder(name(), Job.class).maxPayloadBytes(1024)
                .step("a", (ctx, d) -> d).build();
        assertThatThrownBy(() -> sagas.start(small, new Job(-1, 0, 0, "x".repeat(2000))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than the 1024 allowed");
        assertThatThrownBy(() -> sagas.start(small, Job.ok(), ""))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.name()).isEqualTo("idempotencyKey"));
        assertThatThrownBy(() -> sagas.start(small, Job.ok(), SagaStart.defaults().userId("u".repeat(201))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.name()).isEqualTo("userId"));
        assertThatThrownBy(() -> sagas.start(small, Job.ok(), SagaStart.defaults().transactionId("")))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.name()).isEqualTo("transactionId"));
        assertThatThrownBy(() -> sagas.runner(small).workers(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("workers");
        assertThatThrownBy(() -> sagas.runner(small).workers(6).start()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxPoolSize");
        assertThat(count("SELECT count(*) FROM keel.sagas") + count("SELECT count(*) FROM keel.saga_events"))
                .isEqualTo(before);
    }

    @Test
    void cleanupRemovesOldFinishedSagasWithAllTheirRowsInBatches() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 2);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(sagas.start(def, i % 2 == 0 ? Job.ok() : Job.failingAt(1)));
        }
        UUID unfinished = sagas.start(Ledger.definition(name(), 1), Job.ok());
        try (SagaRunner r = runner(def).start()) {
            Ledger.awaitFinished(sagas, ids, Duration.ofSeconds(20));
        }
        List<UUID> old = ids.subList(0, 5);
        for (UUID id : old) {
            keel.dsl().execute("UPDATE keel.sagas SET completed_at = now() - interval '2 days' WHERE id = ?", id);
        }
        keel.dsl().execute("UPDATE keel.sagas SET created_at = now() - interval '3 days' WHERE id = ?", unfinished);
        PgSagaStore store = (PgSagaStore) sagas;

        try (Connection other = db.dataSource().getConnection(); Statement st = other.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + 0x6b65656c73616761L + ")");
            assertThat(store.cleanup(Duration.ofHours(24), 2)).as("another cleaner holds the lock").isZero();
            // released here, not by closing: a closed session's backend may still hold it for a moment
            st.execute("SELECT pg_advisory_unlock(" + 0x6b65656c73616761L + ")");
        }
        assertThat(store.cleanup(Duration.ofHours(24), 2)).isEqualTo(5);
        assertThat(sagas.cleanup(Duration.ofHours(24))).isZero();
        for (UUID id : old) {
            assertThat(sagas.load(id)).isEmpty();
            assertThat(sagas.events(id)).isEmpty();
        }
        for (String table : List.of("saga_steps", "saga_compensations", "saga_checkpoints", "saga_events")) {
            assertThat(count("SELECT count(*) FROM keel." + table + " c WHERE NOT EXISTS "
                    + "(SELECT 1 FROM keel.sagas s WHERE s.id = c.saga_id)")).as("orphans in " + table).isZero();
        }
        assertThat(sagas.load(ids.get(5))).isPresent();
        assertThat(sagas.load(unfinished)).isPresent();
    }

    @Test
    void statsCountSagasByStatusAndReportActiveExpiredAndThroughput() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 1);
        List<UUID> ids = List.of(sagas.start(def, Job.ok()), sagas.start(def, Job.failingAt(0)));
        try (SagaRunner r = runner(def).start()) {
            Ledger.awaitFinished(sagas, ids, Duration.ofSeconds(20));
        }
        UUID waiting = sagas.start(Ledger.definition(name(), 1), Job.ok());
        UUID held = sagas.start(Ledger.definition(name(), 1), Job.ok());
        keel.dsl().execute("UPDATE keel.sagas SET lease_owner = 'gone', lease_expires_at = now() - interval '1 second', "
                + "created_at = now() - interval '1 hour' WHERE id = ?", held);
        UUID paused = sagas.start(Ledger.definition(name(), 1), Job.ok());
        sagas.pause(paused);

        SagaStats stats = sagas.stats();
        for (SagaStatus s : SagaStatus.values()) {
            assertThat(stats.count(s)).as(s.name()).isEqualTo(count(
                    "SELECT count(*) FROM keel.sagas WHERE status = '" + s.name() + "'"));
        }
        assertThat(stats.active()).isEqualTo(count("SELECT count(*) FROM keel.sagas WHERE completed_at IS NULL"));
        assertThat(stats.active()).isGreaterThanOrEqualTo(3);
        assertThat(stats.oldestActiveAge()).isGreaterThanOrEqualTo(Duration.ofMinutes(59));
        assertThat(stats.expiredLeases()).isGreaterThanOrEqualTo(1);
        assertThat(stats.finishedLastMinute()).isGreaterThanOrEqualTo(2);
        assertThat(stats.throughputPerSecond()).isPositive();
        assertThat(sagas.list(SagaStatus.PAUSED, 10)).extracting(SagaState::id).contains(paused);
        assertThat(sagas.list(null, 10_000)).extracting(SagaState::id).contains(waiting, held, paused);
    }
}
