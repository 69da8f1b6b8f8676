package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;

import dev.keel.internal.db.enums.SagaStatus;
import dev.keel.saga.SagaStats;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** {@link SagaStats} in two statements; the caller runs them in one REPEATABLE READ snapshot. */
final class SagaStatistics {
    /** Runnable sagas, with the statuses inlined so the planner can match the partial claim index. */
    static final Condition RUNNABLE = SAGAS.STATUS.in(DSL.inline(SagaStatus.CREATED), DSL.inline(SagaStatus.EXECUTING),
            DSL.inline(SagaStatus.COMPENSATING));

    private SagaStatistics() {
    }

    static SagaStats read(DSLContext dsl) {
        Map<dev.keel.saga.SagaStatus, Long> byStatus = new EnumMap<>(dev.keel.saga.SagaStatus.class);
        for (dev.keel.saga.SagaStatus s : dev.keel.saga.SagaStatus.values()) {
            byStatus.put(s, 0L);
        }
        dsl.select(SAGAS.STATUS, DSL.count()).from(SAGAS).groupBy(SAGAS.STATUS).fetch()
                .forEach(r -> byStatus.put(dev.keel.saga.SagaStatus.valueOf(r.value1().name()), r.value2()
                        .longValue()));
        Field<OffsetDateTime> now = DSL.currentOffsetDateTime();
        Field<Integer> active = DSL.count().filterWhere(SAGAS.COMPLETED_AT.isNull());
        Field<OffsetDateTime> oldest = DSL.min(SAGAS.CREATED_AT).filterWhere(SAGAS.COMPLETED_AT.isNull());
        Field<Integer> expired = DSL.count().filterWhere(RUNNABLE.and(SAGAS.LEASE_OWNER.isNotNull())
                .and(SAGAS.LEASE_EXPIRES_AT.lt(now)));
        Field<Integer> retrying = DSL.count().filterWhere(RUNNABLE.and(SAGAS.STEP_FAILURES.gt(0)));
        Field<Integer> quarantined = DSL.count().filterWhere(SAGAS.QUARANTINED.isTrue().and(SAGAS.COMPLETED_AT.isNull()));
        Field<Integer> lastMinute = DSL.count().filterWhere(SAGAS.COMPLETED_AT.gt(
                DSL.field("now() - interval '1 minute'", OffsetDateTime.class)));
        Field<OffsetDateTime> at = now.as("now");
        Record r = dsl.select(active, oldest, expired, retrying, quarantined, lastMinute, at).from(SAGAS).fetchOne();
        OffsetDateTime first = r.get(oldest);
        Duration age = first == null ? Duration.ZERO : Duration.between(first, r.get(at));
        return new SagaStats(Map.copyOf(byStatus), r.get(active), age.isNegative() ? Duration.ZERO : age,
                r.get(expired), r.get(retrying), r.get(quarantined), r.get(lastMinute));
    }
}
