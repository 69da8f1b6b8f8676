package dev.keel.metrics;

import dev.keel.Keel;
import dev.keel.KeelException;
import dev.keel.KeelMetrics;
import dev.keel.PoolStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Publishes a {@link Keel}'s counters ({@link Keel#metricsSnapshot()}) as Micrometer meters:
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what it measures</th></tr>
 *   <tr><td>{@code keel.queries}</td><td>function timer</td><td></td>
 *       <td>statements executed through Keel's DSLContexts (the count) and their total time; the mean follows</td></tr>
 *   <tr><td>{@code keel.queries.p99}</td><td>time gauge</td><td></td>
 *       <td>99th percentile of the most recent statements' times</td></tr>
 *   <tr><td>{@code keel.failures}</td><td>function counter</td>
 *       <td>{@code category}: {@code constraint_violation}, {@code retryable_conflict}, … (one per
 *       {@link KeelException.Category}, lower case)</td><td>failed statements, by category</td></tr>
 *   <tr><td>{@code keel.transactions}</td><td>function counter</td>
 *       <td>{@code outcome}: {@code committed}, {@code rolled_back}</td><td>finished transactions</td></tr>
 *   <tr><td>{@code keel.retries}</td><td>function counter</td><td></td>
 *       <td>transactions re-run after a retryable failure</td></tr>
 *   <tr><td>{@code keel.pool.connections}, {@code keel.pool.connections.active}, {@code .idle}, {@code .pending},
 *       {@code .max}</td><td>gauges</td><td></td>
 *       <td>the pool as Keel sees it: open, in use, idle, threads waiting, the cap</td></tr>
 * </table>
 * Every meter also carries the tags given to the constructor; when one registry holds the meters of several Keel
 * instances, tag each with the same keys (the builder uses {@code pool}), as registries such as Prometheus require
 * one set of tag keys per meter name. Values are read live from Keel when the registry
 * asks; each read takes a snapshot, which copies and sorts at most a few thousand recent statement times.
 *
 * <p><b>HikariCP's pool meters.</b> This binder does not install HikariCP's own Micrometer tracker
 * ({@code hikaricp.connections*}, with acquire, usage and creation times): Hikari accepts a tracker only before
 * its pool starts, and a Keel's pool has started by the time the Keel exists. To get them, give the registry to
 * the builder instead, {@link dev.keel.KeelBuilder#meterRegistry(Object)}, which installs Hikari's tracker before
 * the pool starts and binds this binder too, tagged {@code pool}.
 *
 * <p>Usable only with Micrometer on the classpath (Keel's dependency on it is optional); nothing else in Keel
 * refers to Micrometer types. Thread-safe. {@link #close()} removes the meters this binder registered; the Keel
 * is not closed.
 */
public final class KeelMeterBinder implements MeterBinder, AutoCloseable {
    private final Keel keel;
    private final Tags tags;
    private final List<Registration> registrations = new ArrayList<>();

    /** Meters for {@code keel}, without extra tags. */
    public KeelMeterBinder(Keel keel) {
        this(keel, Tags.empty());
    }

    /** Meters for {@code keel}, each carrying {@code tags} (e.g. to tell several Keel instances apart). */
    public KeelMeterBinder(Keel keel, Iterable<Tag> tags) {
        this.keel = Objects.requireNonNull(keel, "keel");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        keep(registry, FunctionTimer.builder("keel.queries", keel,
                        k -> k.metricsSnapshot().queries(),
                        k -> totalMillis(k.metricsSnapshot()), TimeUnit.MILLISECONDS)
                .description("Statements executed through Keel, and their time")
                .tags(tags)
                .register(registry));
        keep(registry, TimeGauge.builder("keel.queries.p99", keel, TimeUnit.MILLISECONDS,
                        k -> k.metricsSnapshot().p99QueryMillis())
                .description("99th percentile of recent statement times")
                .tags(tags)
                .register(registry));
        for (KeelException.Category category : KeelException.Category.values()) {
            keep(registry, counter(registry, "keel.failures", "Failed statements, by category",
                    k -> k.metricsSnapshot().failures().getOrDefault(category, 0L),
                    Tags.of("category", category.name().toLowerCase(Locale.ROOT))));
        }
        keep(registry, counter(registry, "keel.transactions", "Finished transactions, by outcome",
                k -> k.metricsSnapshot().committed(), Tags.of("outcome", "committed")));
        keep(registry, counter(registry, "keel.transactions", "Finished transactions, by outcome",
                k -> k.metricsSnapshot().rolledBack(), Tags.of("outcome", "rolled_back")));
        keep(registry, counter(registry, "keel.retries", "Transactions re-run after a retryable failure",
                k -> k.metricsSnapshot().retries(), Tags.empty()));
        keep(registry, counter(registry, "keel.saga.steps", "Saga steps and compensations, by outcome",
                k -> k.metricsSnapshot().sagas().steps(), Tags.of("outcome", "committed")));
        keep(registry, counter(registry, "keel.saga.steps", "Saga steps and compensations, by outcome",
                k -> k.metricsSnapshot().sagas().stepFailures(), Tags.of("outcome", "failed")));
        keep(registry, counter(registry, "keel.saga.finished", "Sagas that reached a final status",
                k -> k.metricsSnapshot().sagas().finished(), Tags.empty()));
        keep(registry, counter(registry, "keel.saga.leases.lost", "Sagas a runner dropped: fenced out or lease expired",
                k -> k.metricsSnapshot().sagas().leasesLost(), Tags.empty()));
        keep(registry, counter(registry, "keel.saga.claims", "Claim statements the saga runners ran",
                k -> k.metricsSnapshot().sagas().claims(), Tags.empty()));
        keep(registry, TimeGauge.builder("keel.saga.claims.p99", keel, TimeUnit.MILLISECONDS,
                        k -> k.metricsSnapshot().sagas().p99ClaimMillis())
                .description("99th percentile of recent saga claim statement times")
                .tags(tags)
                .register(registry));
        keep(registry, pool(registry, "keel.pool.connections", "Open connections", PoolStats::total));
        keep(registry, pool(registry, "keel.pool.connections.active", "Connections in use", PoolStats::active));
        keep(registry, pool(registry, "keel.pool.connections.idle", "Idle connections", PoolStats::idle));
        keep(registry, pool(registry, "keel.pool.connections.pending", "Threads waiting for a connection",
                PoolStats::waiting));
        keep(registry, pool(registry, "keel.pool.connections.max", "Largest pool size", PoolStats::max));
    }

    /** Removes the meters this binder registered from every registry it was bound to; idempotent. */
    @Override
    public void close() {
        synchronized (registrations) {
            for (Registration r : registrations) {
                r.registry().remove(r.meter());
            }
            registrations.clear();
        }
    }

    private Meter counter(MeterRegistry registry, String name, String description, ToDoubleFunction<Keel> count,
                          Tags extra) {
        return FunctionCounter.builder(name, keel, count)
                .description(description)
                .tags(tags.and(extra))
                .register(registry);
    }

    private Meter pool(MeterRegistry registry, String name, String description, ToIntFunction<PoolStats> value) {
        return Gauge.builder(name, keel, k -> value.applyAsInt(k.poolStats()))
                .description(description)
                .baseUnit(name.endsWith("pending") ? BaseUnits.THREADS : BaseUnits.CONNECTIONS)
                .tags(tags)
                .register(registry);
    }

    private void keep(MeterRegistry registry, Meter meter) {
        synchronized (registrations) {
            registrations.add(new Registration(registry, meter));
        }
    }

    private static double totalMillis(KeelMetrics m) {
        return m.meanQueryMillis() * m.queries();
    }

    private record Registration(MeterRegistry registry, Meter meter) {
    }
}
