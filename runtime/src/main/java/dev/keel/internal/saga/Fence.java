package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;
import static dev.keel.internal.db.Tables.SAGA_EVENTS;

import dev.keel.internal.db.enums.SagaStatus;
import dev.keel.internal.db.tables.records.SagasRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.Record8;
import org.jooq.Select;
import org.jooq.Table;
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

    /** The changed saga row, as the statement's first part names it. */
    private static final Table<Record> CHANGED = DSL.table(DSL.name("s"));
    private static final Field<Long> CHANGED_LAST_SEQ = DSL.field(DSL.name("s", "last_seq"), Long.class);

    private Fence() {
    }

    /**
     * Applies {@code changes} to saga {@code id} where {@code condition} holds and appends {@code events}.
     *
     * @return the row after the change, or {@code null} when the condition did not hold (nothing written)
     */
    static SagasRecord apply(DSLContext dsl, UUID id, Condition condition, Map<Field<?>, Object> changes,
                             String runner, List<Event> events) {
        return apply(dsl, id, condition, changes, runner, events, null);
    }

    /**
     * Like {@link #apply(DSLContext, UUID, Condition, Map, String, List)}, with {@code alongside}'s write (to
     * another of the saga's tables) in the same statement: one round trip for the row, its events and that write.
     * {@code alongside} is given the condition "the saga row was changed" and must make its write depend on it.
     */
    static SagasRecord apply(DSLContext dsl, UUID id, Condition condition, Map<Field<?>, Object> changes,
                             String runner, List<Event> events, Function<Condition, Query> alongside) {
        int n = events.size();
        Query update = dsl.update(SAGAS)
                .set(changes)
                .set(SAGAS.LAST_SEQ, SAGAS.LAST_SEQ.plus(n))
                .set(SAGAS.VERSION, SAGAS.VERSION.plus(n))
                .set(SAGAS.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(SAGAS.ID.eq(id)).and(condition)
                .returning();
        List<QueryPart> parts = new ArrayList<>(3);
        parts.add(update);
        StringBuilder sql = new StringBuilder("with s as ({0})");
        if (n > 0) {
            sql.append(", e as ({").append(parts.size()).append("})");
            parts.add(events(dsl, id, runner, events));
        }
        if (alongside != null) {
            sql.append(", x as ({").append(parts.size()).append("})");
            parts.add(alongside.apply(DSL.exists(DSL.selectOne().from(CHANGED))));
        }
        sql.append(" select * from s");
        return dsl.resultQuery(sql.toString(), parts.toArray(QueryPart[]::new)).coerce(SAGAS).fetchOne();
    }

    /** The events' insert: numbered after the changed row's previous {@code last_seq}, and only if it changed. */
    private static Query events(DSLContext dsl, UUID id, String runner, List<Event> events) {
        int n = events.size();
        Select<Record8<UUID, Long, String, SagaStatus, Integer, Integer, String, String>> rows = null;
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            Select<Record8<UUID, Long, String, SagaStatus, Integer, Integer, String, String>> one = DSL.select(
                    DSL.val(id, SAGA_EVENTS.SAGA_ID), CHANGED_LAST_SEQ.minus(n - 1 - i),
                    DSL.val(e.type(), SAGA_EVENTS.TYPE), DSL.val(e.status(), SAGA_EVENTS.STATUS),
                    DSL.val(e.step(), SAGA_EVENTS.STEP_INDEX), DSL.val(e.attempt(), SAGA_EVENTS.ATTEMPT),
                    DSL.val(runner, SAGA_EVENTS.RUNNER), DSL.val(e.detail(), SAGA_EVENTS.DETAIL)).from(CHANGED);
            rows = rows == null ? one : rows.unionAll(one);
        }
        return dsl.insertInto(SAGA_EVENTS, SAGA_EVENTS.SAGA_ID, SAGA_EVENTS.SEQ, SAGA_EVENTS.TYPE,
                SAGA_EVENTS.STATUS, SAGA_EVENTS.STEP_INDEX, SAGA_EVENTS.ATTEMPT, SAGA_EVENTS.RUNNER,
                SAGA_EVENTS.DETAIL).select(rows);
    }

    /** Like {@link #apply}, for a runner: throws {@link Lost} when the lease no longer holds. */
    static SagasRecord held(DSLContext dsl, Lease lease, Map<Field<?>, Object> changes, List<Event> events) {
        return held(dsl, lease, changes, events, null);
    }

    /** Like {@link #apply(DSLContext, UUID, Condition, Map, String, List, Function)}, for a runner. */
    static SagasRecord held(DSLContext dsl, Lease lease, Map<Field<?>, Object> changes, List<Event> events,
                            Function<Condition, Query> alongside) {
        SagasRecord row = apply(dsl, lease.sagaId(), lease.held(), changes, lease.owner(), events, alongside);
        if (row == null) {
            throw new Lost(lease.sagaId());
        }
        return row;
    }

    static String clip(String s) {
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }
}
