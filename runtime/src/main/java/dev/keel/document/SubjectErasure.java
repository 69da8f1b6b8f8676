package dev.keel.document;

import java.util.Map;

/**
 * What {@link DocumentStore#eraseSubject(String)} did.
 *
 * @param deleted     documents deleted, per collection
 * @param keptInAudit documents of the subject kept in audit collections, per collection
 * @param erasureId   the id of the erasure record in {@code keel.doc_erasures}
 */
public record SubjectErasure(Map<String, Long> deleted, Map<String, Long> keptInAudit, long erasureId) {
    public SubjectErasure {
        deleted = Map.copyOf(deleted);
        keptInAudit = Map.copyOf(keptInAudit);
    }

    public long totalDeleted() {
        return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
}
