package dev.keel.document;

import java.util.Map;

/**
 * What {@link DocumentStore#purgeExpired()} deleted.
 *
 * @param deleted          expired documents deleted, per collection
 * @param accessLogEntries access log entries dropped with their months (see
 *                         {@link DocumentSettings#accessLogRetention})
 * @param complete         false when the time budget ran out with expired documents left, or a step failed (it is
 *                         logged); the next purge continues
 */
public record PurgeResult(Map<String, Long> deleted, long accessLogEntries, boolean complete) {
    public PurgeResult {
        deleted = Map.copyOf(deleted);
    }

    /** A result with no access log entries dropped. */
    public PurgeResult(Map<String, Long> deleted, boolean complete) {
        this(deleted, 0, complete);
    }

    /** The documents deleted, in all collections (not counting access log entries). */
    public long total() {
        return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
}
