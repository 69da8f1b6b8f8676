package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;
import static dev.keel.internal.db.Tables.SAGA_EVENTS;

import dev.keel.internal.db.enums.SagaStatus;
import dev.keel.internal.db.tables.records.SagasRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep8;
import org.jooq.impl.DSL;

/**
 * A change to a saga row together with its audit events, in the caller's transaction. The update checks its
 * condition (for a runner: the fencing epoch, lease owner and an unexpired lease) in the same statement, takes the
 * events' numbers from {@code last_seq} under that row lock and bumps the version, so the trail is gapless and a
 * fenced-out runner writes nothing.
 */
final class Fence {
    /** A runner's hold on a saga: what every write for the saga checks. */
    record Lease(UUID sagaId, long epoch, String owner) {
        Condition held() {
            return SAGAS.ID.eq(sagaId).and(SAGAS.EPOCH.eq(epoch)).and(SAGAS.LEASE_OWNER.eq(owner))
                    .and(SAGAS.LEASE_EXPIRES_AT.gt(DSL.currentOffsetDateTime()));
        }
    }

    /** One audit event; {@code status} is the saga's status after it. */
    record Event(String type, SagaStatus status, Integer step, Integer attempt, String detail) {
        static Event of(String type, SagaStatus status, Integer step, Integer attempt, String detail) {
            return new Event(type, status, step, attempt, detail == null ? null : clip(detail));
        }
    }

    /** The saga was no longer the runner's (or no longer in the state a command expects): nothing was written. */
    static final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Lost(UUID id) {
            super("saga " + id + " is no longer held", null, false, false);
        }
    }

    private Fence() {
    }

    /**
     * Applies {@code changes} to saga {@code id} where {@code condition} holds and appends {@code events}.
     *
     * @return the row after the change, or {@code null} when the condition did not hold (nothing written)
     */
    static SagasRecord apply(DSLContext dsl, UUID id, Condition condition, Map<Field<?>, Object> changes,
                             String runner, List<Event> events) {
        int n = events.size();
        SagasRecord row = dsl.update(SAGAS)
                .set(changes)
                .set(SAGAS.LAST_SEQ, SAGAS.LAST_SEQ.plus(n))
                .set(SAGAS.VERSION, SAGAS.VERSION.plus(n))
                .set(SAGAS.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(SAGAS.ID.eq(id)).and(condition)
                .returning()
                .fetchOne();
        if (row == null || n == 0) {
            return row;
        }
        InsertValuesStep8<?, UUID, Long, String, SagaStatus, Integer, Integer, String, String> insert = dsl
                .insertInto(SAGA_EVENTS, SAGA_EVENTS.SAGA_ID, SAGA_EVENTS.SEQ, SAGA_EVENTS.TYPE, SAGA_EVENTS.STATUS,
                        SAGA_EVENTS.STEP_INDEX, SAGA_EVENTS.ATTEMPT, SAGA_EVENTS.RUNNER, SAGA_EVENTS.DETAIL);
        long first = row.getLastSeq() - n + 1;
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            insert = insert.values(id, first + i, e.type(), e.status(), e.step(), e.attempt(), runner, e.detail());
        }
        insert.execute();
        return row;
    }

    /** Like {@link #apply}, for a runner: throws {@link Lost} when the lease no longer holds. */
    static SagasRecord held(DSLContext dsl, Lease lease, Map<Field<?>, Object> changes, List<Event> events) {
        SagasRecord row = apply(dsl, lease.sagaId(), lease.held(), changes, lease.owner(), events);
        if (row == null) {
            throw new Lost(lease.sagaId());
        }
        return row;
    }

    static String clip(String s) {
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }
}
