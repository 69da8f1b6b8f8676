package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;

import dev.keel.internal.db.tables.records.SagasRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Row2;
import org.jooq.impl.DSL;

/**
 * Claiming, renewing and handing back leases. Each is one short auto-committed statement; times come from the
 * database's clock, so runners on hosts with skewed clocks agree on who holds what.
 */
final class Claims {
    private Claims() {
    }

    /**
     * Claims up to {@code n} runnable sagas named {@code name}: due, not quarantined, with no lease or an expired
     * one. Bumps each one's epoch; counts a recovery when the previous lease expired instead of being handed back.
     * Rows another claimer has locked are skipped, so claimers never wait for each other.
     */
    static List<SagasRecord> claim(DSLContext dsl, String name, String owner, Duration lease, int n) {
        return SagaRows.run(dsl, "claim sagas named " + name, CLAIM, owner, lease.toMillis(), name, n);
    }

    /**
     * The claim, written out once (a worker runs it for every few sagas). The inner query's conditions are those of
     * {@code sagas_runnable_idx}, which serves it.
     */
    private static final String CLAIM = "update keel.sagas set lease_owner = ?, "
            + "lease_expires_at = now() + ? * interval '1 millisecond', epoch = epoch + 1, "
            + "recoveries = case when lease_owner is not null then recoveries + 1 else recoveries end "
            + "where id in (select id from keel.sagas where name = ? "
            + "and status in ('CREATED', 'EXECUTING', 'COMPENSATING') and not quarantined "
            + "and next_run_at <= current_timestamp "
            + "and (lease_expires_at is null or lease_expires_at < current_timestamp) "
            + "order by next_run_at limit ? for update skip locked) "
            + "returning " + SagaRows.COLUMNS;

    /** Extends the leases still held; returns the ids renewed. The others were lost (fenced out or expired). */
    static Set<UUID> renew(DSLContext dsl, String owner, Duration lease, Collection<Fence.Lease> held) {
        if (held.isEmpty()) {
            return Set.of();
        }
        List<Row2<UUID, Long>> keys = held.stream().map(l -> DSL.row(l.sagaId(), l.epoch())).toList();
        return new HashSet<>(dsl.update(SAGAS)
                .set(SAGAS.LEASE_EXPIRES_AT, SagaSql.nowPlus(lease))
                .where(DSL.row(SAGAS.ID, SAGAS.EPOCH).in(keys))
                .and(SAGAS.LEASE_OWNER.eq(owner))
                .and(SAGAS.LEASE_EXPIRES_AT.gt(DSL.currentOffsetDateTime()))
                .returning(SAGAS.ID)
                .fetch(SAGAS.ID));
    }

    /** Hands a lease back, so the saga can be claimed at once and no recovery is counted. */
    static void release(DSLContext dsl, Fence.Lease lease) {
        dsl.update(SAGAS)
                .setNull(SAGAS.LEASE_OWNER)
                .setNull(SAGAS.LEASE_EXPIRES_AT)
                .where(SAGAS.ID.eq(lease.sagaId())).and(SAGAS.EPOCH.eq(lease.epoch()))
                .and(SAGAS.LEASE_OWNER.eq(lease.owner()))
                .execute();
    }
}
