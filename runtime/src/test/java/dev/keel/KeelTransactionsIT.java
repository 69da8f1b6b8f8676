package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import dev.keel.error.InvalidInputException;
import dev.keel.error.ReadOnlyException;
import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@KeelTest(migrations = "classpath:db/keel", schemas = "keel")
class KeelTransactionsIT {
    static Keel keel;

    @BeforeAll
    static void start(TestDatabase db) {
        keel = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(4).build();
        keel.dsl().execute("CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL)");
    }

    @AfterAll
    static void stop() {
        keel.close();
    }

    @BeforeEach
    void empty() {
        keel.dsl().execute("TRUNCATE item");
    }

    static int count() {
        return keel.dsl().fetchCount(table("item"));
    }

    static void insert(Tx tx, int id) {
        tx.dsl().insertInto(table("item"), field("id"), field("name")).values(id, "item " + id).execute();
    }

    @Test
    void callbackCommitsOnReturn() {
        keel.transaction(tx -> insert(tx, 1));
        assertThat(count()).isEqualTo(1);
        int n = keel.transactionResult(tx -> tx.dsl().fetchCount(table("item")));
        assertThat(n).isEqualTo(1);
    }

    @Test
    void rollbackOnExceptionLeavesNoRow() {
        assertThatThrownBy(() -> keel.transaction(tx -> {
            insert(tx, 1);
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(count()).isZero();
    }

    @Test
    void checkedExceptionFromCallbackIsWrappedAndRollsBack() {
        assertThatThrownBy(() -> keel.transaction(tx -> {
            insert(tx, 1);
            throw new java.io.IOException("disk");
        })).isInstanceOf(KeelException.class).hasCauseInstanceOf(java.io.IOException.class);
        assertThat(count()).isZero();
    }

    @Test
    void rollbackToSavepointKeepsEarlierRows() {
        try (Tx tx = keel.begin()) {
            insert(tx, 1);
            Savepoint sp = tx.savepoint("before_two");
            insert(tx, 2);
            insert(tx, 3);
            tx.rollbackTo(sp);
            insert(tx, 4);
            tx.release(sp);
            tx.commit();
        }
        assertThat(keel.dsl().select(field("id", Integer.class)).from(table("item")).orderBy(field("id")).fetch(0, Integer.class))
                .containsExactly(1, 4);
    }

    @Test
    void nestedFailureRollsBackOnlyTheInnerWork() {
        keel.transaction(tx -> {
            insert(tx, 1);
            assertThatThrownBy(() -> tx.nested(inner -> {
                insert(inner, 2);
                insert(inner, 1); // duplicate key: aborts the inner work only
            })).isInstanceOf(dev.keel.error.ConstraintViolationException.class);
            insert(tx, 3);
        });
        assertThat(keel.dsl().select(field("id", Integer.class)).from(table("item")).orderBy(field("id")).fetch(0, Integer.class))
                .containsExactly(1, 3);
    }

    @Test
    void closingWithoutCommitRollsBack() {
        try (Tx tx = keel.begin()) {
            insert(tx, 1);
        }
        assertThat(count()).isZero();
    }

    @Test
    void usingATransactionAfterCommitIsAClearError() {
        Tx tx = keel.begin();
        insert(tx, 1);
        tx.commit();
        assertThatThrownBy(tx::dsl).isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
        assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.savepoint("x")).isInstanceOf(IllegalStateException.class);
        tx.close(); // idempotent after commit
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void savepointNamesAreValidated() {
        try (Tx tx = keel.begin()) {
            assertThatThrownBy(() -> tx.savepoint("drop table; --")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("drop table");
            tx.savepoint("ok_1");
            assertThatThrownBy(() -> tx.savepoint("ok_1")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void savepointRolledPastIsNoLongerValid() {
        try (Tx tx = keel.begin()) {
            Savepoint a = tx.savepoint("a");
            Savepoint b = tx.savepoint("b");
            tx.rollbackTo(a);
            assertThatThrownBy(() -> tx.rollbackTo(b)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no longer valid");
        }
    }

    @Test
    void outerDslInsideATransactionIsRefusedInsteadOfEscapingIt() {
        assertThatThrownBy(() -> keel.transaction(tx -> {
            insert(tx, 1);
            keel.dsl().insertInto(table("item"), field("id"), field("name")).values(2, "escaped").execute();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("tx.dsl()");
        assertThat(count()).isZero();
        // the thread is free again afterwards
        keel.dsl().insertInto(table("item"), field("id"), field("name")).values(3, "after").execute();
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void readOnlyTransactionRejectsWritesWithReadOnlyError() {
        assertThatThrownBy(() -> keel.transaction(TxOptions.defaults().readOnly(true), tx -> insert(tx, 1)))
                .isInstanceOf(ReadOnlyException.class)
                .satisfies(e -> assertThat(((KeelException) e).sqlState()).isEqualTo("25006"));
        assertThat(count()).isZero();
    }

    @Test
    void isolationLevelIsApplied() {
        String level = keel.transactionResult(TxOptions.serializable(),
                tx -> tx.dsl().fetchOne("SHOW transaction_isolation").get(0, String.class));
        assertThat(level).isEqualTo("serializable");
        String defaults = keel.transactionResult(tx -> tx.dsl().fetchOne("SHOW transaction_isolation").get(0, String.class));
        assertThat(defaults).isEqualTo("read committed");
    }

    @Test
    void defaultTransactionsAreReadCommittedOnAReusedConnectionWhateverTheDatabaseDefault(TestDatabase db) {
        String database = keel.dsl().fetchSingle("SELECT current_database()").get(0, String.class);
        keel.dsl().execute("ALTER DATABASE " + DSL.quotedName(database) + " SET default_transaction_isolation = "
                + "'repeatable read'");
        try (Keel one = Keel.builder().jdbcUrl(db.jdbcUrl()).maxPoolSize(1).minIdle(0).build()) {
            Object pid = one.transactionResult(TxOptions.serializable(),
                    tx -> tx.dsl().fetchSingle("SELECT pg_backend_pid()").get(0));
            // the same connection again: neither the serializable transaction before nor the database default leaks
            String[] seen = one.transactionResult(tx -> new String[] {
                    tx.dsl().fetchSingle("SELECT pg_backend_pid()").get(0).toString(),
                    tx.dsl().fetchSingle("SHOW transaction_isolation").get(0, String.class)});
            assertThat(seen).containsExactly(pid.toString(), "read committed");
        } finally {
            keel.dsl().execute("ALTER DATABASE " + DSL.quotedName(database) + " RESET default_transaction_isolation");
        }
    }

    @Test
    void metricsCountCommitsRollbacksAndFailures() {
        KeelMetrics before = keel.metricsSnapshot();
        keel.transaction(tx -> insert(tx, 1));
        assertThatThrownBy(() -> keel.transaction(tx -> insert(tx, 1)))
                .isInstanceOf(dev.keel.error.ConstraintViolationException.class);
        KeelMetrics after = keel.metricsSnapshot();
        assertThat(after.committed() - before.committed()).isEqualTo(1);
        assertThat(after.rolledBack() - before.rolledBack()).isEqualTo(1);
        assertThat(after.queries()).isGreaterThan(before.queries());
        assertThat(after.failures().get(KeelException.Category.CONSTRAINT_VIOLATION)
                - before.failures().get(KeelException.Category.CONSTRAINT_VIOLATION)).isEqualTo(1);
        assertThat(after.p99QueryMillis()).isGreaterThan(0);
        assertThat(after.pool().max()).isEqualTo(4);
    }
}
