package dev.keel.testkit;

import dev.keel.embedded.DatabaseChoice;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.embedded.PostgresVersion;
import dev.keel.testkit.internal.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The one PostgreSQL server of a test JVM, and the databases made on it. Every name it creates starts with
 * {@code keel_test_} and a per-JVM token, so runs against a shared server do not collide.
 */
public final class TestServer implements AutoCloseable {
    /** A superuser URL of an existing server to use instead of the embedded one. */
    public static final String URL_VARIABLE = "KEEL_TEST_JDBC_URL";
    /** Set to {@code testcontainers} to use a Testcontainers PostgreSQL (skipped without Docker). */
    public static final String MODE_VARIABLE = "KEEL_TEST_DB";
    /**
     * System property: {@code true} starts the embedded server durable (fsync and synchronous_commit on), as figures
     * that are quoted need; tests default to the faster non-durable server.
     */
    public static final String DURABLE_PROPERTY = "keel.test.durable";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String adminUrl;
    private final AutoCloseable owned;
    private final String description;
    private final String token = Long.toString(ProcessHandle.current().pid(), 36)
            + Long.toString(System.nanoTime() % 1_000_000, 36);

    private TestServer(String adminUrl, AutoCloseable owned, String description) {
        this.adminUrl = adminUrl;
        this.owned = owned;
        this.description = description;
    }

    static TestServer start(Map<String, String> env) {
        DatabaseChoice choice = DatabaseChoice.resolve(null, URL_VARIABLE, env,
                "testcontainers".equalsIgnoreCase(env.getOrDefault(MODE_VARIABLE, "")), URL_VARIABLE);
        return switch (choice.source()) {
            case EXPLICIT_URL -> new TestServer(choice.jdbcUrl(), null, choice.describe());
            case TESTCONTAINERS -> TestcontainersServer.start();
            case EMBEDDED -> {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().version(PostgresVersion.fromEnvironment(env))
                        .durable(Boolean.getBoolean(DURABLE_PROPERTY)).start();
                yield new TestServer(pg.jdbcUrl("postgres"), pg, "embedded PostgreSQL " + pg.serverVersion());
            }
        };
    }

    static TestServer external(String adminUrl, AutoCloseable owned, String description) {
        return new TestServer(adminUrl, owned, description);
    }

    public String description() {
        return description;
    }

    /** A new, unique database name (not yet created). */
    public String newDatabaseName(String hint) {
        String clean = hint.toLowerCase().replaceAll("[^a-z0-9]+", "_");
        if (clean.length() > 30) {
            clean = clean.substring(clean.length() - 30);
        }
        return "keel_test_" + token + "_" + COUNTER.incrementAndGet() + "_" + clean;
    }

    /** Creates a database, empty or as a copy of {@code template}. */
    public void createDatabase(String name, String template) {
        admin("CREATE DATABASE " + quote(name) + (template == null ? "" : " TEMPLATE " + quote(template)));
    }

    /** Drops a database, ending any sessions still connected to it. */
    public void dropDatabase(String name) {
        admin("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
    }

    public String jdbcUrl(String database) {
        return JdbcUrls.withDatabase(adminUrl, database);
    }

    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl(database));
        return ds;
    }

    /** Sessions on {@code database} other than the caller's: "pid state application query" per line. */
    public List<String> sessions(String database, boolean onlyInTransaction) {
        String sql = "SELECT pid, state, application_name, left(query, 120) FROM pg_stat_activity "
                + "WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                + (onlyInTransaction ? " AND (xact_start IS NOT NULL OR state LIKE 'idle in transaction%')" : "");
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(adminUrl);
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("pid " + rs.getInt(1) + " " + rs.getString(2) + " [" + rs.getString(3) + "] "
                            + rs.getString(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot list sessions on " + database + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + description + ": " + e.getMessage(), e);
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }
}
