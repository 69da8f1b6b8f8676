package dev.keel.saga;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable sagas: each saga's state, steps, compensations, checkpoints and an append-only event trail live in
 * PostgreSQL (schema {@code keel}), so a saga survives restarts and any process sharing the database can finish it.
 *
 * <pre>{@code
 * SagaStore sagas = keel.sagas();
 * UUID id = sagas.start(def, order);
 * try (SagaRunner runner = sagas.runner(def).workers(4).start()) { ... }
 * SagaState s = sagas.load(id).orElseThrow();
 * }</pre>
 *
 * <p>Thread-safe; one per Keel ({@code keel.sagas()}). Closing Keel closes the runners still open.
 *
 * <p>Bad input is rejected with {@link dev.keel.error.InvalidInputException} naming what was wrong before any SQL
 * runs, so nothing is written: data Jackson cannot write or read back, data larger than the definition allows,
 * an unknown saga name.
 */
public interface SagaStore {
    /** Stores a new saga, status {@link SagaStatus#CREATED}, for a runner of {@code def} to run. */
    <T> UUID start(SagaDefinition<T> def, T data);

    /**
     * Like {@link #start(SagaDefinition, Object)}, once per {@code idempotencyKey} and saga name: starting again
     * with a key already used returns the first saga's id and stores nothing.
     */
    <T> UUID start(SagaDefinition<T> def, T data, String idempotencyKey);

    /**
     * Like {@link #start(SagaDefinition, Object)}, with an idempotency key, a transaction id and a user id as
     * {@code start} gives them; each is stored with the saga and shown by {@link SagaState}.
     */
    <T> UUID start(SagaDefinition<T> def, T data, SagaStart start);

    /**
     * Starts a saga of a definition this store already knows by name (one given to {@link #register}, a
     * {@code start} or a {@link #runner}); {@code data} is converted to its data type.
     *
     * @throws dev.keel.error.InvalidInputException when no such definition is known
     */
    UUID start(String sagaName, Object data);

    /** Makes {@code def} known by name to {@link #start(String, Object)}. */
    void register(SagaDefinition<?> def);

    /** A runner for {@code def}'s sagas, not yet started. */
    SagaRunner runner(SagaDefinition<?> def);

    Optional<SagaState> load(UUID id);

    /** The saga's audit trail, oldest first (seq 1..n). Empty for an unknown id. */
    List<SagaEvent> events(UUID id);

    /** Sagas newest first, optionally of one status, at most {@code limit} (1..10000). */
    List<SagaState> list(SagaStatus status, int limit);

    SagaStats stats();

    /**
     * Removes finished sagas that finished more than {@code olderThan} ago, with all their rows, in batches that
     * each commit on their own (an interruption leaves whole sagas, never parts). Only one cleanup runs at a time
     * across every process sharing the database; a second one returns 0 at once.
     *
     * @return how many sagas were removed
     */
    int cleanup(Duration olderThan);

    /**
     * Holds a runnable saga: runners leave it alone, and a step running now is rolled back (its runner is fenced
     * out). {@code false} when the saga is not runnable.
     *
     * @throws dev.keel.error.NotFoundException for an unknown id
     */
    boolean pause(UUID id);

    /** Lets a paused (or quarantined) saga run again; {@code false} when it was neither. */
    boolean resume(UUID id);

    /**
     * Cancels an unfinished saga: its completed steps are compensated, newest first, and it ends
     * {@link SagaStatus#CANCELLED}. A step running now is rolled back. {@code false} when it had finished.
     */
    boolean cancel(UUID id);
}
