package dev.keel.internal;

import dev.keel.HealthListener;
import dev.keel.HealthStatus;
import dev.keel.PoolStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Runs health checks off the caller's thread so that a hung database shows as TIMEOUT instead of hanging. */
public final class HealthProbe implements AutoCloseable {
    private final Supplier<DSLContext> dsl;
    private final Supplier<PoolStats> pool;
    private final Duration timeout;
    private final ExecutorService checker = Executors.newCachedThreadPool(daemon("keel-health"));
    private ScheduledExecutorService monitor;

    public HealthProbe(Supplier<DSLContext> dsl, Supplier<PoolStats> pool, Duration timeout) {
        this.dsl = dsl;
        this.pool = pool;
        this.timeout = timeout;
    }

    public HealthStatus check() {
        long start = System.nanoTime();
        CompletableFuture<Optional<String>> probe;
        try {
            probe = CompletableFuture.supplyAsync(this::probe, checker);
        } catch (RuntimeException e) {
            return status(HealthStatus.State.UNHEALTHY, start, e, Optional.empty());
        }
        try {
            Optional<String> version = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return status(HealthStatus.State.HEALTHY, start, null, version);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return status(HealthStatus.State.TIMEOUT, start,
                    new TimeoutException("no answer within " + timeout.toMillis() + " ms"), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return status(HealthStatus.State.UNHEALTHY, start, e, Optional.empty());
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return status(HealthStatus.State.UNHEALTHY, start, cause, Optional.empty());
        }
    }

    private Optional<String> probe() {
        DSLContext ctx = dsl.get();
        Object history = ctx.fetchValue("SELECT to_regclass('keel.flyway_schema_history')");
        if (history == null) {
            return Optional.empty(); // reachable, but Keel's schema is not migrated here
        }
        return Optional.ofNullable(ctx.fetchOptional(DSL.sql(
                        "SELECT version FROM keel.flyway_schema_history WHERE success AND version IS NOT NULL "
                                + "ORDER BY installed_rank DESC LIMIT 1"))
                .map(r -> r.get(0, String.class)).orElse(null));
    }

    private HealthStatus status(HealthStatus.State state, long start, Throwable error, Optional<String> version) {
        PoolStats stats;
        try {
            stats = pool.get();
        } catch (RuntimeException e) {
            stats = new PoolStats(0, 0, 0, 0, 0);
        }
        return new HealthStatus(state, Duration.ofNanos(System.nanoTime() - start), Optional.ofNullable(error), stats,
                version);
    }

    public synchronized AutoCloseable monitor(Duration interval, HealthListener listener) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health monitor interval must be positive, was " + interval);
        }
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(daemon("keel-health-monitor"));
        HealthStatus[] last = {null};
        exec.scheduleWithFixedDelay(() -> {
            HealthStatus now = check();
            if (last[0] == null || last[0].state() != now.state()) {
                HealthStatus previous = last[0];
                last[0] = now;
                try {
                    listener.onChange(previous, now);
                } catch (RuntimeException ignored) {
                    // a listener's failure must not stop monitoring
                }
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        if (monitor != null) {
            monitor.shutdownNow();
        }
        monitor = exec;
        return exec::shutdownNow;
    }

    @Override
    public synchronized void close() {
        if (monitor != null) {
            monitor.shutdownNow();
        }
        checker.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
