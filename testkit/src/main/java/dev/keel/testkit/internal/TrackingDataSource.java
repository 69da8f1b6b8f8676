package dev.keel.testkit.internal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A DataSource that remembers which of its connections are still open, and where they were opened. */
public final class TrackingDataSource implements DataSource {
    private final DataSource delegate;
    private final Map<Connection, Throwable> open = new ConcurrentHashMap<>();

    public TrackingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return track(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return track(delegate.getConnection(username, password));
    }

    private Connection track(Connection real) {
        Throwable openedAt = new Throwable("connection opened here");
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close")) {
                open.remove(real);
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        open.put(real, openedAt);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /** Where each still-open connection was opened. */
    public List<Throwable> openConnections() {
        return List.copyOf(open.values());
    }

    /** Closes every connection still open, so that one leaking test does not fail the ones after it. */
    public void closeAll() {
        open.keySet().forEach(c -> {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken; nothing more to release
            }
        });
        open.clear();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
