package dev.keel.document;

import dev.keel.error.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a collection is kept: retention, the field that names a document's data subject, whether it is an audit
 * collection (kept by {@link DocumentStore#eraseSubject}), and its declared indexes. Immutable; each method
 * returns a changed copy.
 *
 * <p>Indexes: {@link #index(String)} is a b-tree on the path's value, in MongoDB's type order, and serves
 * equality, ranges, {@code $in} and sorts on that path; {@link #uniqueIndex(String)} also enforces uniqueness (a
 * missing field counts as null, as in MongoDB, so at most one document may lack it). {@link #ginIndex()} is a GIN
 * index over the whole document ({@code jsonb_path_ops}): it is not created unless asked for, because it costs on
 * every insert and update.
 *
 * <p>{@link #scalarIndex(String)} declares that a path never holds an array, and in exchange lets the compiler drop
 * MongoDB's array rule for it: an equality with a limit then reads the index in {@code _id} order instead of
 * combining two index scans and sorting.
 */
public final class CollectionOptions {
    /**
     * A declared index on {@code path}.
     *
     * @param scalar the path never holds an array (see {@link #scalarIndex(String)})
     */
    public record Index(String path, boolean unique, boolean scalar) {
        public Index {
            Objects.requireNonNull(path, "path");
        }

        /** An index on a path that may hold arrays. */
        public Index(String path, boolean unique) {
            this(path, unique, false);
        }
    }

    private static final CollectionOptions DEFAULTS = new CollectionOptions(null, null, false, false, List.of());

    private final Duration retention;
    private final String subjectField;
    private final boolean audit;
    private final boolean gin;
    private final List<Index> indexes;

    private CollectionOptions(Duration retention, String subjectField, boolean audit, boolean gin,
                              List<Index> indexes) {
        this.retention = retention;
        this.subjectField = subjectField;
        this.audit = audit;
        this.gin = gin;
        this.indexes = List.copyOf(indexes);
    }

    /** No retention, no subject field, not audit, no indexes beyond the id. */
    public static CollectionOptions defaults() {
        return DEFAULTS;
    }

    /** Documents expire this long after insert; {@link DocumentStore#purgeExpired()} deletes them. */
    public CollectionOptions retention(Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new InvalidInputException("must be positive, was " + retention, "retention");
        }
        return new CollectionOptions(retention, subjectField, audit, gin, indexes);
    }

    /** The top-level field whose (string) value is the document's data subject, such as {@code "userId"}. */
    public CollectionOptions subjectField(String field) {
        if (field == null || !field.matches("[A-Za-z_][A-Za-z0-9_-]{0,62}")) {
            throw new InvalidInputException("must be a top-level field name, was " + field, "subjectField");
        }
        return new CollectionOptions(retention, field, audit, gin, indexes);
    }

    /** An audit collection: kept when a subject is erased (its subject pseudonymised). */
    public CollectionOptions audit() {
        return new CollectionOptions(retention, subjectField, true, gin, indexes);
    }

    public CollectionOptions index(String path) {
        return withIndex(new Index(path, false));
    }

    public CollectionOptions uniqueIndex(String path) {
        return withIndex(new Index(path, true));
    }

    /**
     * A b-tree index like {@link #index(String)} on a path that holds one value per document, never an array: a
     * CHECK constraint refuses an array there (also one reached through an array of objects), so an insert, update
     * or replace that would store one fails with a typed error and changes nothing. Filters on the path then
     * compile without the array rule's second arm, which lets {@code {"type": "x"}} with a limit read the index in
     * {@code _id} order and stop after the limit. Declaring it on a collection that already holds an array there
     * fails with a {@link dev.keel.error.ConstraintViolationException}.
     */
    public CollectionOptions scalarIndex(String path) {
        return withIndex(new Index(path, false, true));
    }

    /** Whether {@code dotted} is declared with {@link #scalarIndex(String)}. */
    public boolean isScalar(String dotted) {
        for (Index i : indexes) {
            if (i.scalar() && i.path().equals(dotted)) {
                return true;
            }
        }
        return false;
    }

    /** Opt-in GIN index over the whole document; see the class comment for its cost. */
    public CollectionOptions ginIndex() {
        return new CollectionOptions(retention, subjectField, audit, true, indexes);
    }

    private CollectionOptions withIndex(Index index) {
        List<Index> all = new ArrayList<>(indexes);
        all.add(index);
        return new CollectionOptions(retention, subjectField, audit, gin, all);
    }

    public Duration retention() {
        return retention;
    }

    public String subjectField() {
        return subjectField;
    }

    public boolean isAudit() {
        return audit;
    }

    public boolean hasGinIndex() {
        return gin;
    }

    public List<Index> indexes() {
        return indexes;
    }
}
