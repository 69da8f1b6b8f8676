package dev.keel.error;

import dev.keel.KeelException;

/**
 * The thing asked for does not exist: a lookup by id found no row, or a query that must return exactly one row
 * returned none. {@link #sqlState()} is {@code null}. Immutable and thread-safe.
 */
public final class NotFoundException extends KeelException {

    /**
     * @param message what was looked for and how, for example {@code "graph 3f2a… not found"}
     */
    public NotFoundException(String message) {
        super(message, null, null);
    }

    /**
     * @param message what was looked for and how
     * @param cause   the exception that reported the absence, for example jOOQ's {@code NoDataFoundException}
     */
    public NotFoundException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public Category category() {
        return Category.NOT_FOUND;
    }
}
