package dev.keel.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keel.KeelException;
import dev.keel.KeelException.Category;
import dev.keel.error.ConstraintViolationException.ConstraintKind;
import dev.keel.internal.ErrorTranslator;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Every category of Keel's error tree, produced by a real PostgreSQL (or a real pool) and translated by
 * {@link ErrorTranslator}.
 */
@KeelTest
class ErrorTranslatorIT {

    @BeforeAll
    static void schema(TestDatabase db) {
        db.execute("""
                CREATE TABLE parent (id int PRIMARY KEY);
                CREATE TABLE account (
                    id int PRIMARY KEY,
                    email text NOT NULL CONSTRAINT account_email_key UNIQUE,
                    parent_id int CONSTRAINT account_parent_fk REFERENCES parent (id),
                    balance int NOT NULL DEFAULT 0 CONSTRAINT account_balance_nonnegative CHECK (balance >= 0));
                CREATE TABLE booking (
                    id int PRIMARY KEY,
                    during int4range NOT NULL,
                    CONSTRAINT booking_no_overlap EXCLUDE USING gist (during WITH &&));
                CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL);
                CREATE TABLE duty (class int NOT NULL, value int NOT NULL);
                INSERT INTO parent VALUES (1);
                INSERT INTO counter VALUES (1, 0), (2, 0), (3, 0);
                INSERT INTO duty VALUES (1, 10), (1, 20), (2, 100), (2, 200);
                """);
    }

    @Test
    void uniqueViolationNamesConstraintAndTable(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            exec(c, "INSERT INTO account (id, email) VALUES (1, 'ada@example.org')");
            SQLException raw = sqlFailure(c, "INSERT INTO account (id, email) VALUES (2, 'ada@example.org')");

            KeelException k = ErrorTranslator.translate("insert account", raw);

            assertThat(k).isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConstraintKind.UNIQUE);
                assertThat(e.constraintName()).isEqualTo("account_email_key");
                assertThat(e.table()).isEqualTo("account");
                assertThat(e.schema()).isEqualTo("public");
            });
            assertThat(k.category()).isEqualTo(Category.CONSTRAINT_VIOLATION);
            assertThat(k.sqlState()).isEqualTo("23505");
            assertThat(k).hasCause(raw);
            assertThat(k.getMessage()).startsWith("insert account: unique constraint violated")
                    .contains("account_email_key", "public.account", "[23505]", "duplicate key value")
                    .as("row values from DETAIL stay out of the message").doesNotContain("ada@example.org");
            assertThat(ErrorTranslator.isRetryable(raw)).isFalse();
        }
    }

    @Test
    void uniqueViolationThroughJooqIsUnwrappedFromDataAccessException(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            var dsl = DSL.using(c, SQLDialect.POSTGRES);
            dsl.execute("INSERT INTO account (id, email) VALUES (?, ?)", 3, "grace@example.org");
            DataAccessException raw = assertThrows(DataAccessException.class,
                    () -> dsl.execute("INSERT INTO account (id, email) VALUES (?, ?)", 3, "other@example.org"));

            KeelException k = ErrorTranslator.translate("insert account via jOOQ", raw);

            assertThat(k).isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConstraintKind.UNIQUE);
                assertThat(e.constraintName()).isEqualTo("account_pkey");
                assertThat(e.table()).isEqualTo("account");
            });
            assertThat(k.sqlState()).isEqualTo("23505");
            assertThat(k).hasCause(raw);
            assertThat(k.getMessage()).startsWith("insert account via jOOQ: ");
        }
    }

    @Test
    void foreignKeyViolationNamesConstraintAndTable(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            SQLException raw = sqlFailure(c, "INSERT INTO account (id, email, parent_id) VALUES (10, 'fk@x', 999)");

            KeelException k = ErrorTranslator.translate("insert account", raw);

            assertThat(k).isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConstraintKind.FOREIGN_KEY);
                assertThat(e.constraintName()).isEqualTo("account_parent_fk");
                assertThat(e.table()).isEqualTo("account");
            });
            assertThat(k.sqlState()).isEqualTo("23503");
            assertThat(k.getMessage()).contains("foreign key constraint violated", "account_parent_fk");
        }
    }

    @Test
    void notNullViolationNamesColumn(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            SQLException raw = sqlFailure(c, "INSERT INTO account (id, email) VALUES (11, NULL)");

            KeelException k = ErrorTranslator.translate("insert account", raw);

            assertThat(k).isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConstraintKind.NOT_NULL);
                assertThat(e.column()).isEqualTo("email");
                assertThat(e.table()).isEqualTo("account");
            });
            assertThat(k.sqlState()).isEqualTo("23502");
            assertThat(k.getMessage()).contains("not-null constraint violated", "column \"email\"");
        }
    }

    @Test
    void checkViolationNamesConstraint(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            SQLException raw = sqlFailure(c, "INSERT INTO account (id, email, balance) VALUES (12, 'neg@x', -1)");

            KeelException k = ErrorTranslator.translate("insert account", raw);

            assertThat(k).isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConstraintKind.CHECK);
                assertThat(e.constraintName()).isEqualTo("account_balance_nonnegative");
                assertThat(e.table()).isEqualTo("account");
            });
            assertThat(k.sqlState()).isEqualTo("23514");
        }
    }

    @Test
    void exclusionViolationNamesConstraint(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            exec(c, "INSERT INTO booking VALUES (1, int4range(1, 10))");
            SQLException raw = sqlFailure(c, "INSERT INTO booking VALUES (2, int4range(5, 15))");

            KeelException k = ErrorTranslator.translate("book", raw);

            assertThat(k).isInstanceOfSatisfying(ConstraintViolationException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConstraintKind.EXCLUSION);
                assertThat(e.constraintName()).isEqualTo("booking_no_overlap");
                assertThat(e.table()).isEqualTo("booking");
            });
            assertThat(k.sqlState()).isEqualTo("23P01");
        }
    }

    @Test
    void serializationFailureIsRetryableConflictEvenAtCommit(TestDatabase db) throws SQLException {
        try (Connection a = db.dataSource().getConnection(); Connection b = db.dataSource().getConnection()) {
            for (Connection c : new Connection[] {a, b}) {
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                c.setAutoCommit(false);
            }
            // Write skew: each reads one class and inserts into the other; the second to commit must fail.
            exec(a, "SELECT sum(value) FROM duty WHERE class = 1");
            exec(b, "SELECT sum(value) FROM duty WHERE class = 2");
            exec(a, "INSERT INTO duty VALUES (2, 30)");
            exec(b, "INSERT INTO duty VALUES (1, 300)");
            a.commit();
            SQLException raw = assertThrows(SQLException.class, b::commit, "the second commit is refused");
            b.rollback();

            KeelException k = ErrorTranslator.translateCommitFailure("commit duty", raw);

            assertThat(k).isInstanceOf(RetryableConflictException.class);
            assertThat(k.category()).isEqualTo(Category.RETRYABLE_CONFLICT);
            assertThat(k.sqlState()).isEqualTo("40001");
            assertThat(k.getMessage()).contains("serialization failure", "[40001]");
            assertThat(ErrorTranslator.isRetryable(raw)).isTrue();
        }
    }

    @Test
    void deadlockIsRetryableConflict(TestDatabase db) throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection a = db.dataSource().getConnection(); Connection b = db.dataSource().getConnection()) {
            for (Connection c : new Connection[] {a, b}) {
                exec(c, "SET deadlock_timeout = '100ms'");
                c.setAutoCommit(false);
            }
            exec(a, "UPDATE counter SET n = n + 1 WHERE id = 1");
            exec(b, "UPDATE counter SET n = n + 1 WHERE id = 2");
            int aPid = pid(a);
            Future<SQLException> aSide = other.submit(() -> failureOrNull(a, "UPDATE counter SET n = n + 1 WHERE id = 2"));
            awaitLockWait(db, aPid);
            SQLException bFailure = failureOrNull(b, "UPDATE counter SET n = n + 1 WHERE id = 1");
            SQLException aFailure = aSide.get(10, TimeUnit.SECONDS);
            a.rollback();
            b.rollback();

            assertThat(aFailure == null ^ bFailure == null).as("exactly one side is the deadlock victim").isTrue();
            SQLException raw = aFailure != null ? aFailure : bFailure;
            KeelException k = ErrorTranslator.translate("transfer", raw);

            assertThat(k).isInstanceOf(RetryableConflictException.class);
            assertThat(k.sqlState()).isEqualTo("40P01");
            assertThat(k.getMessage()).contains("deadlock");
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void lockNotAvailableIsRetryableConflict(TestDatabase db) throws SQLException {
        try (Connection a = db.dataSource().getConnection(); Connection b = db.dataSource().getConnection()) {
            a.setAutoCommit(false);
            exec(a, "SELECT * FROM counter WHERE id = 3 FOR UPDATE");
            SQLException raw = sqlFailure(b, "SELECT * FROM counter WHERE id = 3 FOR UPDATE NOWAIT");
            a.rollback();

            KeelException k = ErrorTranslator.translate("lock counter", raw);

            assertThat(k).isInstanceOf(RetryableConflictException.class);
            assertThat(k.sqlState()).isEqualTo("55P03");
            assertThat(ErrorTranslator.isRetryable(raw)).isTrue();
        }
    }

    @Test
    void statementTimeoutIsQueryTimeout(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            exec(c, "SET statement_timeout = '50ms'");
            SQLException raw = sqlFailure(c, "SELECT pg_sleep(1)");

            KeelException k = ErrorTranslator.translate("slow report", raw);

            assertThat(k).isInstanceOf(QueryTimeoutException.class);
            assertThat(k.category()).isEqualTo(Category.QUERY_TIMEOUT);
            assertThat(k.sqlState()).isEqualTo("57014");
            assertThat(k.getMessage()).contains("slow report", "statement timeout");
        }
    }

    @Test
    void writeInReadOnlyTransactionIsReadOnly(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            exec(c, "SET TRANSACTION READ ONLY");
            SQLException raw = sqlFailure(c, "INSERT INTO parent VALUES (2)");
            c.rollback();

            KeelException k = ErrorTranslator.translate("insert parent", raw);

            assertThat(k).isInstanceOf(ReadOnlyException.class);
            assertThat(k.category()).isEqualTo(Category.READ_ONLY);
            assertThat(k.sqlState()).isEqualTo("25006");
            assertThat(k.getMessage()).contains("read-only");
        }
    }

    @Test
    void badCastIsInvalidInput(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            SQLException raw = sqlFailure(c, "SELECT 'x'::int");

            KeelException k = ErrorTranslator.translate("parse", raw);

            assertThat(k).isInstanceOf(InvalidInputException.class);
            assertThat(k.category()).isEqualTo(Category.INVALID_INPUT);
            assertThat(k.sqlState()).isEqualTo("22P02");
            assertThat(k.getMessage()).contains("invalid input syntax for type integer");
        }
    }

    @Test
    void divisionByZeroThroughJooqIsInvalidInput(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            DataAccessException raw = assertThrows(DataAccessException.class,
                    () -> DSL.using(c, SQLDialect.POSTGRES).fetch("SELECT 1 / 0"));

            KeelException k = ErrorTranslator.translate("compute", raw);

            assertThat(k).isInstanceOf(InvalidInputException.class);
            assertThat(k.sqlState()).isEqualTo("22012");
            assertThat(k.getMessage()).contains("division by zero");
        }
    }

    @Test
    void keelsOwnValidationNamesTheOffendingInput() {
        InvalidInputException e = new InvalidInputException("must be 1..63 characters, was 80", "graphName");
        assertThat(e).hasMessage("graphName: must be 1..63 characters, was 80");
        assertThat(e.name()).isEqualTo("graphName");
        assertThat(e.sqlState()).isNull();
        assertThat(e.category()).isEqualTo(Category.INVALID_INPUT);
    }

    @Test
    void missingRowThroughJooqIsNotFound(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            RuntimeException raw = assertThrows(RuntimeException.class,
                    () -> DSL.using(c, SQLDialect.POSTGRES).fetchSingle("SELECT id FROM parent WHERE id = 404"));

            KeelException k = ErrorTranslator.translate("load parent 404", raw);

            assertThat(k).isInstanceOf(NotFoundException.class);
            assertThat(k.category()).isEqualTo(Category.NOT_FOUND);
            assertThat(k.sqlState()).isNull();
            assertThat(k.getMessage()).startsWith("load parent 404: no row found");
        }
    }

    @Test
    void undefinedTableIsOther(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            SQLException raw = sqlFailure(c, "SELECT * FROM nowhere");

            KeelException k = ErrorTranslator.translate("query", raw);

            assertThat(k).isExactlyInstanceOf(KeelException.class);
            assertThat(k.category()).isEqualTo(Category.OTHER);
            assertThat(k.sqlState()).isEqualTo("42P01");
            assertThat(k.getMessage()).isEqualTo("query failed [42P01]: relation \"nowhere\" does not exist");
        }
    }

    @Test
    void terminatedSessionIsConnectionLost(TestDatabase db) throws SQLException {
        try (Connection victim = db.dataSource().getConnection()) {
            terminate(db, pid(victim));
            SQLException raw = sqlFailure(victim, "SELECT 1");

            KeelException k = ErrorTranslator.translate("select", raw);

            assertThat(k).isInstanceOf(ConnectionLostException.class);
            assertThat(k.category()).isEqualTo(Category.CONNECTION_LOST);
            assertThat(k.sqlState()).matches("57P01|08\\w{3}");
            assertThat(k.getMessage()).contains("connection to the database lost");

            SQLException again = sqlFailure(victim, "SELECT 1");
            assertThat(ErrorTranslator.translate("select again", again))
                    .isInstanceOf(ConnectionLostException.class)
                    .extracting(KeelException::sqlState).isEqualTo("08003");
        }
    }

    @Test
    void commitWithLostConnectionHasUnknownOutcome(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            exec(c, "INSERT INTO parent VALUES (500)");
            terminate(db, pid(c));
            SQLException raw = assertThrows(SQLException.class, c::commit);

            KeelException plain = ErrorTranslator.translate("commit", raw);
            KeelException k = ErrorTranslator.translateCommitFailure("commit", raw);

            assertThat(plain).isInstanceOf(ConnectionLostException.class);
            assertThat(k).isInstanceOf(CommitOutcomeUnknownException.class);
            assertThat(k.category()).isEqualTo(Category.COMMIT_OUTCOME_UNKNOWN);
            assertThat(k.sqlState()).isEqualTo(plain.sqlState()).matches("57P01|08\\w{3}");
            assertThat(k.getMessage()).contains("COMMIT was in flight", "may or may not have committed");
            assertThat(k).hasCause(raw);
            assertThat(ErrorTranslator.isRetryable(raw)).isFalse();
        }
    }

    @Test
    void poolTimeoutWhileDatabaseIsUpIsPoolExhausted(TestDatabase db) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setPoolName("errors-exhausted");
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        try (HikariDataSource pool = new HikariDataSource(config); Connection held = pool.getConnection()) {
            SQLException raw = assertThrows(SQLException.class, pool::getConnection);

            KeelException k = ErrorTranslator.translate("acquire", raw);

            assertThat(held.isValid(1)).isTrue();
            assertThat(k).isInstanceOfSatisfying(PoolExhaustedException.class, e -> {
                assertThat(e.poolName()).isEqualTo("errors-exhausted");
                assertThat(e.poolStats()).contains("total=1", "active=1", "idle=0");
            });
            assertThat(k.category()).isEqualTo(Category.POOL_EXHAUSTED);
            assertThat(k.sqlState()).isNull();
            assertThat(k.getMessage()).contains("acquire: connection pool exhausted", "errors-exhausted",
                    "total=1, active=1");
        }
    }

    @Test
    void poolTimeoutWhileDatabaseIsDownIsConnectionLostNotPoolExhausted() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/x");
        config.setPoolName("errors-down");
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(500);
        config.setInitializationFailTimeout(-1); // start anyway, so the failure surfaces as Hikari's acquire timeout
        try (HikariDataSource pool = new HikariDataSource(config)) {
            SQLException raw = assertThrows(SQLException.class, pool::getConnection);
            assertThat((Throwable) raw).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("Connection is not available, request timed out");

            KeelException k = ErrorTranslator.translate("acquire", raw);

            assertThat(k).isInstanceOf(ConnectionLostException.class).isNotInstanceOf(PoolExhaustedException.class);
            assertThat(k.category()).isEqualTo(Category.CONNECTION_LOST);
            assertThat(k.sqlState()).startsWith("08");
            assertThat(k.getMessage()).contains("database unavailable", "errors-down");
        }
    }

    @Test
    void unreachableDatabaseAtPoolStartIsConnectionLost() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/x");
        config.setPoolName("errors-start");
        config.setConnectionTimeout(500);
        RuntimeException raw = assertThrows(RuntimeException.class, () -> new HikariDataSource(config).close());

        KeelException k = ErrorTranslator.translate("start pool", raw);

        assertThat(k).isInstanceOf(ConnectionLostException.class);
        assertThat(k.sqlState()).isEqualTo("08001");
        assertThat(k.getMessage()).contains("database unavailable, could not connect");
    }

    @Test
    void keelExceptionsPassThroughUnchanged() {
        ReadOnlyException original = new ReadOnlyException("write: read-only", "25006", null);
        assertThat(ErrorTranslator.translate("again", original)).isSameAs(original);
        assertThat(ErrorTranslator.translate("wrapped", new IllegalStateException("wrapper", original)))
                .isSameAs(original);
        assertThat(ErrorTranslator.translateCommitFailure("commit", original)).isSameAs(original);
    }

    // --- helpers ---

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static SQLException sqlFailure(Connection c, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> exec(c, sql));
        assertThat((Throwable) e).isInstanceOf(PSQLException.class);
        return e;
    }

    private static SQLException failureOrNull(Connection c, String sql) {
        try {
            exec(c, sql);
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Ends a session from another connection and waits until it is gone. */
    private static void terminate(TestDatabase db, int pid) throws SQLException {
        try (Connection admin = db.dataSource().getConnection();
             PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("session %d terminated", pid).isTrue();
            }
        }
    }

    private static void awaitLockWait(TestDatabase db, int pid) throws Exception {
        try (Connection admin = db.dataSource().getConnection();
             PreparedStatement ps = admin.prepareStatement(
                     "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("session " + pid + " never waited for a lock");
    }
}
