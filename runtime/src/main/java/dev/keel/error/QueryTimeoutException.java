package dev.keel.error;

import dev.keel.KeelException;

/**
 * A statement was cancelled (SQLSTATE 57014): by {@code statement_timeout}, by a JDBC query timeout, or by an
 * explicit cancel request; PostgreSQL's message in {@link #getMessage()} says which. The transaction it ran in is
 * aborted. Not retried by Keel, since running the same statement again usually takes as long. Immutable and
 * thread-safe.
 */
public final class QueryTimeoutException extends KeelException {

    /**
     * @param message  what failed, including the operation
     * @param sqlState the SQLSTATE, normally 57014; {@code null} for a driver timeout without one
     * @param cause    the driver exception, or {@code null}
     */
    public QueryTimeoutException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }

    @Override
    public Category category() {
        return Category.QUERY_TIMEOUT;
    }
}
