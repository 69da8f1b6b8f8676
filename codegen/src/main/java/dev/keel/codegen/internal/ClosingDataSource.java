package dev.keel.codegen.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Hands Flyway its connections and closes every one of them afterwards, including those Flyway leaves open
 * when a migration fails.
 */
final class ClosingDataSource implements DataSource, AutoCloseable {
    private final String url;
    private final List<Connection> opened = new ArrayList<>();

    ClosingDataSource(String url) {
        this.url = url;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("ApplicationName", MigrationWatchdog.APPLICATION);
        Connection c = DriverManager.getConnection(url, p);
        opened.add(c);
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public synchronized void close() {
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is unusable either way
            }
        }
        opened.clear();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
