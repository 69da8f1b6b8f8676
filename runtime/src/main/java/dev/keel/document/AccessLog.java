package dev.keel.document;

import java.time.Instant;
import java.util.List;

/**
 * Keel's append-only access log ({@code keel.doc_access_log}): who (an actor the caller names), what (operation,
 * collection, id or subject), when, from where (an optional address) and whether it succeeded. Subject export and
 * erasure are always recorded, collection writes and reads when {@link DocumentSettings#logWrites()} and
 * {@link DocumentSettings#logReads()} say so, each with the actor of {@link DocumentStore#actingAs}; {@link #record}
 * records anything else the application wants kept. Thread-safe.
 */
public interface AccessLog {
    /** One entry. */
    record Entry(long id, Instant at, String actor, String operation, String collection, String target,
                 String address, boolean success) {
    }

    /** The span of {@link DocumentStore#actingAs}; closing it restores the thread's previous actor. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    void record(String actor, String operation, String collection, String target, String address, boolean success);

    /** The most recent entries that name {@code target} (an id or subject), newest first. */
    List<Entry> forTarget(String target, int limit);
}
