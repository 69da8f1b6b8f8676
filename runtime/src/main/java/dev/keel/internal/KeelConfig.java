package dev.keel.internal;

import dev.keel.RetryListener;
import dev.keel.RetryPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Keel's validated, frozen configuration: the one type that holds the pool settings and everything else
 * {@code Keel.builder()} collects. Built only by the builder, which checks every value first.
 *
 * <p>{@code meterRegistry} is a Micrometer {@code MeterRegistry} or {@code null}; it is typed {@code Object} so that
 * this type, and everything on Keel's normal path, loads without Micrometer on the classpath.
 */
public record KeelConfig(
        String jdbcUrl,
        String user,
        String password,
        int maxPoolSize,
        int minIdle,
        Duration acquireTimeout,
        Duration idleTimeout,
        Duration maxLifetime,
        Duration leakDetectionThreshold,
        Duration statementTimeout,
        Duration startupTimeout,
        boolean migrate,
        List<String> extraLocations,
        String userSchema,
        List<java.util.function.Consumer<org.flywaydb.core.api.configuration.FluentConfiguration>> flyway,
        RetryPolicy retryPolicy,
        List<RetryListener> retryListeners,
        String applicationName,
        String poolName,
        Object meterRegistry,
        String name,
        String owner,
        dev.keel.document.DocumentSettings documents,
        Duration socketTimeout) {

    @Override
    public String toString() {
        return "KeelConfig[url=" + DatabaseUrl.redact(jdbcUrl) + ", user=" + user + ", password="
                + (password == null ? "none" : "***") + ", maxPoolSize=" + maxPoolSize + ", minIdle=" + minIdle
                + ", acquireTimeout=" + acquireTimeout + ", idleTimeout=" + idleTimeout + ", maxLifetime=" + maxLifetime
                + ", leakDetectionThreshold=" + leakDetectionThreshold + ", statementTimeout=" + statementTimeout
                + ", startupTimeout=" + startupTimeout + ", migrate=" + migrate + ", extraLocations=" + extraLocations
                + ", retryPolicy=" + retryPolicy + ", poolName=" + poolName + ", name=" + name + ", owner=" + owner
                + ", documents=" + documents + ", socketTimeout=" + socketTimeout
                + ", meterRegistry=" + (meterRegistry == null ? "none" : meterRegistry.getClass().getName()) + "]";
    }
}
