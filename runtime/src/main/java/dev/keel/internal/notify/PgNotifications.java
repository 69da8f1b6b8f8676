package dev.keel.internal.notify;

import dev.keel.internal.ErrorTranslator;
import dev.keel.internal.StoreContext;
import dev.keel.notify.ChangeFeed;
import dev.keel.notify.NotificationListener;
import dev.keel.notify.Subscription;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Keel's notification store: NOTIFY through the pool, LISTEN through one {@link ListenerHub} opened on first
 * use, and durable change feeds. Closed by Keel before the pool.
 */
public final class PgNotifications implements AutoCloseable {
    private final StoreContext context;
    private ListenerHub hub; // guarded by this
    private boolean closed;

    public PgNotifications(StoreContext context) {
        this.context = context;
    }

    public Subscription listen(String channel, NotificationListener listener) {
        NotifyArguments.channel(channel);
        Objects.requireNonNull(listener, "listener");
        return hub().listen(channel, listener);
    }

    public void notify(String channel, String payload) {
        NotifyArguments.channel(channel);
        String p = NotifyArguments.payload(payload);
        try (Connection c = context.pool().getConnection()) {
            send(c, channel, p);
        } catch (SQLException e) {
            throw ErrorTranslator.translate("notify " + channel, e);
        }
    }

    /** {@code tx.notify(...)}: the same NOTIFY on the transaction's connection, delivered when it commits. */
    public static void notify(Connection connection, String channel, String payload) {
        NotifyArguments.channel(channel);
        String p = NotifyArguments.payload(payload);
        try {
            send(connection, channel, p);
        } catch (SQLException e) {
            throw ErrorTranslator.translate("notify " + channel, e);
        }
    }

    public ChangeFeed changes(String channel) {
        return new PgChangeFeed(context.keel(), this, channel);
    }

    /** The listener connection for {@link dev.keel.Keel#registry()}: state NONE before the first listen. */
    public synchronized dev.keel.KeelInfo.Listener listenerInfo() {
        if (hub == null) {
            return new dev.keel.KeelInfo.Listener(closed ? "CLOSED" : "NONE", 0, List.of(), 0);
        }
        return new dev.keel.KeelInfo.Listener(hub.state().name(), hub.backendPid(), hub.channels(), hub.failures());
    }

    synchronized ListenerHub hub() {
        if (closed) {
            throw new IllegalStateException("Keel is closed");
        }
        if (hub == null) {
            hub = new ListenerHub(context.config());
        }
        return hub;
    }

    static void send(Connection connection, String channel, String payload) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (hub != null) {
            hub.close();
        }
    }
}
