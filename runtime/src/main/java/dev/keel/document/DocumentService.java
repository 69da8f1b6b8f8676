package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small service over the collections for APIs that speak JSON, such as a notes API:
 * {@code create("note", json)} returns {@code "note:<id>"}, and {@code read}, {@code update} and {@code delete}
 * take that id. Thin: every call is one collection call. Thread-safe.
 *
 * <p>Parameterized queries: a filter may hold {@code {"$param": "name"}} wherever a value goes; it is replaced
 * by {@code params.get("name")} (mapped to JSON with Jackson) before the filter is compiled, so parameters are
 * values, never filter syntax. A missing parameter is an {@link dev.keel.error.InvalidInputException}.
 */
public interface DocumentService {
    /** Inserts {@code json} (an object) into {@code collection}; returns {@code collection:id}. */
    String create(String collection, JsonNode json);

    /** The document {@code collection:id}, with its {@code _id}. */
    Optional<JsonNode> read(String documentId);

    /**
     * Merges {@code patch} into the document (JSON merge patch, RFC 7386: objects merge field by field, null
     * removes a field) in one UPDATE; false when there is no such document.
     */
    boolean update(String documentId, JsonNode patch);

    /** Deletes the document; false when there was none. */
    boolean delete(String documentId);

    /** The documents of {@code collection} matching {@code filter} with its {@code $param}s bound, by {@code _id}. */
    List<JsonNode> query(String collection, String filter, Map<String, ?> params);
}
