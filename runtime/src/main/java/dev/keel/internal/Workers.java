package dev.keel.internal;

import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keel's background threads: the second connection's half of a graph save or load, and the buffer of COPY data in
 * flight of a bulk load. Daemon threads, created on demand; idle ones expire after a minute. One per Keel.
 */
public final class Workers implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keel-worker-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * A task's failure, from {@link java.util.concurrent.ExecutionException#getCause()}, for the caller to throw:
     * returned when it is an {@link SQLException} (or wrapped into one when it is another checked exception),
     * thrown here when it is unchecked.
     */
    public static SQLException rethrow(Throwable t) {
        if (t instanceof SQLException s) {
            return s;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new SQLException(t);
    }

    /** Lets running tasks finish; new ones are refused. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
