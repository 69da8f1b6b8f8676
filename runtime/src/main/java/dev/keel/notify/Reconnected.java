package dev.keel.notify;

import java.time.Instant;

/**
 * Keel's listener connection was lost and is back: notifications sent after {@link #from()} and before
 * {@link #to()} may have been missed, because PostgreSQL delivers a notification only to sessions that were
 * listening when it was committed. Everything committed before {@code from} was received; everything committed
 * after {@code to} will be. An application that must not miss anything resyncs from its own data here, or uses
 * the durable {@link ChangeFeed}, which does so by itself. Immutable.
 *
 * @param from the last moment the old connection was known to be working (its last answer from the server)
 * @param to   the moment every channel was LISTENed again on the new connection
 * @param attempts how many connection attempts it took
 */
public record Reconnected(Instant from, Instant to, int attempts) {
}
