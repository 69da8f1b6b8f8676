package dev.keel;

import java.util.Map;

/**
 * Counters since start, as a snapshot: statements executed through Keel's DSLContexts, failures by category,
 * transactions committed and rolled back, retries, statement time (mean and 99th percentile of recent
 * statements), the pool and the saga runners' work.
 */
public record KeelMetrics(
        long queries,
        Map<KeelException.Category, Long> failures,
        long committed,
        long rolledBack,
        long retries,
        double meanQueryMillis,
        double p99QueryMillis,
        PoolStats pool,
        Sagas sagas) {

    /**
     * What this Keel's saga runners did since start.
     *
     * @param steps        steps and compensations committed
     * @param stepFailures attempts that threw (each retried, compensated or failed)
     * @param finished     sagas that reached a final status
     * @param leasesLost   sagas a runner dropped because another held them (fenced out) or its lease expired
     * @param claims       claim statements the runners ran, whether or not they found sagas
     * @param p99ClaimMillis 99th percentile of the recent claim statements' times (the last 4096)
     */
    public record Sagas(long steps, long stepFailures, long finished, long leasesLost, long claims,
                        double p99ClaimMillis) {
    }
}
