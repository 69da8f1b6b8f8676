package dev.keel.error;

import dev.keel.KeelException;

/**
 * A value was rejected, either by PostgreSQL (SQLSTATE class 22: a bad cast, division by zero, a string too long for
 * its column, …) or by Keel's own validation at its API boundary before any SQL ran. Not retried. Immutable and
 * thread-safe.
 */
public final class InvalidInputException extends KeelException {
    private final String name;

    /**
     * For Keel's own validation: a value was rejected before any SQL ran. The message becomes
     * {@code name + ": " + message}, so it always names the offending thing.
     *
     * @param message what is wrong with the value and what would be allowed, for example
     *                {@code "must be 1..63 characters, was 80"}
     * @param name    the name of the offending parameter, setting or field, for example {@code "graphName"}
     */
    public InvalidInputException(String message, String name) {
        super(name + ": " + message, null, null);
        this.name = name;
    }

    /**
     * For a value PostgreSQL rejected.
     *
     * @param message what failed, including the operation
     * @param sqlState the SQLSTATE, class 22
     * @param cause the driver exception, or {@code null}
     * @param name the column or type concerned when PostgreSQL reported it, else {@code null}
     */
    public InvalidInputException(String message, String sqlState, Throwable cause, String name) {
        super(message, sqlState, cause);
        this.name = name;
    }

    @Override
    public Category category() {
        return Category.INVALID_INPUT;
    }

    /** The name of the offending parameter, setting, column or type, or {@code null} when unknown. */
    public String name() {
        return name;
    }
}
