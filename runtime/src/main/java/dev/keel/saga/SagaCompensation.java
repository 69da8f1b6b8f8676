package dev.keel.saga;

/**
 * Undoes a completed step. It receives the data that step returned. Like an action, its database work through
 * {@link StepContext#tx()} commits exactly once together with the compensation's record; calls outside the
 * database are at-least-once.
 *
 * @param <T> the saga's data type
 */
@FunctionalInterface
public interface SagaCompensation<T> {
    void compensate(StepContext ctx, T data) throws Exception;
}
