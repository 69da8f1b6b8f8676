package dev.keel.notify;

/**
 * Receives a {@link ChangeFeed}'s events, each exactly once and in sequence order, on the subscription's own
 * thread (never two calls at once). An exception is logged and counted and the feed moves on to the next event:
 * handle what must be retried inside the listener.
 */
@FunctionalInterface
public interface ChangeListener {

    void onChange(Change change);

    /**
     * Events {@code firstMissing}..{@code lastMissing} were deleted by {@link ChangeFeed#deleteOlderThan} before
     * this subscriber read them; the feed continues after them.
     */
    default void onMissed(long firstMissing, long lastMissing) {
    }
}
