package dev.keel;

import java.util.Map;

/**
 * Counters since start, as a snapshot: statements executed through Keel's DSLContexts, failures by category,
 * transactions committed and rolled back, retries, statement time (mean and 99th percentile of recent
 * statements) and the pool.
 */
public record KeelMetrics(
        long queries,
        Map<KeelException.Category, Long> failures,
        long committed,
        long rolledBack,
        long retries,
        double meanQueryMillis,
        double p99QueryMillis,
        PoolStats pool) {
}
