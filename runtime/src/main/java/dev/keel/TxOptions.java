package dev.keel;

import java.sql.Connection;

/**
 * Per-transaction options: isolation level, read-only, and whether the work is idempotent (only idempotent work
 * is retried after a commit whose outcome is unknown).
 */
public record TxOptions(Isolation isolation, boolean readOnly, boolean idempotent) {

    /** PostgreSQL's isolation levels (READ UNCOMMITTED behaves as READ COMMITTED there). */
    public enum Isolation {
        READ_COMMITTED(Connection.TRANSACTION_READ_COMMITTED),
        REPEATABLE_READ(Connection.TRANSACTION_REPEATABLE_READ),
        SERIALIZABLE(Connection.TRANSACTION_SERIALIZABLE);

        final int jdbcLevel;

        Isolation(int jdbcLevel) {
            this.jdbcLevel = jdbcLevel;
        }
    }

    public TxOptions {
        if (isolation == null) {
            throw new IllegalArgumentException("isolation must not be null");
        }
    }

    /** READ COMMITTED, read-write, not idempotent. */
    public static TxOptions defaults() {
        return new TxOptions(Isolation.READ_COMMITTED, false, false);
    }

    public static TxOptions serializable() {
        return defaults().withIsolation(Isolation.SERIALIZABLE);
    }

    public TxOptions withIsolation(Isolation level) {
        return new TxOptions(level, readOnly, idempotent);
    }

    public TxOptions readOnly(boolean value) {
        return new TxOptions(isolation, value, idempotent);
    }

    public TxOptions idempotent(boolean value) {
        return new TxOptions(isolation, readOnly, value);
    }
}
