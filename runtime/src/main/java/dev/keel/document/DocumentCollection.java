package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.Tx;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One collection of JSON documents, mapped to {@code T} with Jackson ({@code JsonNode} and {@code String} are
 * taken and given as JSON). Filters, sorts, projections and updates are MongoDB JSON, a documented subset of
 * MongoDB's language with its semantics; anything outside it is an
 * {@link dev.keel.error.InvalidInputException} naming it, before any SQL runs.
 *
 * <p>Ids: a document keeps its own string {@code _id}; otherwise Keel gives it a time-ordered UUIDv7. Methods
 * return ids in the form {@code collection:id} and accept that form or the bare id.
 *
 * <p>Each call runs in its own transaction, or, on the view {@link #in(Tx)} returns, in that transaction.
 * Thread-safe (the view from {@code in(tx)} is as thread-safe as its transaction: use it on one thread).
 */
public interface DocumentCollection<T> {
    /** The collection's name. */
    String name();

    /** Inserts one document; returns {@code collection:id}. A duplicate {@code _id} is a ConstraintViolationException. */
    String insertOne(T document);

    /** Inserts all or none (large batches go through COPY); returns the ids in input order. */
    List<String> insertMany(Iterable<? extends T> documents);

    /**
     * With {@code reportFailures}, inserts every valid document whose id is free and reports the others, instead of
     * inserting nothing when one fails.
     */
    InsertManyResult insertMany(Iterable<? extends T> documents, boolean reportFailures);

    /** By {@code collection:id} or bare id. */
    Optional<T> findById(String id);

    List<T> find(Query query);

    /** The documents as JSON, the form to use with a projection. */
    List<JsonNode> findJson(Query query);

    /** A page and the cursor of the next, for keyset paging with {@link Query#after(String)}. */
    Page<T> findPage(Query query);

    /**
     * Every matching document, read in batches with bounded memory. The stream holds a database connection until
     * it is closed: <b>the caller closes it</b> (try-with-resources).
     */
    Stream<T> stream(Query query);

    /** Exact count through the same compiler as {@link #find}. */
    long count(String filterJson);

    /** From PostgreSQL's statistics: instant, approximate, 0 before the table was first analyzed. */
    long estimatedCount();

    /** The version of a document (1 at insert, +1 on each change), for {@link UpdateOptions#expectVersion}. */
    Optional<Long> version(String id);

    UpdateResult updateOne(String filterJson, String updateJson);

    UpdateResult updateOne(String filterJson, String updateJson, UpdateOptions options);

    /** One UPDATE statement however many documents match. */
    UpdateResult updateMany(String filterJson, String updateJson);

    UpdateResult updateMany(String filterJson, String updateJson, UpdateOptions options);

    /** Replaces the whole document (keeping its id) of the first match in id order. */
    UpdateResult replaceOne(String filterJson, T replacement);

    UpdateResult replaceOne(String filterJson, T replacement, UpdateOptions options);

    /** Deletes the first match in id order; returns 0 or 1. */
    long deleteOne(String filterJson);

    long deleteMany(String filterJson);

    /** This collection inside {@code tx}: its calls run in that transaction and commit or roll back with it. */
    DocumentCollection<T> in(Tx tx);
}
