package dev.keel.internal;

import dev.keel.KeelException;
import dev.keel.KeelException.Category;
import dev.keel.error.CommitOutcomeUnknownException;
import dev.keel.error.ConnectionLostException;
import dev.keel.error.ConstraintViolationException;
import dev.keel.error.ConstraintViolationException.ConstraintKind;
import dev.keel.error.InvalidInputException;
import dev.keel.error.NotFoundException;
import dev.keel.error.PoolExhaustedException;
import dev.keel.error.QueryTimeoutException;
import dev.keel.error.ReadOnlyException;
import dev.keel.error.RetryableConflictException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.NoDataFoundException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The one place where failures from PostgreSQL, pgjdbc, jOOQ and HikariCP become {@link KeelException}s. Holds the
 * SQLSTATE table ({@link #categoryOf(String)}); nothing else in Keel looks at SQLSTATEs.
 *
 * <p>The throwable handed in is searched through {@link Throwable#getCause()} and
 * {@link SQLException#getNextException()}, so jOOQ's {@link DataAccessException}, pgjdbc's
 * {@code BatchUpdateException} and pool wrappers are seen through to the {@link PSQLException} and the
 * {@link ServerErrorMessage} that name the constraint, table and column. The original throwable becomes the cause of
 * the result. Stateless and thread-safe.
 */
public final class ErrorTranslator {

    /** How HikariCP's acquire timeout starts its detail; the text before it is the pool's name. */
    private static final String POOL_TIMEOUT_MARKER = " - Connection is not available, request timed out after";
    private static final String DEFAULT_OPERATION = "database operation";
    /** Guards the chain walk against pathological chains; real ones are a handful deep. */
    private static final int MAX_CHAIN = 64;

    private ErrorTranslator() {
    }

    /**
     * The category PostgreSQL's SQLSTATE belongs to in Keel's tree; {@link Category#OTHER} for {@code null} and for
     * every code not listed here.
     */
    public static Category categoryOf(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return Category.OTHER;
        }
        Category exact = switch (sqlState) {
            case "23505", // unique_violation
                 "23503", // foreign_key_violation
                 "23001", // restrict_violation
                 "23502", // not_null_violation
                 "23514", // check_violation
                 "23P01"  // exclusion_violation
                    -> Category.CONSTRAINT_VIOLATION;
            case "40001", // serialization_failure
                 "40P01", // deadlock_detected
                 "55P03"  // lock_not_available: FOR UPDATE NOWAIT, lock_timeout
                    -> Category.RETRYABLE_CONFLICT;
            case "57P01", // admin_shutdown, also pg_terminate_backend
                 "57P02", // crash_shutdown
                 "57P03", // cannot_connect_now: starting up or shutting down
                 "57P04", // database_dropped
                 "57P05", // idle_session_timeout
                 "25P03"  // idle_in_transaction_session_timeout: the server ends the session
                    -> Category.CONNECTION_LOST;
            case "57014"  // query_canceled: statement_timeout, JDBC query timeout, cancel request
                    -> Category.QUERY_TIMEOUT;
            case "25006"  // read_only_sql_transaction, also a hot standby
                    -> Category.READ_ONLY;
            default -> null;
        };
        if (exact != null) {
            return exact;
        }
        return switch (sqlState.substring(0, 2)) {
            case "08" -> Category.CONNECTION_LOST; // connection_exception; pgjdbc reports its I/O errors as 08006
            case "22" -> Category.INVALID_INPUT;   // data_exception
            default -> Category.OTHER;
        };
    }

    private static ConstraintKind constraintKind(String sqlState) {
        return switch (sqlState) {
            case "23505" -> ConstraintKind.UNIQUE;
            case "23503", "23001" -> ConstraintKind.FOREIGN_KEY;
            case "23502" -> ConstraintKind.NOT_NULL;
            case "23514" -> ConstraintKind.CHECK;
            case "23P01" -> ConstraintKind.EXCLUSION;
            default -> throw new IllegalArgumentException("not a constraint violation: " + sqlState);
        };
    }

    /**
     * Maps any throwable onto Keel's tree. A {@link KeelException}, at the top or nested in the cause chain, is
     * returned unchanged.
     *
     * @param operation what was being done, for the message (for example {@code "insert into users"}); a generic
     *                  phrase when {@code null}
     * @param t         the failure; not {@code null}
     */
    public static KeelException translate(String operation, Throwable t) {
        String op = operationName(operation);
        List<Throwable> chain = chain(t);
        for (Throwable c : chain) {
            if (c instanceof KeelException k) {
                return k;
            }
        }
        for (Throwable c : chain) {
            if (c instanceof SQLTransientConnectionException s && s.getMessage() != null
                    && s.getMessage().contains(POOL_TIMEOUT_MARKER)) {
                return fromPoolTimeout(op, t, s);
            }
        }
        SQLException primary = primarySqlException(chain);
        if (primary != null) {
            return fromSqlException(op, t, primary);
        }
        for (Throwable c : chain) {
            if (c instanceof NoDataFoundException) {
                return new NotFoundException(op + ": no row found" + reason(null, c), t);
            }
        }
        return new KeelException(op + " failed" + reason(null, t), null, t);
    }

    /**
     * What to throw when work fails with {@code t}: Keel's exceptions as they are, database failures translated,
     * other runtime exceptions unchanged, errors rethrown here, and checked exceptions wrapped in a
     * {@link KeelException}.
     */
    public static RuntimeException propagate(String operation, Throwable t) {
        if (t instanceof KeelException k) {
            return k;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof DataAccessException || t instanceof SQLException) {
            return translate(operation, t);
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new KeelException(operationName(operation) + " failed: " + t, null, t);
    }

    /**
     * Like {@link #translate(String, Throwable)}, for a failure of COMMIT itself: a lost connection becomes a
     * {@link CommitOutcomeUnknownException}, because the server may have committed before the session died. Every
     * other failure, such as a serialization failure (40001) raised at commit, translates as usual.
     */
    public static KeelException translateCommitFailure(String operation, Throwable t) {
        KeelException k = translate(operation, t);
        if (k.category() != Category.CONNECTION_LOST) {
            return k;
        }
        return new CommitOutcomeUnknownException(operationName(operation) + ": connection lost while COMMIT was in "
                + "flight; the transaction may or may not have committed" + underlyingReason(k.sqlState(), t),
                k.sqlState(), t);
    }

    /**
     * Whether {@code t} is a conflict that running the transaction again is expected to resolve (40001, 40P01,
     * 55P03). A {@link CommitOutcomeUnknownException} is not included: it may be retried only for idempotent work,
     * which the caller must decide.
     */
    public static boolean isRetryable(Throwable t) {
        return t != null && translate(null, t).category() == Category.RETRYABLE_CONFLICT;
    }

    /**
     * True when nothing in {@code t}'s chain comes from the database stack (no {@link KeelException},
     * {@link SQLException} or jOOQ {@link DataAccessException}): an application's own failure, which Keel passes on
     * untouched.
     */
    public static boolean isForeign(Throwable t) {
        for (Throwable c : chain(t)) {
            if (c instanceof KeelException || c instanceof SQLException || c instanceof DataAccessException) {
                return false;
            }
        }
        return true;
    }

    private static KeelException fromSqlException(String op, Throwable original, SQLException primary) {
        ServerErrorMessage server = primary instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String sqlState = blankToNull(primary.getSQLState());
        Category category = categoryOf(sqlState);
        if (category == Category.OTHER && sqlState == null) {
            if (primary instanceof SQLTimeoutException) {
                category = Category.QUERY_TIMEOUT;
            } else if (primary instanceof SQLNonTransientConnectionException
                    || primary instanceof SQLRecoverableException) {
                category = Category.CONNECTION_LOST;
            }
        }
        if (isStalePlan(sqlState, server)) {
            category = Category.RETRYABLE_CONFLICT;
        }
        String reason = reason(sqlState, primary);
        return switch (category) {
            case CONSTRAINT_VIOLATION -> constraintViolation(op, original, sqlState, server, reason);
            case RETRYABLE_CONFLICT -> new RetryableConflictException(op + ": " + conflictLabel(sqlState)
                    + "; the transaction can be retried" + reason, sqlState, original);
            case CONNECTION_LOST -> new ConnectionLostException(op + (cannotConnect(sqlState)
                    ? ": database unavailable, could not connect" : ": connection to the database lost") + reason,
                    sqlState, original);
            case QUERY_TIMEOUT -> new QueryTimeoutException(op + ": statement timed out or was cancelled" + reason,
                    sqlState, original);
            case READ_ONLY -> new ReadOnlyException(op + ": write refused, the transaction or server is read-only"
                    + reason, sqlState, original);
            case INVALID_INPUT -> new InvalidInputException(op + ": invalid input" + reason, sqlState, original,
                    server == null ? null : server.getColumn() != null ? server.getColumn() : server.getDatatype());
            default -> new KeelException(op + " failed" + reason, sqlState, original);
        };
    }

    private static ConstraintViolationException constraintViolation(String op, Throwable original, String sqlState,
            ServerErrorMessage server, String reason) {
        ConstraintKind kind = constraintKind(sqlState);
        String constraint = server == null ? null : server.getConstraint();
        String schema = server == null ? null : server.getSchema();
        String table = server == null ? null : server.getTable();
        String column = server == null ? null : server.getColumn();
        List<String> names = new ArrayList<>(3);
        if (constraint != null) {
            names.add("constraint \"" + constraint + "\"");
        }
        if (table != null) {
            names.add("table \"" + (schema == null ? table : schema + "." + table) + "\"");
        }
        if (column != null) {
            names.add("column \"" + column + "\"");
        }
        String label = switch (kind) {
            case UNIQUE -> "unique";
            case FOREIGN_KEY -> "foreign key";
            case NOT_NULL -> "not-null";
            case CHECK -> "check";
            case EXCLUSION -> "exclusion";
        };
        String message = op + ": " + label + " constraint violated"
                + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")") + reason;
        return new ConstraintViolationException(message, sqlState, original, kind, constraint, schema, table, column);
    }

    /**
     * HikariCP gives up waiting for a connection. When it recorded a failure to connect, the pool is not the
     * problem: the database is unavailable (class 08) or refuses us (authentication, missing database). Only when
     * connecting worked is the pool itself exhausted.
     */
    private static KeelException fromPoolTimeout(String op, Throwable original, SQLTransientConnectionException timeout) {
        String poolMessage = timeout.getMessage();
        Throwable connectFailure = timeout.getCause() != null ? timeout.getCause() : timeout.getNextException();
        if (connectFailure != null) {
            KeelException underlying = translate(op, connectFailure);
            String reason = underlyingReason(underlying.sqlState(), connectFailure);
            if (underlying.category() == Category.CONNECTION_LOST) {
                return new ConnectionLostException(op + ": database unavailable, the connection pool could not "
                        + "connect" + reason + " (" + poolMessage + ")", underlying.sqlState(), original);
            }
            return new KeelException(op + ": the connection pool could not connect" + reason + " (" + poolMessage
                    + ")", underlying.sqlState(), original);
        }
        int marker = poolMessage.indexOf(POOL_TIMEOUT_MARKER);
        String poolName = poolMessage.substring(0, marker).trim();
        String stats = null;
        int open = poolMessage.lastIndexOf('(');
        int close = poolMessage.lastIndexOf(')');
        if (open > marker && close > open && poolMessage.startsWith("total=", open + 1)) {
            stats = poolMessage.substring(open + 1, close);
        }
        return new PoolExhaustedException(op + ": connection pool exhausted, no connection became free in time: "
                + poolMessage, original, poolName.isEmpty() ? null : poolName, stats);
    }

    /**
     * 0A000 raised because a schema change (a column added, a type changed) invalidated a plan the session had
     * prepared: "cached plan must not change result type". The transaction is aborted, nothing of it is kept, and
     * the driver prepares afresh on the next attempt, so running the transaction again succeeds. Recognised by the
     * server routine that raises it (or its message), since 0A000 otherwise means an unsupported feature.
     */
    private static boolean isStalePlan(String sqlState, ServerErrorMessage server) {
        if (!"0A000".equals(sqlState) || server == null) {
            return false;
        }
        return "RevalidateCachedQuery".equals(server.getRoutine())
                || server.getMessage() != null && server.getMessage().startsWith("cached plan must not change");
    }

    /** Connecting failed, as opposed to an established session ending. */
    private static boolean cannotConnect(String sqlState) {
        return "08001".equals(sqlState) || "08004".equals(sqlState) || "57P03".equals(sqlState);
    }

    private static String conflictLabel(String sqlState) {
        return switch (sqlState) {
            case "40001" -> "serialization failure, a concurrent transaction conflicted";
            case "40P01" -> "deadlock with a concurrent transaction";
            case "0A000" -> "a cached query plan was invalidated by a schema change";
            default -> "a lock held by a concurrent transaction was not available";
        };
    }

    /**
     * The PSQLException that carries the server's error fields, else the first SQLException with a SQLSTATE, else
     * the first SQLException; {@code null} when there is none.
     */
    private static SQLException primarySqlException(List<Throwable> chain) {
        SQLException withState = null;
        SQLException first = null;
        for (Throwable c : chain) {
            if (c instanceof SQLException s) {
                if (s instanceof PSQLException p && p.getServerErrorMessage() != null) {
                    return s;
                }
                if (withState == null && blankToNull(s.getSQLState()) != null) {
                    withState = s;
                }
                if (first == null) {
                    first = s;
                }
            }
        }
        return withState != null ? withState : first;
    }

    /** {@link #reason} of the most telling throwable in t's chain: the primary SQLException, else t. */
    private static String underlyingReason(String sqlState, Throwable t) {
        SQLException primary = primarySqlException(chain(t));
        return reason(sqlState, primary != null ? primary : t);
    }

    private static String operationName(String operation) {
        return operation == null || operation.isBlank() ? DEFAULT_OPERATION : operation;
    }

    /** " [SQLSTATE]: PostgreSQL's primary message", without the DETAIL that may hold row values. */
    private static String reason(String sqlState, Throwable source) {
        String text = null;
        if (source instanceof PSQLException p && p.getServerErrorMessage() != null) {
            text = p.getServerErrorMessage().getMessage();
        }
        if (text == null && source != null) {
            text = source.getMessage() != null ? source.getMessage() : source.getClass().getName();
        }
        return (sqlState == null ? "" : " [" + sqlState + "]") + (text == null ? "" : ": " + text);
    }

    /** t, its causes and SQLException next-chains, breadth first, each once. */
    private static List<Throwable> chain(Throwable t) {
        if (t == null) {
            throw new NullPointerException("throwable to translate must not be null");
        }
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(t);
        while (!todo.isEmpty() && out.size() < MAX_CHAIN) {
            Throwable c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            out.add(c);
            if (c.getCause() != null) {
                todo.add(c.getCause());
            }
            if (c instanceof SQLException s && s.getNextException() != null) {
                todo.add(s.getNextException());
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
