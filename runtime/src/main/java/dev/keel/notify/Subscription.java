package dev.keel.notify;

/**
 * One listener on one channel, from {@code keel.listen(...)}. {@link #close()} stops delivery to it and, when it
 * was the channel's last subscription, UNLISTENs; it is idempotent. Closing Keel closes every subscription.
 * Thread-safe.
 */
public interface Subscription extends AutoCloseable {

    /** The channel, as given. */
    String channel();

    /** Notifications handed to the listener so far. */
    long delivered();

    /** How many times the listener threw; each failure is also logged. */
    long failures();

    boolean isOpen();

    @Override
    void close();
}
