package dev.keel.embedded;

/**
 * An embedded PostgreSQL could not be started or stopped. The message names the data directory and port
 * involved, and the cause carries what the operating system or PostgreSQL said.
 */
public final class EmbeddedPostgresException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }

    public EmbeddedPostgresException(String message) {
        super(message);
    }
}
