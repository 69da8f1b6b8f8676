package dev.keel.internal.notify;

import dev.keel.internal.KeelConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The one connection a Keel listens on, opened with pgjdbc directly so that it takes no pool slot and outlives
 * the pool's max lifetime. Auto-commit, so notifications are never held back by an open transaction. Its socket
 * timeout bounds every read: a heartbeat on a dead network fails after {@code socketTimeout} instead of hanging.
 * Used by the reading thread only.
 */
final class ListenerConnection implements AutoCloseable {
    private final Connection connection;
    private final PGConnection pg;

    private ListenerConnection(Connection connection) throws SQLException {
        this.connection = connection;
        this.pg = connection.unwrap(PGConnection.class);
    }

    static ListenerConnection open(KeelConfig config, Duration socketTimeout) throws SQLException {
        Properties p = new Properties();
        if (config.user() != null) {
            p.setProperty("user", config.user());
        }
        if (config.password() != null) {
            p.setProperty("password", config.password());
        }
        p.setProperty("ApplicationName", applicationName(config));
        p.setProperty("connectTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        p.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(config.jdbcUrl(), p);
        try {
            c.setAutoCommit(true);
            return new ListenerConnection(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** What pg_stat_activity shows for the listener connection: the application name plus {@code -listener}. */
    static String applicationName(KeelConfig config) {
        String name = config.applicationName() + "-listener";
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    void listen(String channel) throws SQLException {
        execute("LISTEN " + NotifyArguments.quoted(channel));
    }

    void unlisten(String channel) throws SQLException {
        execute("UNLISTEN " + NotifyArguments.quoted(channel));
    }

    /** A round trip to the server; fails within the socket timeout when the network is gone. */
    void heartbeat() throws SQLException {
        execute("SELECT 1");
    }

    /** Waits at most {@code millis} for notifications; an empty array when none came. */
    PGNotification[] poll(int millis) throws SQLException {
        PGNotification[] received = pg.getNotifications(millis);
        return received == null ? new PGNotification[0] : received;
    }

    int backendPid() {
        return pg.getBackendPID();
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a lost connection has nothing left to close
        }
    }
}
