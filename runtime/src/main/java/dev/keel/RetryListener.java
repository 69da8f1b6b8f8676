package dev.keel;

import java.time.Duration;

/**
 * Observes Keel's retries of transactions, for logging and metrics. Both methods do nothing by default, so an
 * implementation overrides only what it needs.
 *
 * <p>Listeners are called on the thread running the transaction, synchronously, so they should be quick. They may be
 * called from many threads at once and must be thread-safe. An exception thrown by a listener is logged and otherwise
 * ignored: observing a retry never changes its outcome.
 */
public interface RetryListener {

    /**
     * Attempt number {@code attempt} (1-based) failed with a retryable failure and Keel will run the work again after
     * sleeping {@code delay}.
     *
     * @param attempt the number of the attempt that just failed
     * @param delay   how long Keel sleeps before the next attempt; may be zero
     * @param cause   the failure of that attempt
     */
    default void onRetry(int attempt, Duration delay, KeelException cause) {
    }

    /**
     * The last attempt failed with a retryable failure but Keel stops: the retry policy's attempts or time are used
     * up, or the thread was interrupted while waiting. {@code last} is then thrown to the caller, carrying the
     * earlier attempts' failures as suppressed exceptions. Not called for failures that are never retried.
     *
     * @param attempts how many attempts were made
     * @param last     the failure of the last attempt
     */
    default void onGiveUp(int attempts, KeelException last) {
    }
}
