package dev.keel.internal.document;

import dev.keel.document.Query;

/**
 * Compiles a query or update without running it: what the collection does first, so anything outside the
 * supported subset is refused before any SQL. For tests and tools. Not API.
 */
public final class QueryCheck {
    private QueryCheck() {
    }

    /** Throws {@link dev.keel.error.InvalidInputException} naming what is unsupported; returns the SQL text. */
    public static String query(Query q) {
        CollectionTable t = new CollectionTable("check", dev.keel.document.CollectionOptions.defaults());
        return DocumentReads.select(t, q, Projection.parse(q.projection()), SortSpec.parse(q.sort()), false, 0)
                .text();
    }

    public static String update(String updateJson) {
        return UpdateCompiler.compile(updateJson).apply(Sql.of("data")).text();
    }
}
