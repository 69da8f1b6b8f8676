package dev.keel.error;

import dev.keel.KeelException;

/**
 * The connection was lost while COMMIT was in flight, so the transaction may have committed or may not: the server
 * can have made it durable just before the session died. Check the database before repeating work that is not
 * idempotent. Keel's retrier repeats the transaction after this failure only when the caller declared the work
 * idempotent. {@link #sqlState()} is that of the underlying connection failure. Immutable and thread-safe.
 */
public final class CommitOutcomeUnknownException extends KeelException {

    /**
     * @param message  what failed, including the operation
     * @param sqlState the SQLSTATE of the connection failure, or {@code null}
     * @param cause    the driver exception, or {@code null}
     */
    public CommitOutcomeUnknownException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }

    @Override
    public Category category() {
        return Category.COMMIT_OUTCOME_UNKNOWN;
    }
}
