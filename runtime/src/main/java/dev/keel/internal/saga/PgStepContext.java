package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGA_CHECKPOINTS;

import dev.keel.Tx;
import dev.keel.internal.ErrorTranslator;
import dev.keel.saga.SagaEvent;
import dev.keel.saga.StepContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * One attempt's {@link StepContext}; confined to the worker thread running it. The attempt's limits (statement
 * timeout, idle-in-transaction timeout) are set in its transaction when the step first asks for {@link #tx()}, so
 * a step that does no database work costs its transaction no statement beyond the completion.
 */
final class PgStepContext implements StepContext {
    private final Tx tx;
    private Runnable firstUse;
    private final DataSource pool;
    private final Fence.Lease lease;
    private final String stepName;
    private final int stepIndex;
    private final boolean compensating;
    private final int attempt;
    private final int maxPayloadBytes;
    private final dev.keel.internal.db.enums.SagaStatus status;

    PgStepContext(Tx tx, Runnable firstUse, DataSource pool, Fence.Lease lease, String stepName, int stepIndex,
                  boolean compensating, int attempt, int maxPayloadBytes,
                  dev.keel.internal.db.enums.SagaStatus status) {
        this.tx = tx;
        this.firstUse = firstUse;
        this.pool = pool;
        this.lease = lease;
        this.stepName = stepName;
        this.stepIndex = stepIndex;
        this.compensating = compensating;
        this.attempt = attempt;
        this.maxPayloadBytes = maxPayloadBytes;
        this.status = status;
    }

    @Override
    public Tx tx() {
        if (firstUse != null) {
            Runnable r = firstUse;
            firstUse = null;
            r.run();
        }
        return tx;
    }

    /** Whether the step asked for its transaction (and so may have written through it). */
    boolean usedTx() {
        return firstUse == null;
    }

    @Override
    public UUID sagaId() {
        return lease.sagaId();
    }

    @Override
    public int stepIndex() {
        return stepIndex;
    }

    @Override
    public String stepName() {
        return stepName;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean compensating() {
        return compensating;
    }

    @Override
    public String idempotencyKey() {
        return lease.sagaId() + (compensating ? ":compensate:" : ":step:") + stepIndex;
    }

    @Override
    public void saveCheckpoint(Object value) {
        JSONB json = SagaJson.write(value, null, maxPayloadBytes, "checkpoint of step " + stepName);
        try {
            // Its own transaction on a second connection: the checkpoint must outlive this attempt's rollback.
            DSL.using(pool, SQLDialect.POSTGRES).transaction(cfg -> {
                Fence.held(cfg.dsl(), lease, Map.of(), List.of(Fence.Event.of(SagaEvent.CHECKPOINT, status,
                        stepIndex, attempt, null)));
                cfg.dsl().insertInto(SAGA_CHECKPOINTS)
                        .set(SAGA_CHECKPOINTS.SAGA_ID, lease.sagaId())
                        .set(SAGA_CHECKPOINTS.STEP_INDEX, stepIndex)
                        .set(SAGA_CHECKPOINTS.COMPENSATING, compensating)
                        .set(SAGA_CHECKPOINTS.VALUE, json)
                        .set(SAGA_CHECKPOINTS.ATTEMPT, attempt)
                        .onConflict(SAGA_CHECKPOINTS.SAGA_ID, SAGA_CHECKPOINTS.STEP_INDEX, SAGA_CHECKPOINTS.COMPENSATING)
                        .doUpdate()
                        .set(SAGA_CHECKPOINTS.VALUE, json)
                        .set(SAGA_CHECKPOINTS.ATTEMPT, attempt)
                        .set(SAGA_CHECKPOINTS.SAVED_AT, DSL.currentOffsetDateTime())
                        .execute();
            });
        } catch (DataAccessException e) {
            throw ErrorTranslator.translate("save checkpoint of saga " + lease.sagaId() + " step " + stepName, e);
        } catch (Fence.Lost e) {
            throw new dev.keel.KeelException("save checkpoint of saga " + lease.sagaId() + " step " + stepName
                    + ": this runner no longer holds the saga", null, null);
        }
    }

    @Override
    public <C> Optional<C> checkpoint(Class<C> type) {
        JSONB v = tx().dsl().select(SAGA_CHECKPOINTS.VALUE).from(SAGA_CHECKPOINTS)
                .where(SAGA_CHECKPOINTS.SAGA_ID.eq(lease.sagaId()))
                .and(SAGA_CHECKPOINTS.STEP_INDEX.eq(stepIndex))
                .and(SAGA_CHECKPOINTS.COMPENSATING.eq(compensating))
                .fetchOne(SAGA_CHECKPOINTS.VALUE);
        return Optional.ofNullable(v).map(j -> SagaJson.read(j, type));
    }
}
