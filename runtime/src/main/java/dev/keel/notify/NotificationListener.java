package dev.keel.notify;

import java.time.Instant;

/**
 * Receives the notifications of one subscription. Each listener has its own queue and is called by one thread
 * at a time, in the order PostgreSQL delivered the notifications, never on Keel's reading thread: a slow listener
 * delays only itself, and an exception it throws is logged, counted ({@link Subscription#failures()}) and
 * otherwise ignored.
 *
 * <p>Only {@link #onNotification} is required, so a lambda will do; the connection events have no-op defaults.
 */
@FunctionalInterface
public interface NotificationListener {

    void onNotification(Notification notification);

    /**
     * The listener connection stopped answering at {@code lastContact}; Keel is reconnecting. Notifications sent
     * from now until {@link #onReconnected} may be missed.
     */
    default void onConnectionLost(Instant lastContact, Throwable cause) {
    }

    /** The connection is back and this channel is listened to again; see {@link Reconnected} for the window. */
    default void onReconnected(Reconnected reconnected) {
    }
}
