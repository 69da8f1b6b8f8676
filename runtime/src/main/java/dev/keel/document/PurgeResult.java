package dev.keel.document;

import java.util.Map;

/**
 * What {@link DocumentStore#purgeExpired()} deleted.
 *
 * @param deleted  expired documents deleted, per collection
 * @param complete false when the time budget ran out with expired documents left (the next purge continues)
 */
public record PurgeResult(Map<String, Long> deleted, boolean complete) {
    public PurgeResult {
        deleted = Map.copyOf(deleted);
    }

    public long total() {
        return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
}
