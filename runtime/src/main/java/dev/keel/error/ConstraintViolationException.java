package dev.keel.error;

import dev.keel.KeelException;

/**
 * A row was rejected by a constraint of the schema (SQLSTATE class 23). Retrying does not help; the data, or the
 * order of writes, must change.
 *
 * <p>The names of the constraint, table, column and schema come from the fields PostgreSQL attaches to the error
 * and are {@code null} when PostgreSQL did not send them (for example, a not-null violation names the column but,
 * before PostgreSQL 18, no constraint). Immutable and thread-safe.
 */
public final class ConstraintViolationException extends KeelException {

    /** Which kind of constraint was violated. */
    public enum ConstraintKind {
        /** A unique constraint or unique index, SQLSTATE 23505. */
        UNIQUE,
        /** A foreign key, SQLSTATE 23503 (and the rarely raised 23001, restrict_violation). */
        FOREIGN_KEY,
        /** A NOT NULL column, SQLSTATE 23502. */
        NOT_NULL,
        /** A CHECK constraint, SQLSTATE 23514. */
        CHECK,
        /** An exclusion constraint, SQLSTATE 23P01. */
        EXCLUSION
    }

    private final ConstraintKind kind;
    private final String constraintName;
    private final String schema;
    private final String table;
    private final String column;

    /**
     * @param message        what failed, including the operation and the names below where known
     * @param sqlState       the SQLSTATE, for example {@code 23505}
     * @param cause          the driver exception, or {@code null}
     * @param kind           which kind of constraint; not {@code null}
     * @param constraintName the constraint's name, or {@code null}
     * @param schema         the table's schema, or {@code null}
     * @param table          the table's name, or {@code null}
     * @param column         the column's name, or {@code null}
     */
    public ConstraintViolationException(String message, String sqlState, Throwable cause, ConstraintKind kind,
            String constraintName, String schema, String table, String column) {
        super(message, sqlState, cause);
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        this.kind = kind;
        this.constraintName = constraintName;
        this.schema = schema;
        this.table = table;
        this.column = column;
    }

    @Override
    public Category category() {
        return Category.CONSTRAINT_VIOLATION;
    }

    /** Which kind of constraint was violated. */
    public ConstraintKind kind() {
        return kind;
    }

    /** The violated constraint's name, or {@code null} when PostgreSQL did not report one. */
    public String constraintName() {
        return constraintName;
    }

    /** The schema of the table, or {@code null} when PostgreSQL did not report one. */
    public String schema() {
        return schema;
    }

    /** The table whose row was rejected, or {@code null} when PostgreSQL did not report one. */
    public String table() {
        return table;
    }

    /** The column concerned (reported for not-null violations), or {@code null}. */
    public String column() {
        return column;
    }
}
