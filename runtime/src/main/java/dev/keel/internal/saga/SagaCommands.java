package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;

import dev.keel.Keel;
import dev.keel.error.NotFoundException;
import dev.keel.internal.db.enums.SagaStatus;
import dev.keel.internal.db.tables.records.SagasRecord;
import dev.keel.saga.SagaEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Pause, resume and cancel. Each is one fenced change with its event. Pause and cancel bump the fencing epoch and
 * clear the lease, so a runner working on the saga is fenced out and rolls its step back.
 */
final class SagaCommands {
    static final String API = "api";

    private final Keel keel;

    SagaCommands(Keel keel) {
        this.keel = keel;
    }

    boolean pause(UUID id) {
        Map<Field<?>, Object> c = fenceOut();
        c.put(SAGAS.STATUS, SagaStatus.PAUSED);
        c.put(SAGAS.PAUSED_FROM, SAGAS.STATUS);
        return change(id, "pause", SagaStatistics.RUNNABLE, c, SagaEvent.PAUSED, SagaStatus.PAUSED);
    }

    boolean resume(UUID id) {
        Map<Field<?>, Object> c = new LinkedHashMap<>();
        c.put(SAGAS.STATUS, DSL.when(SAGAS.STATUS.eq(SagaStatus.PAUSED), SAGAS.PAUSED_FROM).otherwise(SAGAS.STATUS));
        c.put(SAGAS.PAUSED_FROM, DSL.inline(null, SAGAS.PAUSED_FROM));
        c.put(SAGAS.QUARANTINED, false);
        c.put(SAGAS.RECOVERIES, 0);
        c.put(SAGAS.NEXT_RUN_AT, DSL.currentOffsetDateTime());
        Condition resumable = SAGAS.STATUS.eq(SagaStatus.PAUSED)
                .or(SAGAS.QUARANTINED.isTrue().and(SAGAS.COMPLETED_AT.isNull()));
        return change(id, "resume", resumable, c, SagaEvent.RESUMED, null);
    }

    boolean cancel(UUID id) {
        Map<Field<?>, Object> c = fenceOut();
        c.put(SAGAS.STATUS, SagaStatus.COMPENSATING);
        c.put(SAGAS.END_STATUS, SagaStatus.CANCELLED);
        c.put(SAGAS.CURRENT_STEP, SAGAS.COMPLETED_STEPS.minus(1));
        c.put(SAGAS.PAUSED_FROM, DSL.inline(null, SAGAS.PAUSED_FROM));
        c.put(SAGAS.ERROR, "cancelled");
        Condition forward = SAGAS.STATUS.in(SagaStatus.CREATED, SagaStatus.EXECUTING)
                .or(SAGAS.STATUS.eq(SagaStatus.PAUSED).and(SAGAS.PAUSED_FROM.ne(SagaStatus.COMPENSATING)));
        return change(id, "cancel", forward, c, SagaEvent.CANCELLED, SagaStatus.COMPENSATING);
    }

    private static Map<Field<?>, Object> fenceOut() {
        Map<Field<?>, Object> c = new LinkedHashMap<>();
        c.put(SAGAS.EPOCH, SAGAS.EPOCH.plus(1));
        c.put(SAGAS.LEASE_OWNER, DSL.inline(null, SAGAS.LEASE_OWNER));
        c.put(SAGAS.LEASE_EXPIRES_AT, DSL.inline(null, SAGAS.LEASE_EXPIRES_AT));
        c.put(SAGAS.STEP_ATTEMPT, 0);
        c.put(SAGAS.STEP_FAILURES, 0);
        c.put(SAGAS.NEXT_RUN_AT, DSL.currentOffsetDateTime());
        return c;
    }

    private boolean change(UUID id, String what, Condition when, Map<Field<?>, Object> changes, String event,
                           SagaStatus after) {
        Objects.requireNonNull(id, "id");
        return keel.transactionResult(tx -> {
            DSLContext dsl = tx.dsl();
            // the row lock first, so the event's status is the one this change leaves
            SagasRecord before = dsl.selectFrom(SAGAS).where(SAGAS.ID.eq(id)).forUpdate().fetchOne();
            if (before == null) {
                throw new NotFoundException(what + " saga " + id + ": no such saga");
            }
            SagaStatus status = after != null ? after
                    : before.getStatus() == SagaStatus.PAUSED ? before.getPausedFrom() : before.getStatus();
            SagasRecord row = Fence.apply(dsl, id, when, changes, API,
                    List.of(Fence.Event.of(event, status, null, null, null)));
            return row != null;
        });
    }
}
