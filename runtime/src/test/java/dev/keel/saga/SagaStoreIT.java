package dev.keel.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.Keel;
import dev.keel.saga.Ledger.Job;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What one runner does with sagas: steps once each, retries, compensation in reverse, checkpoints, deadlines. */
@KeelTest
class SagaStoreIT {
    static Keel keel;
    static SagaStore sagas;
    static final AtomicInteger NAMES = new AtomicInteger();

    /** The README's saga data. */
    record Order(String sku, int quantity, String payment) {
        Order withPayment(String id) {
            return new Order(sku, quantity, id);
        }
    }

    /** A payment service that, like a real one, charges once per idempotency key. */
    static final class Payments {
        final Map<String, String> charges = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, String> refunds = new java.util.concurrent.ConcurrentHashMap<>();

        String charge(String key, Order order) {
            if (order.quantity() > 10) {
                throw new IllegalStateException("card declined");
            }
            return charges.computeIfAbsent(key, k -> "pay-" + charges.size());
        }

        void refund(String key, Order order) {
            refunds.putIfAbsent(key, order.sku());
        }
    }

    @BeforeAll
    static void start(TestDatabase db) {
        db.execute(Ledger.DDL);
        db.execute("CREATE TABLE public.stock_holds (order_id uuid PRIMARY KEY, sku text NOT NULL, qty int NOT NULL)");
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(6).build();
        sagas = keel.sagas();
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    static String name() {
        return "store-" + NAMES.incrementAndGet();
    }

    static SagaRunner runner(SagaDefinition<?> def) {
        return Ledger.quickRunner(sagas, def);
    }

    @Test
    void readmeExampleRunsAnOrderSaga() throws Exception {
        Payments payments = new Payments();
        // readme:start sagas
        SagaDefinition<Order> def = SagaDefinition.builder("order", Order.class)
                .step("reserve", (ctx, order) -> {
                    ctx.tx().dsl().execute("INSERT INTO stock_holds (order_id, sku, qty) VALUES (?, ?, ?)",
                            ctx.sagaId(), order.sku(), order.quantity());   // commits with the step, exactly once
                    return order;
                }, (ctx, order) -> ctx.tx().dsl().execute("DELETE FROM stock_holds WHERE order_id = ?", ctx.sagaId()))
                .step("charge", (ctx, order) -> order.withPayment(payments.charge(ctx.idempotencyKey(), order)),
                        (ctx, order) -> payments.refund(ctx.idempotencyKey(), order),   // outside the database:
                        StepOptions.defaults().attempts(5).backoff(Duration.ofMillis(100)))  // at least once, keyed
                .deadline(Duration.ofMinutes(10))
                .build();

        SagaStore sagas = keel.sagas();
        UUID id = sagas.start(def, new Order("sku-1", 2, null),
                SagaStart.key("order-1001").userId("customer-7"));       // same key, same saga
        UUID declined = sagas.start(def, new Order("sku-2", 50, null));
        try (SagaRunner runner = sagas.runner(def).workers(2).start()) {       // any process may run them
            Ledger.awaitFinished(sagas, List.of(id, declined), Duration.ofSeconds(30));   // (the test waits)
        }
        SagaState s = sagas.load(id).orElseThrow();          // COMPLETED, data(Order.class).payment() = "pay-0"
        SagaState d = sagas.load(declined).orElseThrow();    // COMPENSATED: hold deleted, nothing charged
        List<SagaEvent> trail = sagas.events(id);            // seq 1..n, gapless: every transition and attempt
        SagaStats stats = sagas.stats();                     // by status, active, expired leases, retrying, …
        int removed = sagas.cleanup(Duration.ofHours(24));   // finished more than a day ago, in batches
        // readme:end sagas
        assertThat(s.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(s.data(Order.class).payment()).isEqualTo("pay-0");
        assertThat(s.userId()).contains("customer-7");
        assertThat(d.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(d.steps().get(1).attempts()).isEqualTo(5);
        assertThat(payments.charges).hasSize(1);
        assertThat(payments.refunds).isEmpty();
        assertThat(keel.dsl().fetch("SELECT order_id FROM stock_holds").map(r -> r.get(0, UUID.class)))
                .containsExactly(id);
        assertThat(trail).extracting(SagaEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(stats.count(SagaStatus.COMPLETED)).isPositive();
        assertThat(removed).isZero();
    }

    @Test
    void completedSagaCommittedEachStepOnceWithAGaplessTrail() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 3);
        UUID id = sagas.start(def, Job.ok());
        assertThat(sagas.load(id).orElseThrow().status()).isEqualTo(SagaStatus.CREATED);
        dev.keel.KeelMetrics.Sagas before = keel.metricsSnapshot().sagas();
        try (SagaRunner r = runner(def).start()) {
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(s.data(Job.class).trail()).isEqualTo("s0;s1;s2;");
            assertThat(s.completedSteps()).isEqualTo(3);
            assertThat(s.steps()).extracting(StepState::status).containsOnly(StepStatus.COMPLETED);
            assertThat(s.compensations()).isEmpty();
            assertThat(s.leaseOwner()).isEmpty();
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0", "do:1", "do:2");
        dev.keel.KeelMetrics.Sagas after = keel.metricsSnapshot().sagas();
        assertThat(after.steps() - before.steps()).isEqualTo(3);
        assertThat(after.finished() - before.finished()).isEqualTo(1);
        assertThat(after.claims()).as("claims timed").isGreaterThan(before.claims());
        assertThat(after.p99ClaimMillis()).isPositive();
        Ledger.assertGapless(sagas, id);
        assertThat(sagas.events(id)).extracting(SagaEvent::type).containsExactly(SagaEvent.CREATED,
                SagaEvent.STEP_STARTED, SagaEvent.STEP_COMPLETED, SagaEvent.STEP_STARTED, SagaEvent.STEP_COMPLETED,
                SagaEvent.STEP_STARTED, SagaEvent.STEP_COMPLETED, SagaEvent.FINISHED);
    }

    @Test
    void failedStepCompensatesTheCompletedStepsInReverseOrderOnceEach() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 4);
        UUID id = sagas.start(def, Job.failingAt(2));
        try (SagaRunner r = runner(def).start()) {
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(s.error()).hasValueSatisfying(e -> assertThat(e).contains("fails on purpose"));
            assertThat(s.compensations()).extracting(CompensationState::stepIndex).containsExactly(1, 0);
            assertThat(s.compensations()).extracting(CompensationState::status).containsOnly(StepStatus.COMPLETED);
            assertThat(s.steps().get(2).status()).isEqualTo(StepStatus.FAILED);
            assertThat(s.steps().get(2).attempts()).isEqualTo(3);
            assertThat(s.steps().get(3).status()).isEqualTo(StepStatus.PENDING);
        }
        // the failing step's own rows were rolled back with each of its attempts
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0", "do:1", "undo:1", "undo:0");
        Ledger.assertGapless(sagas, id);
    }

    @Test
    void throwingStepIsRetriedAndReportsRetryingBetweenAttempts() throws Exception {
        StepOptions slow = Ledger.fast().attempts(4).backoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(2));
        SagaDefinition<Job> def = Ledger.definition(name(), 1, "test", slow);
        UUID id = sagas.start(def, new Job(-1, 2, 0, ""));
        try (SagaRunner r = runner(def).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sagas.load(id).orElseThrow().steps().get(0).status() != StepStatus.RETRYING
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(sagas.load(id).orElseThrow().steps().get(0).status()).isEqualTo(StepStatus.RETRYING);
            assertThat(sagas.stats().retrying()).isEqualTo(1);
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(s.steps().get(0).attempts()).isEqualTo(3);
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0");
        assertThat(sagas.events(id)).extracting(SagaEvent::type).filteredOn(SagaEvent.STEP_RETRYING::equals)
                .hasSize(2);
        Ledger.assertGapless(sagas, id);
    }

    @Test
    void retriedStepSeesTheCheckpointItsEarlierAttemptSaved() throws Exception {
        List<String> seen = new ArrayList<>();
        SagaDefinition<Job> def = SagaDefinition.builder(name(), Job.class)
                .stepOptions(Ledger.fast())
                .step("count", (ctx, job) -> {
                    int done = ctx.checkpoint(Integer.class).orElse(0);
                    seen.add(ctx.attempt() + ":" + done);
                    ctx.saveCheckpoint(done + 10);
                    if (ctx.attempt() < 3) {
                        throw new IllegalStateException("not yet");
                    }
                    return job;
                })
                .build();
        UUID id = sagas.start(def, Job.ok());
        try (SagaRunner r = runner(def).workers(1).start()) {
            assertThat(Ledger.awaitFinished(sagas, id).status()).isEqualTo(SagaStatus.COMPLETED);
        }
        assertThat(seen).containsExactly("1:0", "2:10", "3:20");
        assertThat(sagas.events(id)).extracting(SagaEvent::type).filteredOn(SagaEvent.CHECKPOINT::equals).hasSize(3);
        Ledger.assertGapless(sagas, id);
    }

    @Test
    void compensationThatKeepsFailingEndsFailedWithItsCause() throws Exception {
        SagaDefinition<Job> def = SagaDefinition.builder(name(), Job.class)
                .stepOptions(Ledger.fast())
                .step("a", (ctx, job) -> Ledger.act(ctx, job, "t"), (ctx, job) -> {
                    throw new IllegalStateException("refund service down");
                })
                .step("b", (ctx, job) -> Ledger.act(ctx, job, "t"), (ctx, job) -> Ledger.undo(ctx, "t"))
                .step("c", (ctx, job) -> {
                    throw new IllegalStateException("out of stock");
                })
                .build();
        UUID id = sagas.start(def, Job.ok());
        try (SagaRunner r = runner(def).start()) {
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.FAILED);
            assertThat(s.error()).hasValueSatisfying(e -> assertThat(e).contains("refund service down"));
            assertThat(s.compensations()).extracting(CompensationState::stepIndex, CompensationState::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, StepStatus.COMPLETED),
                            org.assertj.core.groups.Tuple.tuple(0, StepStatus.FAILED));
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0", "do:1", "undo:1");
        Ledger.assertGapless(sagas, id);
    }

    @Test
    void sagaPastItsDeadlineIsCompensatedAndEndsTimedOut() throws Exception {
        SagaDefinition<Job> def = SagaDefinition.builder(name(), Job.class).stepOptions(Ledger.fast())
                .deadline(Duration.ofMillis(400))
                .step("a", (ctx, job) -> Ledger.act(ctx, job, "t"), (ctx, job) -> Ledger.undo(ctx, "t"))
                .step("b", (ctx, job) -> Ledger.act(ctx, job, "t"), (ctx, job) -> Ledger.undo(ctx, "t"))
                .build();
        UUID id = sagas.start(def, new Job(-1, 0, 600, ""));
        try (SagaRunner r = runner(def).start()) {
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.TIMED_OUT);
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0", "undo:0");
        assertThat(sagas.events(id)).extracting(SagaEvent::type).contains(SagaEvent.DEADLINE_PASSED);
    }

    @Test
    void stepPastItsTimeoutIsRolledBackAndTheSagaEndsTimedOut() throws Exception {
        SagaDefinition<Job> def = SagaDefinition.builder(name(), Job.class).stepOptions(Ledger.fast())
                .step("a", (ctx, job) -> Ledger.act(ctx, job, "t"), (ctx, job) -> Ledger.undo(ctx, "t"))
                .step("slow", (ctx, job) -> {
                    Ledger.write(ctx, "do", "t");
                    ctx.tx().dsl().execute("SELECT pg_sleep(2)");
                    return job;
                }, (ctx, job) -> Ledger.undo(ctx, "t"), Ledger.fast().timeout(Duration.ofMillis(300)))
                .build();
        UUID id = sagas.start(def, Job.ok());
        try (SagaRunner r = runner(def).start()) {
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.TIMED_OUT);
            assertThat(s.steps().get(1).status()).isEqualTo(StepStatus.FAILED);
        }
        assertThat(Ledger.rows(keel, id)).containsExactly("do:0", "undo:0");
        assertThat(sagas.events(id)).extracting(SagaEvent::type).contains(SagaEvent.STEP_TIMED_OUT);
    }

    @Test
    void startWithAKeyAlreadyUsedReturnsTheFirstSaga() {
        SagaDefinition<Job> def = Ledger.definition(name(), 2);
        UUID first = sagas.start(def, Job.ok(), "order-17");
        UUID again = sagas.start(def, Job.failingAt(1), "order-17");
        UUID other = sagas.start(def, Job.ok(), "order-18");
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(sagas.load(first).orElseThrow().data(Job.class)).isEqualTo(Job.ok());
        assertThat(sagas.load(first).orElseThrow().idempotencyKey()).contains("order-17");
        assertThat(sagas.events(first)).hasSize(1);
    }

    @Test
    void startKeepsTheTransactionAndUserItWasGiven() {
        SagaDefinition<Job> def = Ledger.definition(name(), 1);
        UUID id = sagas.start(def, Job.ok(), SagaStart.key("order-19").transactionId("tx-77").userId("u-42"));
        SagaState s = sagas.load(id).orElseThrow();
        assertThat(s.idempotencyKey()).contains("order-19");
        assertThat(s.transactionId()).contains("tx-77");
        assertThat(s.userId()).contains("u-42");
        assertThat(keel.dsl().fetchSingle("SELECT transaction_id, user_id FROM keel.sagas WHERE id = ?", id).intoArray())
                .containsExactly("tx-77", "u-42");
        SagaState plain = sagas.load(sagas.start(def, Job.ok())).orElseThrow();
        assertThat(plain.transactionId()).isEmpty();
        assertThat(plain.userId()).isEmpty();
    }

    @Test
    void startByNameMapsTheDataToTheDefinitionsType() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 1);
        sagas.register(def);
        UUID id = sagas.start(def.name(), Map.of("failAt", -1, "flaky", 0, "sleepMs", 0, "trail", "x;"));
        try (SagaRunner r = runner(def).start()) {
            assertThat(Ledger.awaitFinished(sagas, id).data(Job.class).trail()).isEqualTo("x;s0;");
        }
    }

    @Test
    void everyStepTwiceModeKeepsTheOutcomeOfIdempotentSteps() throws Exception {
        SagaDefinition<Job> def = Ledger.definition(name(), 3);
        UUID ok = sagas.start(def, Job.ok());
        UUID failing = sagas.start(def, Job.failingAt(2));
        try (SagaRunner r = runner(def).everyStepTwice().start()) {
            assertThat(Ledger.awaitFinished(sagas, ok).status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(Ledger.awaitFinished(sagas, failing).status()).isEqualTo(SagaStatus.COMPENSATED);
        }
        assertThat(Ledger.rows(keel, ok)).containsExactly("do:0", "do:1", "do:2");
        assertThat(Ledger.rows(keel, failing)).containsExactly("do:0", "do:1", "undo:1", "undo:0");
    }

    @Test
    void everyStepTwiceModeCatchesAStepThatIsNotIdempotent() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SagaDefinition<Job> def = SagaDefinition.builder(name(), Job.class).stepOptions(Ledger.fast().attempts(1))
                .step("counter", (ctx, job) -> new Job(-1, 0, 0, "call " + calls.incrementAndGet()))
                .build();
        UUID id = sagas.start(def, Job.ok());
        try (SagaRunner r = runner(def).everyStepTwice().start()) {
            SagaState s = Ledger.awaitFinished(sagas, id);
            assertThat(s.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(s.error()).hasValueSatisfying(e -> assertThat(e).contains("is not idempotent"));
        }
    }
}
