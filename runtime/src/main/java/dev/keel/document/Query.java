package dev.keel.document;

import dev.keel.error.InvalidInputException;

/**
 * A find: a MongoDB filter, and optionally a sort, a projection, skip/limit or a keyset cursor. Immutable; each
 * method returns a changed copy. The JSON is checked when the query runs, before any SQL.
 *
 * <pre>{@code
 * Query.filter("{\"type\": \"pattern\", \"strength\": {\"$gte\": 0.5}}").sort("{\"strength\": -1}").limit(10)
 * }</pre>
 */
public final class Query {
    private final String filter;
    private final String sort;
    private final String projection;
    private final long skip;
    private final int limit;
    private final String after;

    private Query(String filter, String sort, String projection, long skip, int limit, String after) {
        this.filter = filter;
        this.sort = sort;
        this.projection = projection;
        this.skip = skip;
        this.limit = limit;
        this.after = after;
    }

    /** Every document. */
    public static Query all() {
        return filter("{}");
    }

    public static Query filter(String filterJson) {
        if (filterJson == null) {
            throw new InvalidInputException("must not be null", "filter");
        }
        return new Query(filterJson, null, null, 0, 0, null);
    }

    /** A MongoDB sort document, {@code {"a": 1, "b": -1}}; {@code _id} breaks ties. */
    public Query sort(String sortJson) {
        return new Query(filter, sortJson, projection, skip, limit, after);
    }

    /** A MongoDB projection, inclusion ({@code {"a": 1}}) or exclusion ({@code {"a": 0}}). */
    public Query projection(String projectionJson) {
        return new Query(filter, sort, projectionJson, skip, limit, after);
    }

    public Query skip(long n) {
        if (n < 0) {
            throw new InvalidInputException("must be >= 0, was " + n, "skip");
        }
        return new Query(filter, sort, projection, n, limit, after);
    }

    /** At most {@code n} documents; 0 means no limit. */
    public Query limit(int n) {
        if (n < 0) {
            throw new InvalidInputException("must be >= 0, was " + n, "limit");
        }
        return new Query(filter, sort, projection, skip, n, after);
    }

    /**
     * Starts after the row a {@link Page#nextCursor()} of the same filter and sort points at: keyset paging, whose
     * cost does not grow with the page number. {@code null} starts at the beginning.
     */
    public Query after(String cursor) {
        return new Query(filter, sort, projection, skip, limit, cursor);
    }

    public String filter() {
        return filter;
    }

    public String sort() {
        return sort;
    }

    public String projection() {
        return projection;
    }

    public long skip() {
        return skip;
    }

    public int limit() {
        return limit;
    }

    public String cursor() {
        return after;
    }
}
