package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;
import static dev.keel.internal.db.Tables.SAGA_COMPENSATIONS;
import static dev.keel.internal.db.Tables.SAGA_STEPS;

import dev.keel.Keel;
import dev.keel.Savepoint;
import dev.keel.Tx;
import dev.keel.error.QueryTimeoutException;
import dev.keel.internal.db.enums.SagaStatus;
import dev.keel.internal.db.enums.StepStatus;
import dev.keel.internal.db.tables.records.SagasRecord;
import dev.keel.saga.SagaDefinition;
import dev.keel.saga.SagaEvent;
import dev.keel.saga.SagaStep;
import dev.keel.saga.StepOptions;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed saga on one worker thread until it finishes, waits (backoff, pause) or is lost. Each attempt is
 * one transaction: the action, then the fenced completion with its events (the attempt's start and end), then
 * commit. A failed attempt is recorded in a short transaction of its own after the rollback. Anything that is not the user's code
 * failing (the database gone, the lease lost) ends the run at once: what was not committed is simply run again by
 * whoever claims the saga next.
 */
final class SagaExecution<T> {
    private static final Logger LOG = LoggerFactory.getLogger(SagaExecution.class);

    /** How an attempt ended. */
    private enum Outcome { COMMITTED, FAILED, TIMED_OUT }

    /** The user's code for one attempt: returns the step's output (null for a compensation). */
    @FunctionalInterface
    private interface Call {
        JSONB run(PgStepContext ctx) throws Exception;
    }

    private final PgSagaRunner runner;
    private final Keel keel;
    private final SagaDefinition<T> def;
    final Fence.Lease lease;
    private SagasRecord row;
    private volatile boolean lost;
    private boolean handedBack;
    private Throwable failure;
    /** The current data, once read: the input of the next forward step. */
    private JSONB current;

    SagaExecution(PgSagaRunner runner, SagaDefinition<T> def, SagasRecord claimed) {
        this.runner = runner;
        this.keel = runner.keel();
        this.def = def;
        this.row = claimed;
        this.lease = new Fence.Lease(claimed.getId(), claimed.getEpoch(), runner.owner());
    }

    /** Called by the renewer when the lease could not be renewed. */
    void lost() {
        lost = true;
    }

    void run() {
        try {
            if (row.getRecoveries() > runner.maxRecoveries()) {
                quarantine("recovered " + row.getRecoveries() + " times (its runners keep dying)");
            } else if (row.getTotalSteps() != def.steps().size()) {
                quarantine("stored with " + row.getTotalSteps() + " steps, but definition " + def.name() + " has "
                        + def.steps().size());
            } else {
                while (!lost && !handedBack && !runner.stopping() && step()) {
                    // next step of the same saga
                }
            }
        } catch (Fence.Lost e) {
            lost = true;
            runner.metrics().sagaLeaseLost();
            LOG.debug("Saga {}: no longer held by {}; dropped", lease.sagaId(), lease.owner());
        } catch (RuntimeException e) {
            LOG.warn("Saga {}: {}; left for the next claim", lease.sagaId(), e.toString());
        } finally {
            if (!handedBack && !lost) {
                runner.release(lease);
            }
        }
    }

    /** Runs the next step or compensation; false when this runner is done with the saga. */
    private boolean step() {
        switch (row.getStatus()) {
            case CREATED, EXECUTING -> forward();
            case COMPENSATING -> backward();
            default -> handedBack = true;
        }
        return !handedBack;
    }

    private void forward() {
        int i = row.getCurrentStep();
        OffsetDateTime deadline = row.getDeadline();
        if (deadline != null && deadline.isBefore(OffsetDateTime.now())) {
            keel.transaction(tx -> beginCompensation(tx.dsl(), SagaStatus.TIMED_OUT, SagaEvent.DEADLINE_PASSED, i,
                    null, "deadline " + deadline + " passed"));
            return;
        }
        SagaStep<T> step = def.steps().get(i);
        int attempt = row.getStepAttempt() + 1;
        JSONB input = current != null ? current : SagaReader.currentData(keel.dsl(), row);
        JSONB[] output = new JSONB[1];
        Outcome outcome = attempt(step, i, attempt, false, ctx -> {
            T result = step.action().apply(ctx, SagaJson.read(input, def.dataType()));
            return SagaJson.write(result, null, def.maxPayloadBytes(), "output of step " + step.name());
        }, (dsl, out) -> {
            boolean last = i == def.steps().size() - 1;
            row = StepCompletion.complete(dsl, lease, i, attempt, out, last);
            output[0] = out;
            handedBack = last;
        });
        switch (outcome) {
            case COMMITTED -> {
                current = output[0];
                if (handedBack) {
                    runner.finishedOne();
                }
            }
            case TIMED_OUT -> keel.transaction(tx -> {
                stepFailed(tx.dsl(), i, attempt, "timed out after " + step.options().timeout());
                beginCompensation(tx.dsl(), SagaStatus.TIMED_OUT, SagaEvent.STEP_TIMED_OUT, i, attempt,
                        "step " + step.name() + " timed out after " + step.options().timeout());
            });
            case FAILED -> recordFailure(step, i, attempt, false);
        }
    }

    private void backward() {
        int i = row.getCurrentStep();
        if (i < 0) {
            SagaStatus end = row.getEndStatus() == null ? SagaStatus.COMPENSATED : row.getEndStatus();
            keel.transaction(tx -> finish(tx.dsl(), end, List.of()));
            runner.finishedOne();
            return;
        }
        SagaStep<T> step = def.steps().get(i);
        if (step.compensation() == null) {
            keel.transaction(tx -> {
                Map<Field<?>, Object> c = changes();
                c.put(SAGAS.CURRENT_STEP, i - 1);
                row = Fence.held(tx.dsl(), lease, c, List.of(Fence.Event.of(SagaEvent.COMPENSATION_SKIPPED,
                        SagaStatus.COMPENSATING, i, null, "no compensation")),
                        changed -> compensation(tx.dsl(), changed, i, step.name(), StepStatus.SKIPPED, 0, null));
            });
            return;
        }
        int attempt = row.getStepAttempt() + 1;
        JSONB input = SagaReader.output(keel.dsl(), lease.sagaId(), i);
        Outcome outcome = attempt(step, i, attempt, true, ctx -> {
            step.compensation().compensate(ctx, SagaJson.read(input, def.dataType()));
            return null;
        }, (dsl, out) -> {
            Map<Field<?>, Object> c = changes();
            c.put(SAGAS.CURRENT_STEP, i - 1);
            row = Fence.held(dsl, lease, c, List.of(
                    Fence.Event.of(SagaEvent.COMPENSATION_STARTED, SagaStatus.COMPENSATING, i, attempt, null),
                    Fence.Event.of(SagaEvent.COMPENSATION_COMPLETED, SagaStatus.COMPENSATING, i, attempt, null)),
                    changed -> compensation(dsl, changed, i, step.name(), StepStatus.COMPLETED, attempt, null));
        });
        if (outcome != Outcome.COMMITTED) {
            recordFailure(step, i, attempt, true);
        }
    }

    /** One attempt in its own transaction: the user's code, then {@code completion}, then commit. */
    private Outcome attempt(SagaStep<T> step, int i, int attempt, boolean compensating, Call call,
                            java.util.function.BiConsumer<DSLContext, JSONB> completion) {
        StepOptions options = step.options();
        failure = null;
        try (Tx tx = keel.begin()) {
            long timeout = options.timeout().toMillis();
            // A frozen runner must not hold rows past its lease: the server ends such a session. Set when the
            // step first uses its transaction; until then the transaction has not begun on the server.
            Runnable limits = () -> tx.dsl().select(
                    DSL.field("set_config('idle_in_transaction_session_timeout', {0}, true)", String.class,
                            DSL.val(Long.toString(runner.leaseMillis()))),
                    DSL.field("set_config('statement_timeout', {0}, true)", String.class,
                            DSL.val(Long.toString(timeout)))).fetch();
            PgStepContext ctx = new PgStepContext(tx, limits, runner.pool(), lease, step.name(), i, compensating,
                    attempt, def.maxPayloadBytes(), row.getStatus());
            long started = System.nanoTime();
            JSONB out;
            try {
                if (runner.everyStepTwiceMode()) {
                    Savepoint sp = ctx.tx().savepoint("keel_saga_first_run");
                    JSONB first = call.run(ctx);
                    tx.rollbackTo(sp);
                    out = call.run(ctx);
                    if (!Objects.equals(tree(first), tree(out))) {
                        throw new IllegalStateException("step " + step.name() + " is not idempotent: its first run "
                                + "returned " + json(first) + ", its second " + json(out));
                    }
                } else {
                    out = call.run(ctx);
                }
            } catch (Fence.Lost e) {
                throw e;
            } catch (Exception e) {
                failure = e;
                boolean timedOut = timeout > 0 && (e instanceof QueryTimeoutException
                        || System.nanoTime() - started > timeout * 1_000_000);
                return timedOut && !compensating ? Outcome.TIMED_OUT : Outcome.FAILED;
            }
            if (timeout > 0 && System.nanoTime() - started > timeout * 1_000_000) {
                return compensating ? Outcome.FAILED : Outcome.TIMED_OUT;
            }
            if (lost) {
                throw new Fence.Lost(lease.sagaId());
            }
            if (ctx.usedTx()) {
                completion.accept(tx.dsl(), out);
                tx.commit();
            } else {
                // Nothing began on the server: the completion is one statement, its own transaction, committed
                // by the server as it ends, which saves the round trip of a COMMIT.
                tx.commit();
                completion.accept(keel.dsl(), out);
            }
            runner.metrics().sagaStep();
            return Outcome.COMMITTED;
        }
    }

    /** After a failed attempt: retry after the backoff, or compensate (a step) or fail (a compensation). */
    private void recordFailure(SagaStep<T> step, int i, int attempt, boolean compensating) {
        runner.metrics().sagaStepFailed();
        int failures = row.getStepFailures() + 1;
        String message = failure == null ? "timed out" : Fence.clip(failure.toString());
        StepOptions options = step.options();
        keel.transaction(tx -> {
            DSLContext dsl = tx.dsl();
            if (failures < options.attempts()) {
                Map<Field<?>, Object> c = new LinkedHashMap<>();
                c.put(SAGAS.STEP_ATTEMPT, attempt);
                c.put(SAGAS.STEP_FAILURES, failures);
                c.put(SAGAS.NEXT_RUN_AT, SagaSql.nowPlus(options.backoffAfter(failures)));
                c.put(SAGAS.ERROR, message);
                handBack(c);
                row = Fence.held(dsl, lease, c, List.of(Fence.Event.of(compensating ? SagaEvent.COMPENSATION_RETRYING
                        : SagaEvent.STEP_RETRYING, row.getStatus(), i, attempt, message)), compensating ? null
                        : changed -> dsl.update(SAGA_STEPS).set(SAGA_STEPS.STATUS, StepStatus.RETRYING)
                                .set(SAGA_STEPS.ERROR, message).set(SAGA_STEPS.ATTEMPTS, attempt)
                                .where(SAGA_STEPS.SAGA_ID.eq(lease.sagaId())).and(SAGA_STEPS.STEP_INDEX.eq(i))
                                .and(changed));
                handedBack = true;
            } else if (!compensating) {
                stepFailed(dsl, i, attempt, message);
                beginCompensation(dsl, SagaStatus.COMPENSATED, SagaEvent.STEP_FAILED, i, attempt,
                        "step " + step.name() + " failed: " + message);
            } else {
                Map<Field<?>, Object> c = new LinkedHashMap<>();
                c.put(SAGAS.ERROR, "compensation of step " + step.name() + " failed: " + message);
                finish(dsl, SagaStatus.FAILED, List.of(Fence.Event.of(SagaEvent.COMPENSATION_FAILED,
                        SagaStatus.FAILED, i, attempt, message)), c,
                        changed -> compensation(dsl, changed, i, step.name(), StepStatus.FAILED, attempt, message));
            }
        });
        if (compensating && failures >= options.attempts()) {
            runner.finishedOne();
        }
    }

    private void stepFailed(DSLContext dsl, int i, int attempt, String message) {
        dsl.update(SAGA_STEPS).set(SAGA_STEPS.STATUS, StepStatus.FAILED).set(SAGA_STEPS.ERROR, message)
                .set(SAGA_STEPS.ATTEMPTS, attempt)
                .where(SAGA_STEPS.SAGA_ID.eq(lease.sagaId())).and(SAGA_STEPS.STEP_INDEX.eq(i)).execute();
    }

    /** Turns the saga round: its completed steps will be compensated, newest first, then it ends {@code end}. */
    private void beginCompensation(DSLContext dsl, SagaStatus end, String event, int step, Integer attempt,
                                   String reason) {
        Map<Field<?>, Object> c = changes();
        c.put(SAGAS.STATUS, SagaStatus.COMPENSATING);
        c.put(SAGAS.END_STATUS, end);
        c.put(SAGAS.CURRENT_STEP, row.getCompletedSteps() - 1);
        c.put(SAGAS.ERROR, reason);
        row = Fence.held(dsl, lease, c, List.of(Fence.Event.of(event, SagaStatus.COMPENSATING, step, attempt,
                reason)));
    }

    private void finish(DSLContext dsl, SagaStatus end, List<Fence.Event> before) {
        finish(dsl, end, before, new LinkedHashMap<>(), null);
    }

    private void finish(DSLContext dsl, SagaStatus end, List<Fence.Event> before, Map<Field<?>, Object> c,
                        Function<Condition, Query> alongside) {
        c.put(SAGAS.STATUS, end);
        finishing(c);
        List<Fence.Event> events = new ArrayList<>(before);
        events.add(Fence.Event.of(SagaEvent.FINISHED, end, null, null, null));
        row = Fence.held(dsl, lease, c, events, alongside);
        handedBack = true;
    }

    private void quarantine(String reason) {
        keel.transaction(tx -> {
            Map<Field<?>, Object> c = new LinkedHashMap<>();
            c.put(SAGAS.QUARANTINED, true);
            c.put(SAGAS.ERROR, "quarantined: " + reason);
            handBack(c);
            row = Fence.held(tx.dsl(), lease, c, List.of(Fence.Event.of(SagaEvent.QUARANTINED, row.getStatus(),
                    row.getCurrentStep(), null, reason)));
        });
        handedBack = true;
        LOG.warn("Saga {} quarantined: {}", lease.sagaId(), reason);
    }

    /** The compensation's record, written only if the saga row was {@code changed} in the same statement. */
    private Query compensation(DSLContext dsl, Condition changed, int i, String name, StepStatus status,
                               int attempts, String error) {
        return dsl.insertInto(SAGA_COMPENSATIONS, SAGA_COMPENSATIONS.SAGA_ID, SAGA_COMPENSATIONS.STEP_INDEX,
                        SAGA_COMPENSATIONS.NAME, SAGA_COMPENSATIONS.STATUS, SAGA_COMPENSATIONS.ATTEMPTS,
                        SAGA_COMPENSATIONS.ERROR)
                .select(DSL.select(DSL.val(lease.sagaId(), SAGA_COMPENSATIONS.SAGA_ID),
                        DSL.val(i, SAGA_COMPENSATIONS.STEP_INDEX), DSL.val(name, SAGA_COMPENSATIONS.NAME),
                        DSL.val(status, SAGA_COMPENSATIONS.STATUS), DSL.val(attempts, SAGA_COMPENSATIONS.ATTEMPTS),
                        DSL.val(error, SAGA_COMPENSATIONS.ERROR)).where(changed));
    }

    /** The changes every move to the next step (or compensation) makes. */
    private static Map<Field<?>, Object> changes() {
        Map<Field<?>, Object> c = new LinkedHashMap<>();
        c.put(SAGAS.STEP_ATTEMPT, 0);
        c.put(SAGAS.STEP_FAILURES, 0);
        return c;
    }

    private static void finishing(Map<Field<?>, Object> c) {
        c.put(SAGAS.COMPLETED_AT, DSL.currentOffsetDateTime());
        handBack(c);
    }

    private static void handBack(Map<Field<?>, Object> c) {
        c.put(SAGAS.LEASE_OWNER, null);
        c.put(SAGAS.LEASE_EXPIRES_AT, null);
    }

    private static Object tree(JSONB j) {
        return j == null ? null : SagaJson.tree(SagaJson.read(j, Object.class));
    }

    private static String json(JSONB j) {
        return j == null ? "nothing" : j.data();
    }
}
