package dev.keel;

import java.time.Duration;

/**
 * What a bulk load did.
 *
 * @param rows     rows written (for ON CONFLICT DO NOTHING, the rows actually inserted)
 * @param strategy the strategy that ran: never {@link BulkStrategy#AUTO}
 * @param elapsed  wall time from the first row read to the last row acknowledged
 */
public record BulkResult(long rows, BulkStrategy strategy, Duration elapsed) {
    /** Rows per second over {@link #elapsed()}. */
    public double rowsPerSecond() {
        long nanos = Math.max(1, elapsed.toNanos());
        return rows * 1e9 / nanos;
    }
}
