package dev.keel.saga;

import dev.keel.Tx;
import java.util.Optional;
import java.util.UUID;

/**
 * What a step's action or compensation gets to work with. Valid only while that call runs, and only on the thread
 * that runs it.
 *
 * <p><b>Exactly once for the database.</b> {@link #tx()} is the attempt's own transaction. Keel commits it after
 * the action returns, together with the step's completion, the saga's new version and its audit event, in a
 * transaction whose last statement checks that this runner still holds the saga (its fencing epoch). So the
 * action's database work takes effect exactly once: if the runner crashes, loses its lease or is paused past it,
 * the transaction rolls back and the step runs again elsewhere. Do not commit or close it yourself.
 *
 * <p><b>At least once for everything else.</b> Effects outside {@code tx()} (HTTP calls, messages, files, other
 * databases) happen again when an attempt is retried or recovered. Give such calls {@link #idempotencyKey()}.
 */
public interface StepContext {
    /** The attempt's transaction; see the class comment. */
    Tx tx();

    UUID sagaId();

    /** The step's position, 0-based. */
    int stepIndex();

    String stepName();

    /**
     * 1 for the first attempt, n + 1 after n attempts that threw. An attempt cut short by a crash or a lost lease
     * committed nothing and is not counted here (the claim that recovers the saga counts it instead).
     */
    int attempt();

    /** Whether this call is a compensation. */
    boolean compensating();

    /**
     * A key for calls outside the database: the same for every attempt of this step (or of its compensation) of
     * this saga, different for every other step, compensation and saga.
     */
    String idempotencyKey();

    /**
     * Saves {@code value} (Jackson-mapped) as this step's checkpoint, at once and in a transaction of its own, so a
     * later attempt sees it through {@link #checkpoint(Class)} even when this one fails or its runner dies. Fenced
     * like every write of the runner: it fails with {@link dev.keel.KeelException} when the saga is no longer this
     * runner's. Takes a second pooled connection for the moment it runs.
     *
     * @throws dev.keel.error.InvalidInputException when Jackson cannot write the value or it is too large
     */
    void saveCheckpoint(Object value);

    /** The last checkpoint saved by any attempt of this step (or of its compensation), read as {@code type}. */
    <C> Optional<C> checkpoint(Class<C> type);
}
