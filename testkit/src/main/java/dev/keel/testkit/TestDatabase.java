package dev.keel.testkit;

import dev.keel.testkit.internal.TrackingDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The database a {@link KeelTest} class owns. Connections from {@link #dataSource()} are tracked: one still
 * open when a test ends fails that test. Thread-safe.
 */
public final class TestDatabase {
    private final TestServer server;
    private final String name;
    private final TrackingDataSource dataSource;

    TestDatabase(TestServer server, String name) {
        this.server = server;
        this.name = name;
        this.dataSource = new TrackingDataSource(server.dataSource(name));
    }

    /** The database's name, unique in this JVM. */
    public String name() {
        return name;
    }

    /** A JDBC URL for this database that carries its credentials (for pools and tools under test). */
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /** Unpooled, tracked connections to this database. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The server, to create further databases for tests that need them. */
    public TestServer server() {
        return server;
    }

    /** Runs SQL on a connection of its own. */
    public void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name + ": " + e.getMessage(), e);
        }
    }

    TrackingDataSource tracking() {
        return dataSource;
    }
}
