package dev.keel.error;

import dev.keel.KeelException;

/**
 * A write was attempted in a read-only transaction, or on a server that only accepts reads such as a hot standby
 * (SQLSTATE 25006). Not retried by Keel. Immutable and thread-safe.
 */
public final class ReadOnlyException extends KeelException {

    /**
     * @param message  what failed, including the operation
     * @param sqlState the SQLSTATE, 25006
     * @param cause    the driver exception, or {@code null}
     */
    public ReadOnlyException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }

    @Override
    public Category category() {
        return Category.READ_ONLY;
    }
}
