package dev.keel.error;

import dev.keel.KeelException;

/**
 * The transaction lost a race with a concurrent one and was rolled back: a serialization failure (40001), a
 * deadlock (40P01), a lock that was not available (55P03, from {@code NOWAIT} or {@code lock_timeout}), or a cached
 * query plan that a concurrent schema change invalidated (0A000 "cached plan must not change result type"). Running
 * the whole transaction again, from its first statement, is expected to succeed; Keel's retry policy does exactly
 * that for this type and no other. Immutable and thread-safe.
 */
public final class RetryableConflictException extends KeelException {

    /**
     * @param message  what failed, including the operation
     * @param sqlState the SQLSTATE: 40001, 40P01, 55P03 or 0A000 (a stale cached plan)
     * @param cause    the driver exception, or {@code null}
     */
    public RetryableConflictException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }

    @Override
    public Category category() {
        return Category.RETRYABLE_CONFLICT;
    }
}
