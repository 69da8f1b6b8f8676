package dev.keel.codegen.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends migrations that run past their time. When the time is up it reads what Flyway's sessions are doing (which
 * statement, what it waits for, who holds the lock), keeps that as the diagnosis, and cancels them; sessions
 * that still do not return within a grace period are terminated. Flyway then fails, and the caller reports the
 * diagnosis instead of a bare "canceling statement" or I/O error.
 */
final class MigrationWatchdog implements AutoCloseable {
    /** The application name of Flyway's sessions, so they can be found in pg_stat_activity. */
    static final String APPLICATION = "keel-codegen";
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final String url;
    private final Duration timeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keel-codegen-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile String diagnosis;

    MigrationWatchdog(String url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        timer.schedule(this::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    Duration timeout() {
        return timeout;
    }

    /** Whether the time ran out (and Flyway's sessions were cancelled). */
    boolean fired() {
        return diagnosis != null;
    }

    String diagnosis() {
        return diagnosis;
    }

    private void cancel() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            diagnosis = diagnose(s);
            s.execute(signal("pg_cancel_backend"));
            timer.schedule(this::terminate, GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (SQLException e) {
            diagnosis = "the database could not be asked what it was doing (" + e.getMessage() + ")";
        }
    }

    private void terminate() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(signal("pg_terminate_backend"));
        } catch (SQLException ignored) {
            // nothing more can be done from here; Flyway's own connection errors will end the run
        }
    }

    private String diagnose(Statement s) throws SQLException {
        List<String> found = new ArrayList<>();
        boolean waitsForFlyway = false;
        try (ResultSet rs = s.executeQuery("""
                SELECT left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120), a.wait_event_type, a.wait_event,
                       EXISTS (SELECT 1 FROM pg_stat_activity b
                               WHERE b.pid = ANY (pg_blocking_pids(a.pid)) AND b.application_name = '%s'),
                       (SELECT string_agg(b.pid || ' (' || coalesce(nullif(b.application_name, ''), 'no name')
                               || ', ' || coalesce(b.state, '?') || ')', ', ')
                        FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid)))
                FROM pg_stat_activity a
                WHERE a.application_name = '%s' AND a.state = 'active' AND a.pid <> pg_backend_pid()
                  AND a.datname = current_database()
                """.formatted(APPLICATION, APPLICATION))) {
            while (rs.next()) {
                StringBuilder sb = new StringBuilder("'").append(rs.getString(1)).append("'");
                if (rs.getString(2) != null) {
                    sb.append(" was waiting (").append(rs.getString(2)).append('/').append(rs.getString(3)).append(')');
                } else {
                    sb.append(" was still running");
                }
                if (rs.getString(5) != null) {
                    sb.append(" for a lock held by backend ").append(rs.getString(5));
                }
                waitsForFlyway |= rs.getBoolean(4);
                found.add(sb.toString());
            }
        }
        if (found.isEmpty()) {
            return "no statement of the migration was running in the database (a Java migration busy in Java?)";
        }
        String text = String.join("; ", found);
        if (waitsForFlyway) {
            text += ". It waits for Flyway's own session: Flyway holds its migration lock in an open transaction, "
                    + "and a non-transactional statement such as CREATE INDEX CONCURRENTLY waits for every open "
                    + "transaction to end. Set <flyway.postgresql.transactional.lock>false</flyway.postgresql"
                    + ".transactional.lock> in the plugin's <flyway> block (as the application's Flyway should)";
        }
        return text;
    }

    private static String signal(String function) {
        // only this database's sessions: another build may be migrating another database on the same server
        return "SELECT " + function + "(pid) FROM pg_stat_activity WHERE application_name = '" + APPLICATION
                + "' AND pid <> pg_backend_pid() AND datname = current_database()";
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", APPLICATION + "-watchdog");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, p);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
