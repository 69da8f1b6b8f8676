package dev.keel.document;

/**
 * What an update or replace did.
 *
 * @param matched    documents the filter matched
 * @param modified   documents whose content changed (and whose version went up)
 * @param upsertedId the {@code collection:id} of the document an upsert inserted, else {@code null}
 */
public record UpdateResult(long matched, long modified, String upsertedId) {
}
