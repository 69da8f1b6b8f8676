package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;

import dev.keel.internal.db.tables.records.SagasRecord;
import dev.keel.saga.SagaEvent;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * The completion of a forward step, the statement every happy step ends with, written out once: in one statement,
 * the fenced update of the saga row (next step, or COMPLETED and the lease handed back after the last), its audit
 * events numbered from {@code last_seq}, and the step's row, written only if the saga row changed. It does what
 * {@link Fence#held} does with the same changes; as text fixed in advance, it costs the worker no query building.
 */
final class StepCompletion {
    private static final String NEXT = sql(false);
    private static final String LAST = sql(true);

    private StepCompletion() {
    }

    private static String sql(boolean last) {
        String status = last ? "'COMPLETED'" : "'EXECUTING'";
        String finish = last ? ", completed_at = current_timestamp, lease_owner = NULL, lease_expires_at = NULL" : "";
        int events = last ? 3 : 2;
        String rows = "(" + (events - 1) + ", '" + SagaEvent.STEP_STARTED + "', 'EXECUTING', ?::integer, ?::integer), "
                + "(" + (events - 2) + ", '" + SagaEvent.STEP_COMPLETED + "', " + status + ", ?::integer, ?::integer)"
                + (last ? ", (0, '" + SagaEvent.FINISHED + "', 'COMPLETED', NULL::integer, NULL::integer)" : "");
        return "with s as (update keel.sagas set step_attempt = 0, step_failures = 0, current_step = ?, "
                + "completed_steps = ?, status = " + status + "::keel.saga_status" + finish + ", "
                + "last_seq = last_seq + " + events + ", version = version + " + events + ", "
                + "updated_at = current_timestamp "
                + "where id = ? and epoch = ? and lease_owner = ? and lease_expires_at > current_timestamp "
                + "returning " + SagaRows.COLUMNS + "), "
                + "e as (insert into keel.saga_events (saga_id, seq, type, status, step_index, attempt, runner) "
                + "select s.id, s.last_seq - v.back, v.type, v.status::keel.saga_status, v.step, v.attempt, ? "
                + "from s, (values " + rows + ") as v (back, type, status, step, attempt)), "
                + "x as (update keel.saga_steps set status = 'COMPLETED', output = ?::jsonb, attempts = ?, error = NULL, "
                + "started_at = current_timestamp, completed_at = current_timestamp "
                + "where saga_id = ? and step_index = ? and exists (select from s)) "
                + "select " + SagaRows.COLUMNS + " from s";
    }

    /**
     * Completes step {@code step} (attempt {@code attempt}, output {@code out}) of the saga {@code lease} holds;
     * the saga's new row. Throws {@link Fence.Lost} when the lease is no longer held: then nothing was written.
     */
    static SagasRecord complete(DSLContext dsl, Fence.Lease lease, int step, int attempt, JSONB out, boolean last) {
        UUID id = lease.sagaId();
        List<SagasRecord> rows = SagaRows.run(dsl, "complete step " + step + " of saga " + id, last ? LAST : NEXT,
                step + 1, step + 1, id, lease.epoch(), lease.owner(), lease.owner(),
                step, attempt, step, attempt,
                out == null ? null : out.data(), attempt, id, step);
        SagasRecord row = rows.isEmpty() ? null : rows.get(0);
        if (row == null) {
            throw new Fence.Lost(id);
        }
        return row;
    }
}
