package dev.keel.internal.notify;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's own queue: events run in order, one at a time, on a thread of the shared executor, so a slow
 * listener holds up only its own queue and the reading thread never waits for a listener. A listener's exception
 * is logged and counted, and the next event runs as usual.
 */
final class ListenerQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerQueue.class);

    private final String channel;
    private final Executor executor;
    private final Queue<Consumer<Object>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private final Runnable failureCounter;
    private final Object target;
    private volatile boolean stopped;

    ListenerQueue(String channel, Object target, Executor executor, Runnable failureCounter) {
        this.channel = channel;
        this.target = target;
        this.executor = executor;
        this.failureCounter = failureCounter;
    }

    /** Queues {@code event} for the listener; ignored once stopped. */
    @SuppressWarnings("unchecked")
    <T> void offer(Consumer<T> event) {
        if (stopped) {
            return;
        }
        pending.add((Consumer<Object>) event);
        schedule();
    }

    /** Drops what is still queued and refuses more; an event already running finishes. */
    void stop() {
        stopped = true;
        pending.clear();
    }

    long failures() {
        return failures.get();
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RuntimeException e) {
                draining.set(false); // the executor is shut down: Keel is closing
            }
        }
    }

    private void drain() {
        try {
            Consumer<Object> next;
            while (!stopped && (next = pending.poll()) != null) {
                try {
                    next.accept(target);
                } catch (RuntimeException | Error e) {
                    if (e instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    failures.incrementAndGet();
                    failureCounter.run();
                    LOG.warn("A listener on channel '{}' threw; it keeps receiving notifications", channel, e);
                }
            }
        } finally {
            draining.set(false);
        }
        if (!stopped && !pending.isEmpty()) {
            schedule();
        }
    }
}
