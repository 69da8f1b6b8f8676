package dev.keel.internal.saga;

import dev.keel.internal.db.tables.records.SagasRecord;
import dev.keel.saga.CompensationState;
import dev.keel.saga.SagaState;
import dev.keel.saga.SagaStatus;
import dev.keel.saga.StepState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.JSONB;

/** A saga row with its steps and compensations, as read; immutable. */
record PgSagaState(SagasRecord row, JSONB currentData, List<StepState> steps,
                   List<CompensationState> compensations) implements SagaState {

    @Override
    public UUID id() {
        return row.getId();
    }

    @Override
    public String name() {
        return row.getName();
    }

    @Override
    public SagaStatus status() {
        return SagaStatus.valueOf(row.getStatus().name());
    }

    @Override
    public <T> T data(Class<T> type) {
        return SagaJson.read(currentData, type);
    }

    @Override
    public String dataJson() {
        return currentData.data();
    }

    @Override
    public long version() {
        return row.getVersion();
    }

    @Override
    public int completedSteps() {
        return row.getCompletedSteps();
    }

    @Override
    public int totalSteps() {
        return row.getTotalSteps();
    }

    @Override
    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(row.getIdempotencyKey());
    }

    @Override
    public Optional<String> transactionId() {
        return Optional.ofNullable(row.getTransactionId());
    }

    @Override
    public Optional<String> userId() {
        return Optional.ofNullable(row.getUserId());
    }

    @Override
    public Optional<String> error() {
        return Optional.ofNullable(row.getError());
    }

    @Override
    public boolean quarantined() {
        return row.getQuarantined();
    }

    @Override
    public Instant createdAt() {
        return row.getCreatedAt().toInstant();
    }

    @Override
    public Instant updatedAt() {
        return row.getUpdatedAt().toInstant();
    }

    @Override
    public Optional<Instant> completedAt() {
        return instant(row.getCompletedAt());
    }

    @Override
    public Optional<Instant> deadline() {
        return instant(row.getDeadline());
    }

    @Override
    public Optional<String> leaseOwner() {
        return Optional.ofNullable(row.getLeaseOwner());
    }

    @Override
    public String toString() {
        return "saga " + name() + " " + id() + " " + status() + " (" + completedSteps() + "/" + totalSteps()
                + " steps, version " + version() + ")";
    }

    static Optional<Instant> instant(OffsetDateTime t) {
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }
}
