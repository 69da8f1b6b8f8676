package dev.keel;

import java.time.Instant;
import java.util.List;

/**
 * One open {@link Keel} as {@link Keel#registry()} saw it at the moment of the call. Immutable; holds no
 * password (the URL is redacted) and no reference to the Keel itself.
 *
 * @param name          the builder's {@code name(...)}, or {@code poolName#n} when none was given
 * @param url           the JDBC URL with any password replaced by {@code ***}
 * @param database      the database's name, {@code null} while starting
 * @param serverVersion PostgreSQL's {@code server_version}, {@code null} while starting
 * @param state         see {@link State}
 * @param owner         the builder's {@code owner(...)}, or the name of the class that called {@code build()}
 * @param openedAt      when {@code build()} was called
 * @param poolMin       the pool's minimum idle connections
 * @param pool          the pool's active, idle, total, waiting and max counts right now
 * @param listener      the dedicated listener connection
 */
public record KeelInfo(String name, String url, String database, String serverVersion, State state, String owner,
                       Instant openedAt, int poolMin, PoolStats pool, Listener listener) {

    public KeelInfo {
        listener = listener == null ? Listener.NONE : listener;
    }

    /** Where a Keel is in its life. */
    public enum State {
        /** {@code build()} is connecting or migrating. */
        STARTING,
        /** Ready. */
        OPEN,
        /**
         * Open but unwell, judged without touching the database: threads are waiting for a pooled connection,
         * or the listener connection is lost and reconnecting. {@link Keel#health()} checks the database itself.
         */
        DEGRADED,
        /** {@code close()} has begun; the entry is about to disappear. */
        CLOSED
    }

    /**
     * The listener connection, outside the pool.
     *
     * @param state      NONE (nothing was ever listened to), CONNECTING, CONNECTED, RECONNECTING or CLOSED
     * @param backendPid its server process id, 0 when not connected
     * @param channels   the channels listened to, sorted
     * @param listenerFailures how many times a listener threw
     */
    public record Listener(String state, int backendPid, List<String> channels, long listenerFailures) {
        static final Listener NONE = new Listener("NONE", 0, List.of(), 0);

        public Listener {
            channels = List.copyOf(channels);
        }
    }
}
