package dev.keel.error;

import dev.keel.KeelException;

/**
 * The connection pool gave no connection within its connection timeout although the database is reachable: every
 * connection was in use. Usually a sign of a pool that is too small for the load, of long transactions, or of
 * connections that are never closed. {@link #sqlState()} is {@code null}.
 *
 * <p>When the pool timed out because it could not connect to the database at all, Keel reports a
 * {@link ConnectionLostException} instead. Immutable and thread-safe.
 */
public final class PoolExhaustedException extends KeelException {
    private final String poolName;
    private final String poolStats;

    /**
     * @param message   what failed, including the operation and the pool's state
     * @param cause     the pool's exception, or {@code null}
     * @param poolName  the pool's name, or {@code null} when unknown
     * @param poolStats the pool's counters at the timeout as the pool reported them, for example
     *                  {@code total=1, active=1, idle=0, waiting=0}; {@code null} when unknown
     */
    public PoolExhaustedException(String message, Throwable cause, String poolName, String poolStats) {
        super(message, null, cause);
        this.poolName = poolName;
        this.poolStats = poolStats;
    }

    @Override
    public Category category() {
        return Category.POOL_EXHAUSTED;
    }

    /** The pool's name, for example {@code HikariPool-1}, or {@code null} when unknown. */
    public String poolName() {
        return poolName;
    }

    /**
     * The pool's counters when the request timed out, as text, for example
     * {@code total=10, active=10, idle=0, waiting=3}; {@code null} when the pool did not report them.
     */
    public String poolStats() {
        return poolStats;
    }
}
