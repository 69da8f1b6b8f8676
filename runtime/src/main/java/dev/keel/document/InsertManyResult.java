package dev.keel.document;

import java.util.List;

/**
 * What {@link DocumentCollection#insertMany(Iterable, boolean)} inserted, and, when failures were asked to be
 * reported, which documents were not inserted and why.
 *
 * @param ids      {@code collection:id} of each inserted document, in input order
 * @param failures the documents that were not inserted
 */
public record InsertManyResult(List<String> ids, List<Failure> failures) {
    public InsertManyResult {
        ids = List.copyOf(ids);
        failures = List.copyOf(failures);
    }

    /**
     * @param index  the position of the document in the input
     * @param id     its id when known, else {@code null}
     * @param reason why it was not inserted
     */
    public record Failure(int index, String id, String reason) {
    }
}
