package dev.keel.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class KeelDatabaseExtensionIT {

    @Test
    void classesGetSeparateMigratedDatabases() {
        Events events = run(WritesOneNote.class, AlsoWritesOneNote.class);
        events.assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    }

    @Test
    void testThatLeavesAConnectionOpenFails() {
        Events events = run(LeaksAConnection.class);
        events.assertStatistics(s -> s.started(1).failed(1));
        assertThat(failureMessage(events)).contains("1 unclosed connection");
    }

    @Test
    void testThatLeavesATransactionOpenFails() {
        Events events = run(LeavesATransactionOpen.class);
        events.assertStatistics(s -> s.started(1).failed(1));
        assertThat(failureMessage(events)).contains("1 open transaction");
    }

    private static Events run(Class<?>... classes) {
        var request = EngineTestKit.engine("junit-jupiter").configurationParameter("junit.jupiter.conditions.deactivate", "*");
        for (Class<?> c : classes) {
            request = request.selectors(selectClass(c));
        }
        return request.execute().testEvents();
    }

    private static String failureMessage(Events events) {
        return events.failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                        .getThrowable().orElseThrow().getMessage())
                .findFirst().orElse("");
    }

    static int count(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @KeelTest(migrations = "classpath:db/testkit")
    static class WritesOneNote {
        @Test
        void seesOnlyItsOwnRow(TestDatabase db) throws SQLException {
            db.execute("INSERT INTO notes VALUES (1, 'first class')");
            assertThat(count(db)).isEqualTo(1);
        }
    }

    @KeelTest(migrations = "classpath:db/testkit")
    static class AlsoWritesOneNote {
        @Test
        void seesOnlyItsOwnRow(TestDatabase db) throws SQLException {
            db.execute("INSERT INTO notes VALUES (1, 'second class')");
            assertThat(count(db)).isEqualTo(1);
        }
    }

    @KeelTest
    static class LeaksAConnection {
        @Test
        void leaks(TestDatabase db) throws SQLException {
            db.dataSource().getConnection();
        }
    }

    @KeelTest
    static class LeavesATransactionOpen {
        static Connection held;

        @Test
        void leavesTransactionOpen(TestDatabase db) throws SQLException {
            held = java.sql.DriverManager.getConnection(db.jdbcUrl());
            held.setAutoCommit(false);
            try (Statement s = held.createStatement()) {
                s.execute("SELECT 1");
            }
        }
    }
}
