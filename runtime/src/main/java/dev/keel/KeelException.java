package dev.keel;

/**
 * The root of Keel's error tree: every failure Keel reports to callers is an unchecked {@code KeelException}.
 *
 * <h2>Categories</h2>
 * The concrete subtype, and equally {@link #category()}, says what kind of failure happened and so what the
 * caller can sensibly do about it. The subtypes live in {@code dev.keel.error}, one per {@link Category}:
 * <table>
 *   <caption>Categories and what to do about them</caption>
 *   <tr><th>category</th><th>subtype</th><th>typical SQLSTATE</th><th>what it means</th></tr>
 *   <tr><td>{@link Category#CONSTRAINT_VIOLATION}</td><td>{@code ConstraintViolationException}</td>
 *       <td>23505, 23503, 23502, 23514, 23P01</td><td>the data broke a rule of the schema; fix the data</td></tr>
 *   <tr><td>{@link Category#RETRYABLE_CONFLICT}</td><td>{@code RetryableConflictException}</td>
 *       <td>40001, 40P01, 55P03, 0A000 of a stale cached plan</td><td>lost a race with another transaction (or
 *       with a schema change that invalidated a prepared plan); running the whole transaction again
 *       is expected to succeed, and Keel's retry policy does so</td></tr>
 *   <tr><td>{@link Category#CONNECTION_LOST}</td><td>{@code ConnectionLostException}</td>
 *       <td>class 08, 57P01..57P03</td><td>the session is gone or the database cannot be reached</td></tr>
 *   <tr><td>{@link Category#COMMIT_OUTCOME_UNKNOWN}</td><td>{@code CommitOutcomeUnknownException}</td>
 *       <td>as for connection lost</td><td>the connection died while COMMIT was in flight: the transaction may or
 *       may not have committed</td></tr>
 *   <tr><td>{@link Category#QUERY_TIMEOUT}</td><td>{@code QueryTimeoutException}</td><td>57014</td>
 *       <td>a statement was cancelled, usually by {@code statement_timeout} or a JDBC query timeout</td></tr>
 *   <tr><td>{@link Category#READ_ONLY}</td><td>{@code ReadOnlyException}</td><td>25006</td>
 *       <td>a write in a read-only transaction or on a standby</td></tr>
 *   <tr><td>{@link Category#POOL_EXHAUSTED}</td><td>{@code PoolExhaustedException}</td><td>none</td>
 *       <td>the database is up but no pooled connection became free in time</td></tr>
 *   <tr><td>{@link Category#INVALID_INPUT}</td><td>{@code InvalidInputException}</td><td>class 22, or none</td>
 *       <td>a value PostgreSQL or Keel's own validation rejected</td></tr>
 *   <tr><td>{@link Category#NOT_FOUND}</td><td>{@code NotFoundException}</td><td>none</td>
 *       <td>the thing asked for does not exist</td></tr>
 *   <tr><td>{@link Category#OTHER}</td><td>{@code KeelException} itself</td><td>anything else</td>
 *       <td>not classified: programming errors (e.g. 42P01), resource limits, unexpected driver failures</td></tr>
 * </table>
 * Keel maps database and driver failures onto this tree in exactly one place, so the same PostgreSQL error
 * always surfaces as the same subtype, whether it came through JDBC, jOOQ or the connection pool.
 *
 * <h2>What it carries</h2>
 * The {@linkplain #getMessage() message} names the operation that failed and the context a person needs
 * (constraint, table, pool state) followed by PostgreSQL's own primary message. Row values from PostgreSQL's
 * {@code DETAIL} field are deliberately not copied into the message, because messages end up in logs; the original
 * driver exception stays reachable as the {@linkplain #getCause() cause}. {@link #sqlState()} is the five-character
 * SQLSTATE of the underlying error, or {@code null} when there was none (pool timeouts, Keel's own validation).
 *
 * <h2>Thread-safety</h2>
 * Instances are immutable apart from the stack trace and suppressed exceptions that {@link Throwable} manages, and
 * may be handed between threads freely.
 */
public class KeelException extends RuntimeException {

    /**
     * What kind of failure a {@link KeelException} reports. Exactly one subtype of {@code KeelException} exists for
     * each value except {@link #OTHER}, which is reported by {@code KeelException} itself.
     */
    public enum Category {
        /** A unique, foreign-key, not-null, check or exclusion constraint rejected a row. */
        CONSTRAINT_VIOLATION,
        /** A serialization failure, deadlock or unavailable lock: retrying the transaction is expected to work. */
        RETRYABLE_CONFLICT,
        /** The database session was lost, or the database could not be reached at all. */
        CONNECTION_LOST,
        /** The connection was lost while COMMIT was in flight, so whether the transaction committed is unknown. */
        COMMIT_OUTCOME_UNKNOWN,
        /** A statement was cancelled because it ran too long (or was cancelled on request). */
        QUERY_TIMEOUT,
        /** A write was attempted in a read-only transaction or on a read-only server. */
        READ_ONLY,
        /** The database is reachable but the connection pool had no free connection within its timeout. */
        POOL_EXHAUSTED,
        /** A value was rejected: by PostgreSQL (SQLSTATE class 22) or by Keel's validation before any SQL ran. */
        INVALID_INPUT,
        /** The requested thing does not exist. */
        NOT_FOUND,
        /** Anything not classified above. */
        OTHER
    }

    private final String sqlState;

    /**
     * Creates an unclassified failure ({@link Category#OTHER}); subtypes report their own category.
     *
     * @param message  what failed and why, including the operation; not {@code null}
     * @param sqlState the SQLSTATE of the underlying database error, or {@code null} when there was none
     * @param cause    the underlying exception, or {@code null}
     */
    public KeelException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /**
     * The five-character SQLSTATE of the database or driver error behind this failure, for example {@code 23505};
     * {@code null} when the failure did not come from the database (a pool timeout, Keel's own validation).
     */
    public String sqlState() {
        return sqlState;
    }

    /** What kind of failure this is; fixed per subtype, {@link Category#OTHER} for {@code KeelException} itself. */
    public Category category() {
        return Category.OTHER;
    }
}
