package dev.keel;

import java.time.Duration;
import java.util.Optional;

/**
 * The result of {@link Keel#health()}: never thrown, always returned.
 *
 * @param state HEALTHY, UNHEALTHY (with the error) or TIMEOUT (the check did not answer in time)
 * @param latency how long the check took
 * @param error what went wrong, when not HEALTHY
 * @param pool the pool at the time of the check
 * @param schemaVersion Keel's applied schema version, when it could be read
 */
public record HealthStatus(State state, Duration latency, Optional<Throwable> error, PoolStats pool,
                           Optional<String> schemaVersion) {

    public enum State { HEALTHY, UNHEALTHY, TIMEOUT }

    public boolean isHealthy() {
        return state == State.HEALTHY;
    }

    /** One line for logs and the CLI. */
    public String summary() {
        return state + " in " + latency.toMillis() + " ms"
                + schemaVersion.map(v -> ", schema " + v).orElse("")
                + ", pool " + pool.active() + " active / " + pool.idle() + " idle / " + pool.max() + " max"
                + (pool.waiting() > 0 ? ", " + pool.waiting() + " waiting" : "")
                + error.map(e -> ": " + e.getMessage()).orElse("");
    }
}
