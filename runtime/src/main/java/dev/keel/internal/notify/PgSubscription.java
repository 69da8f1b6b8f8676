package dev.keel.internal.notify;

import dev.keel.notify.Notification;
import dev.keel.notify.NotificationListener;
import dev.keel.notify.Reconnected;
import dev.keel.notify.Subscription;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A listener on a channel of the {@link ListenerHub}, with its own {@link ListenerQueue}. */
final class PgSubscription implements Subscription {
    private final ListenerHub hub;
    private final String channel;
    private final ListenerQueue queue;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicBoolean open = new AtomicBoolean(true);

    PgSubscription(ListenerHub hub, String channel, NotificationListener listener, Executor executor,
                   Runnable failureCounter) {
        this.hub = hub;
        this.channel = channel;
        this.queue = new ListenerQueue(channel, listener, executor, failureCounter);
    }

    void deliver(Notification n) {
        queue.<NotificationListener>offer(l -> {
            delivered.incrementAndGet();
            l.onNotification(n);
        });
    }

    /** Runs {@code work} on this subscription's queue, in turn with its notifications. */
    void offer(java.util.function.Consumer<NotificationListener> work) {
        queue.offer(work);
    }

    void connectionLost(Instant lastContact, Throwable cause) {
        queue.<NotificationListener>offer(l -> l.onConnectionLost(lastContact, cause));
    }

    void reconnected(Reconnected r) {
        queue.<NotificationListener>offer(l -> l.onReconnected(r));
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    @Override
    public long failures() {
        return queue.failures();
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            queue.stop();
            hub.remove(this);
        }
    }

    /** Closed by Keel's close: no UNLISTEN, the connection goes away anyway. */
    void stop() {
        open.set(false);
        queue.stop();
    }

    @Override
    public String toString() {
        return "Subscription[channel=" + channel + ", open=" + open.get() + ", delivered=" + delivered.get()
                + ", failures=" + failures() + "]";
    }
}
