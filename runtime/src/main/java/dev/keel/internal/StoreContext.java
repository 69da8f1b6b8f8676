package dev.keel.internal;

import dev.keel.Keel;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * What every typed store is built on: the one {@link Keel} that hands it out (for transactions, bulk writes and
 * its {@code DSLContext}), the pool behind it, Keel's metrics, retry and background workers, and its settings.
 * Each store (graphs, sagas, documents, notifications, …) gets the same context from {@link Stores} and
 * nothing else, so no store reaches into another store's internals or grows {@code Keel} beyond an accessor.
 */
public final class StoreContext {
    private final Keel keel;
    private final DataSource pool;
    private final KeelConfig config;
    private final MetricsCollector metrics;
    private final Retrier retrier;
    private final Workers workers;

    public StoreContext(Keel keel, DataSource pool, KeelConfig config, MetricsCollector metrics, Retrier retrier,
                        Workers workers) {
        this.keel = Objects.requireNonNull(keel, "keel");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.retrier = Objects.requireNonNull(retrier, "retrier");
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    /** The Keel that owns the store: its public API (transactions, bulk writer, dsl) is the store's way in. */
    public Keel keel() {
        return keel;
    }

    /** The pool. Connections taken from it directly are outside Keel's transactions; close them. */
    public DataSource pool() {
        return pool;
    }

    public int maxPoolSize() {
        return config.maxPoolSize();
    }

    public KeelConfig config() {
        return config;
    }

    public MetricsCollector metrics() {
        return metrics;
    }

    /** Keel's retry policy: retries what {@link ErrorTranslator} classifies as retryable, with backoff. */
    public Retrier retrier() {
        return retrier;
    }

    /** Keel's background threads (daemon, on demand). */
    public Workers workers() {
        return workers;
    }
}
