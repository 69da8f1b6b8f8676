package dev.keel.saga;

/**
 * A step's work. It receives the saga's data as the previous step left it and returns the data for the next step
 * (return {@code data} itself when nothing changes). Database work goes through {@link StepContext#tx()} and
 * commits together with the step's completion, exactly once. Anything else (an HTTP call, a message) may happen
 * more than once, because a crash after it but before the commit runs the step again: pass
 * {@link StepContext#idempotencyKey()} to such calls.
 *
 * @param <T> the saga's data type
 */
@FunctionalInterface
public interface SagaAction<T> {
    T apply(StepContext ctx, T data) throws Exception;
}
