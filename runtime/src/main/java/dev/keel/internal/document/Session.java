package dev.keel.internal.document;

import dev.keel.Tx;
import dev.keel.internal.ErrorTranslator;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Where a collection's statements run: on a pooled connection of their own (each call its own transaction), or
 * on a Keel transaction's connection. Translates every SQLException into Keel's typed exceptions.
 */
abstract class Session {
    interface Work<R> {
        R apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} as one transaction (or inside the caller's). */
    abstract <R> R atomic(String operation, Work<R> work);

    /** Runs one reading statement: auto-committed on a pooled connection, or inside the caller's transaction. */
    abstract <R> R read(String operation, Work<R> work);

    /** A connection for a stream; {@code release} gives it back. */
    abstract Connection streamConnection(String operation) throws SQLException;

    abstract void release(Connection c);

    static Session pool(DataSource pool) {
        return new Session() {
            @Override
            <R> R atomic(String operation, Work<R> work) {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try {
                        R r = work.apply(c);
                        c.commit();
                        return r;
                    } catch (SQLException | RuntimeException | Error e) {
                        try {
                            c.rollback();
                        } catch (SQLException suppressed) {
                            e.addSuppressed(suppressed);
                        }
                        throw e;
                    }
                } catch (SQLException e) {
                    throw ErrorTranslator.translate(operation, e);
                }
            }

            @Override
            <R> R read(String operation, Work<R> work) {
                try (Connection c = pool.getConnection()) {
                    return work.apply(c);
                } catch (SQLException e) {
                    throw ErrorTranslator.translate(operation, e);
                }
            }

            @Override
            Connection streamConnection(String operation) throws SQLException {
                Connection c = pool.getConnection();
                c.setAutoCommit(false); // pgjdbc reads in batches only inside a transaction
                return c;
            }

            @Override
            void release(Connection c) {
                try {
                    c.rollback();
                    c.close();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it
                }
            }
        };
    }

    static Session tx(Tx tx) {
        return new Session() {
            @Override
            <R> R atomic(String operation, Work<R> work) {
                try {
                    return work.apply(tx.connection());
                } catch (SQLException e) {
                    throw ErrorTranslator.translate(operation, e);
                }
            }

            @Override
            <R> R read(String operation, Work<R> work) {
                return atomic(operation, work);
            }

            @Override
            Connection streamConnection(String operation) {
                return tx.connection();
            }

            @Override
            void release(Connection c) {
                // the transaction owns it
            }
        };
    }
}
