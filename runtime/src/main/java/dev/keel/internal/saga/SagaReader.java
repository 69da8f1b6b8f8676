package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;
import static dev.keel.internal.db.Tables.SAGA_COMPENSATIONS;
import static dev.keel.internal.db.Tables.SAGA_EVENTS;
import static dev.keel.internal.db.Tables.SAGA_STEPS;

import dev.keel.internal.db.tables.records.SagasRecord;
import dev.keel.saga.CompensationState;
import dev.keel.saga.SagaEvent;
import dev.keel.saga.SagaState;
import dev.keel.saga.SagaStatus;
import dev.keel.saga.StepState;
import dev.keel.saga.StepStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** Reads sagas, their steps, compensations and trails. Each read is one snapshot (REPEATABLE READ) or one statement. */
final class SagaReader {
    private SagaReader() {
    }

    static Optional<SagaState> load(DSLContext dsl, UUID id) {
        SagasRecord row = dsl.selectFrom(SAGAS).where(SAGAS.ID.eq(id)).fetchOne();
        return Optional.ofNullable(row).map(r -> state(dsl, r));
    }

    static SagaState state(DSLContext dsl, SagasRecord row) {
        UUID id = row.getId();
        List<StepState> steps = dsl.selectFrom(SAGA_STEPS).where(SAGA_STEPS.SAGA_ID.eq(id))
                .orderBy(SAGA_STEPS.STEP_INDEX)
                .fetch(s -> new StepState(s.getStepIndex(), s.getName(), StepStatus.valueOf(s.getStatus().name()),
                        s.getAttempts(), Optional.ofNullable(s.getError()), PgSagaState.instant(s.getCompletedAt())));
        List<CompensationState> comps = dsl.selectFrom(SAGA_COMPENSATIONS).where(SAGA_COMPENSATIONS.SAGA_ID.eq(id))
                .orderBy(SAGA_COMPENSATIONS.STEP_INDEX.desc())
                .fetch(c -> new CompensationState(c.getStepIndex(), c.getName(),
                        StepStatus.valueOf(c.getStatus().name()), c.getAttempts(), Optional.ofNullable(c.getError()),
                        c.getCompletedAt().toInstant()));
        return new PgSagaState(row, currentData(dsl, row), steps, comps);
    }

    /** The newest completed step's output, else the initial data. */
    static JSONB currentData(DSLContext dsl, SagasRecord row) {
        return row.getCompletedSteps() == 0 ? row.getData() : output(dsl, row.getId(), row.getCompletedSteps() - 1);
    }

    static JSONB output(DSLContext dsl, UUID id, int stepIndex) {
        return dsl.select(SAGA_STEPS.OUTPUT).from(SAGA_STEPS)
                .where(SAGA_STEPS.SAGA_ID.eq(id)).and(SAGA_STEPS.STEP_INDEX.eq(stepIndex))
                .fetchOne(SAGA_STEPS.OUTPUT);
    }

    static List<SagaEvent> events(DSLContext dsl, UUID id) {
        return dsl.selectFrom(SAGA_EVENTS).where(SAGA_EVENTS.SAGA_ID.eq(id)).orderBy(SAGA_EVENTS.SEQ)
                .fetch(e -> new SagaEvent(e.getSagaId(), e.getSeq(), e.getType(),
                        SagaStatus.valueOf(e.getStatus().name()), Optional.ofNullable(e.getStepIndex()),
                        Optional.ofNullable(e.getAttempt()), e.getRunner(), Optional.ofNullable(e.getDetail()),
                        e.getAt().toInstant()));
    }

    static List<SagaState> list(DSLContext dsl, SagaStatus status, int limit) {
        var where = status == null ? org.jooq.impl.DSL.noCondition()
                : SAGAS.STATUS.eq(dev.keel.internal.db.enums.SagaStatus.valueOf(status.name()));
        return dsl.selectFrom(SAGAS).where(where).orderBy(SAGAS.CREATED_AT.desc()).limit(limit).fetch()
                .map(r -> state(dsl, r));
    }
}
