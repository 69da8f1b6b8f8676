package dev.keel.internal;

import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keel's background threads: the second connection's half of a graph save or load, and the COPY buffer or the batch
 * of multi-row statements in flight of a bulk load. Daemon threads, created on demand; idle ones expire after a
 * minute. One per Keel.
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
     * Waits for a task that holds a connection and so cannot be abandoned, and returns its result or throws its
     * failure (as {@link #rethrow} does). An interrupt does not cut the wait short; it is kept for the caller.
     */
    public static <T> T await(Future<T> task) throws SQLException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
