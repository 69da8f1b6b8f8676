package dev.keel.saga;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A saga as it was stored when it was read: an immutable snapshot, thread-safe. */
public interface SagaState {
    UUID id();

    /** The definition's name. */
    String name();

    SagaStatus status();

    /** The current data: the output of the last completed step, or the data the saga was started with. */
    <T> T data(Class<T> type);

    /** The current data as JSON text. */
    String dataJson();

    /** Every step in order, with its status and attempts. */
    List<StepState> steps();

    /** The compensations that ran (or were skipped), in the order they ran. */
    List<CompensationState> compensations();

    /** Bumped at every change of the saga; equals the number of its last event. */
    long version();

    int completedSteps();

    int totalSteps();

    /** The idempotency key given to {@link SagaStore#start(SagaDefinition, Object, String)}, if any. */
    Optional<String> idempotencyKey();

    /** The business transaction given at start ({@link SagaStart#transactionId}). */
    Optional<String> transactionId();

    /** The user given at start ({@link SagaStart#userId}). */
    Optional<String> userId();

    /** Why the saga is compensating, failed or timed out, if it is. */
    Optional<String> error();

    /** Whether the saga was set aside after killing its runners too often; {@link SagaStore#resume} frees it. */
    boolean quarantined();

    Instant createdAt();

    Instant updatedAt();

    Optional<Instant> completedAt();

    Optional<Instant> deadline();

    /** The runner holding its lease, if one does. */
    Optional<String> leaseOwner();
}
