package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.util.List;

/**
 * JSONB document collections with MongoDB's query language, from {@code keel.documents()}. Each collection is a
 * table of its own in the schema {@code keel_docs} ({@code id}, {@code data}, {@code version}, {@code created_at},
 * {@code updated_at}, {@code subject_id}, {@code expires_at}), created on first use and recorded in
 * {@code keel.doc_collections}. Thread-safe.
 */
public interface DocumentStore {
    /** The collection {@code name} ({@code [a-z_][a-z0-9_]{0,62}}) mapped to {@code type}; created on first use. */
    <T> DocumentCollection<T> collection(String name, Class<T> type, CollectionOptions options);

    <T> DocumentCollection<T> collection(String name, Class<T> type);

    /** The collection as JSON, with the options it was created with (or the defaults). */
    DocumentCollection<JsonNode> collection(String name);

    /** The collections in the catalog, by name. */
    List<CollectionInfo> collections();

    /** Drops a collection's table and catalog entry; false when there was none. */
    boolean drop(String name);

    /**
     * Writes every document of the data subject, across all collections with a subject field, from one
     * consistent snapshot, as gzip JSON Lines ({@code {"collection":…,"_id":…,"document":{…}}}); memory stays
     * bounded. {@code out} is finished (gzip trailer) but not closed. Recorded in the access log.
     */
    long exportSubject(String subjectId, OutputStream out);

    /**
     * Deletes every document of the subject in every collection except audit collections, in batches. Audit
     * documents are kept; with {@link DocumentSettings#pseudonymiseAudit(String)} their subject (column and
     * field) and the access log entries that name it are replaced by a pseudonym. Writes an erasure record and an
     * access log entry (naming the pseudonym when there is one).
     */
    SubjectErasure eraseSubject(String subjectId);

    /**
     * Deletes expired documents in batches of 1000, each its own transaction, for at most 30 seconds. In a
     * collection {@linkplain CollectionOptions#partitionedByMonth() partitioned by month} it first gives documents
     * in the default partition partitions of their months, makes the coming months' partitions, and drops those of
     * months that ended longer than the retention ago whose documents have all expired; their documents count as
     * deleted.
     */
    PurgeResult purgeExpired();

    /**
     * Runs {@link #purgeExpired()} every {@code interval} on a daemon thread until the returned handle is closed
     * (closing Keel closes it too). A failed purge is logged and retried at the next interval. To purge for as long
     * as Keel is open, set {@link DocumentSettings#purgeEvery} with {@code Keel.builder().documents(…)} instead.
     */
    AutoCloseable purgeEvery(java.time.Duration interval);

    /**
     * Writes the named collections (all when none are named) from one snapshot as gzip JSON Lines: a header with
     * each collection's options and count, the rows, and a trailer. Streaming; {@code out} is finished but not
     * closed. Returns the counts written.
     */
    java.util.Map<String, Long> backup(OutputStream out, String... collections);

    /**
     * Restores a {@link #backup}: in one transaction, committed only when the trailer confirms every count, so a
     * truncated or corrupt file, or one that is not UTF-8 ({@link dev.keel.error.InvalidInputException}), or a
     * clashing id ({@link dev.keel.error.ConstraintViolationException}) restores nothing. Missing collections are
     * created with their backed-up options. Returns the counts restored.
     */
    java.util.Map<String, Long> restore(java.io.InputStream in);

    /** A JSON service over these collections, for APIs such as a notes API; see {@link DocumentService}. */
    DocumentService service();

    /** The access log: who did what, when, from where. */
    AccessLog accessLog();

    /**
     * Names who acts, and from where, in what this thread records in the access log until the returned scope is
     * closed (try-with-resources): subject export and erasure, and the collection operations that
     * {@link DocumentSettings#logWrites()} and {@link DocumentSettings#logReads()} record. Outside a scope the
     * actor is {@code "keel"} and the address is empty. Scopes nest; closing one restores the one before.
     */
    AccessLog.Scope actingAs(String actor, String address);
}
