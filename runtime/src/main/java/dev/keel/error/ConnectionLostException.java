package dev.keel.error;

import dev.keel.KeelException;

/**
 * The database session ended under the statement, or the database could not be reached at all: SQLSTATE class 08
 * (including the driver's I/O errors, 08006), the server shutting down or terminating the session (57P01, 57P02,
 * 57P04, 57P05, 25P03), or the server refusing connections while starting up (57P03). A pool whose connection
 * attempts fail reports this type too, with a message saying the database is unavailable.
 *
 * <p>Any transaction open on the lost session was rolled back by the server. Keel does not retry this type by
 * itself; see {@link CommitOutcomeUnknownException} for the case where the loss happened during COMMIT.
 * Immutable and thread-safe.
 */
public final class ConnectionLostException extends KeelException {

    /**
     * @param message  what failed, including the operation
     * @param sqlState the SQLSTATE, or {@code null} when the loss was seen as a bare I/O error
     * @param cause    the driver or pool exception, or {@code null}
     */
    public ConnectionLostException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }

    @Override
    public Category category() {
        return Category.CONNECTION_LOST;
    }
}
