package dev.keel;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jooq.DSLContext;

/**
 * One database transaction on one pooled connection. Obtained from {@link Keel#begin()} (close it in a
 * try-with-resources: {@link #close()} without {@link #commit()} rolls back) or handed to the callbacks of
 * {@link Keel#transaction(TxCallback)}.
 *
 * <p>{@link #dsl()} runs statements inside this transaction. Savepoints let part of the work be undone; {@link
 * #nested(TxCallback)} wraps work in one automatically. Using a Tx after it committed or rolled back is an
 * {@link IllegalStateException}. A Tx is not thread-safe: use it from one thread at a time.
 */
public final class Tx implements AutoCloseable {
    private static final Pattern SAVEPOINT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private enum State { ACTIVE, COMMITTED, ROLLED_BACK }

    private final Keel keel;
    private final Connection connection;
    private final DSLContext dsl;
    private final List<Savepoint> savepoints = new ArrayList<>();
    private State state = State.ACTIVE;
    private int nestedCounter;

    Tx(Keel keel, Connection connection, DSLContext dsl) {
        this.keel = keel;
        this.connection = connection;
        this.dsl = dsl;
    }

    /** A DSLContext bound to this transaction's connection. */
    public DSLContext dsl() {
        ensureActive("dsl()");
        return dsl;
    }

    /**
     * A generated jOOQ DAO (or anything built on a jOOQ {@code Configuration}) bound to this transaction, e.g.
     * {@code tx.dao(InvoiceDao::new)}: what it writes commits or rolls back with this transaction. Use it only
     * while the transaction is active.
     */
    public <D> D dao(java.util.function.Function<? super org.jooq.Configuration, ? extends D> constructor) {
        ensureActive("dao()");
        return constructor.apply(dsl.configuration());
    }

    /** The transaction's JDBC connection, for APIs jOOQ does not cover (e.g. COPY). Do not close or commit it. */
    public Connection connection() {
        ensureActive("connection()");
        return connection;
    }

    /**
     * NOTIFY inside this transaction: PostgreSQL delivers it only if the transaction commits, once it has
     * committed, and never if it rolls back. Within one transaction, notifications with the same channel and
     * payload collapse into one; the others arrive in the order they were sent. Checked as
     * {@link Keel#notify(String, String)} checks.
     */
    public void notify(String channel, String payload) {
        ensureActive("notify()");
        dev.keel.internal.notify.PgNotifications.notify(connection, channel, payload);
    }

    public boolean isActive() {
        return state == State.ACTIVE;
    }

    /** Commits and returns the connection to the pool. */
    public void commit() {
        ensureActive("commit()");
        try {
            connection.commit();
            state = State.COMMITTED;
            keel.metrics().committed();
        } catch (SQLException e) {
            state = State.ROLLED_BACK;
            keel.metrics().rolledBack();
            throw ErrorTranslator.translateCommitFailure("commit", e);
        } finally {
            if (state != State.ACTIVE) {
                end();
            }
        }
    }

    /** Rolls back and returns the connection to the pool. */
    public void rollback() {
        ensureActive("rollback()");
        try {
            connection.rollback();
        } catch (SQLException e) {
            KeelException k = ErrorTranslator.translate("rollback", e);
            // A lost connection has no transaction left to roll back: the server ended it.
            if (k.category() != KeelException.Category.CONNECTION_LOST) {
                throw k;
            }
        } finally {
            state = State.ROLLED_BACK;
            keel.metrics().rolledBack();
            end();
        }
    }

    /**
     * Marks a point to roll back to.
     *
     * @param name letters, digits and underscores, starting with a letter or underscore, at most 63 characters,
     *             unique among this transaction's live savepoints
     */
    public Savepoint savepoint(String name) {
        ensureActive("savepoint()");
        if (name == null || !SAVEPOINT_NAME.matcher(name).matches()) {
            throw new InvalidInputException("Savepoint name '" + name + "' must match " + SAVEPOINT_NAME.pattern(),
                    "savepoint");
        }
        if (savepoints.stream().anyMatch(s -> s.name().equals(name))) {
            throw new InvalidInputException("Savepoint '" + name + "' already exists in this transaction", "savepoint");
        }
        try {
            Savepoint sp = new Savepoint(name, connection.setSavepoint(name), this);
            savepoints.add(sp);
            return sp;
        } catch (SQLException e) {
            throw ErrorTranslator.translate("savepoint " + name, e);
        }
    }

    /** Undoes everything after {@code sp}; {@code sp} stays valid, later savepoints are gone. */
    public void rollbackTo(Savepoint sp) {
        int index = indexOf(sp, "rollbackTo()");
        try {
            connection.rollback(sp.jdbc);
            savepoints.subList(index + 1, savepoints.size()).clear();
        } catch (SQLException e) {
            throw ErrorTranslator.translate("rollback to savepoint " + sp.name(), e);
        }
    }

    /** Forgets {@code sp} (and any later savepoints), keeping the work done since. */
    public void release(Savepoint sp) {
        int index = indexOf(sp, "release()");
        try {
            connection.releaseSavepoint(sp.jdbc);
            savepoints.subList(index, savepoints.size()).clear();
        } catch (SQLException e) {
            throw ErrorTranslator.translate("release savepoint " + sp.name(), e);
        }
    }

    /**
     * Runs {@code work} inside a savepoint: if it throws, only its own changes are undone and the throwable is
     * rethrown; the enclosing transaction stays usable.
     */
    public void nested(TxCallback work) {
        nestedResult(tx -> {
            work.run(tx);
            return null;
        });
    }

    /** As {@link #nested(TxCallback)}, returning the work's result. */
    public <T> T nestedResult(TxFunction<T> work) {
        Savepoint sp = savepoint("keel_nested_" + (++nestedCounter));
        T result;
        try {
            result = work.apply(this);
        } catch (Throwable t) {
            if (isActive()) {
                try {
                    rollbackTo(sp);
                    release(sp);
                } catch (RuntimeException e) {
                    t.addSuppressed(e);
                }
            }
            throw Keel.propagate("nested transaction", t);
        }
        release(sp);
        return result;
    }

    /** Rolls back unless committed or rolled back already; idempotent. */
    @Override
    public void close() {
        if (state == State.ACTIVE) {
            rollback();
        }
    }

    private int indexOf(Savepoint sp, String operation) {
        ensureActive(operation);
        if (sp == null || sp.owner != this) {
            throw new IllegalArgumentException(operation + ": savepoint " + sp + " does not belong to this transaction");
        }
        int index = savepoints.indexOf(sp);
        if (index < 0) {
            throw new IllegalStateException(operation + ": savepoint " + sp.name()
                    + " was released or rolled past and is no longer valid");
        }
        return index;
    }

    private void ensureActive(String operation) {
        if (state != State.ACTIVE) {
            throw new IllegalStateException("Transaction already " + (state == State.COMMITTED ? "committed" : "rolled back")
                    + "; " + operation + " is not allowed");
        }
    }

    private void end() {
        savepoints.clear();
        keel.unbind(this);
        try {
            connection.close();
        } catch (SQLException e) {
            // the pool evicts a broken connection itself; nothing to hand back
        }
    }
}
