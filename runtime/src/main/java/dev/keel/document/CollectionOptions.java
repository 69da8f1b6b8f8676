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

    /** Months ahead of the current one that a month-partitioned collection has partitions for. */
    public static final int MONTHS_AHEAD = 3;

    private static final CollectionOptions DEFAULTS = new CollectionOptions(null, null, false, false, List.of(),
            false);

    private final Duration retention;
    private final String subjectField;
    private final boolean audit;
    private final boolean gin;
    private final List<Index> indexes;
    private final boolean monthly;

    private CollectionOptions(Duration retention, String subjectField, boolean audit, boolean gin,
                              List<Index> indexes, boolean monthly) {
        this.retention = retention;
        this.subjectField = subjectField;
        this.audit = audit;
        this.gin = gin;
        this.indexes = List.copyOf(indexes);
        this.monthly = monthly;
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
        return new CollectionOptions(retention, subjectField, audit, gin, indexes, monthly);
    }

    /** The top-level field whose (string) value is the document's data subject, such as {@code "userId"}. */
    public CollectionOptions subjectField(String field) {
        if (field == null || !field.matches("[A-Za-z_][A-Za-z0-9_-]{0,62}")) {
            throw new InvalidInputException("must be a top-level field name, was " + field, "subjectField");
        }
        return new CollectionOptions(retention, field, audit, gin, indexes, monthly);
    }

    /** An audit collection: kept when a subject is erased (its subject pseudonymised). */
    public CollectionOptions audit() {
        return new CollectionOptions(retention, subjectField, true, gin, indexes, monthly);
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
        return new CollectionOptions(retention, subjectField, audit, true, indexes, monthly);
    }

    /**
     * Partitions the collection by month of {@code created_at}, for append-only collections such as logs and
     * metrics: {@link DocumentStore#purgeExpired()} then drops a month's partition whole once all its documents
     * have expired, instead of deleting them row by row. Fixed when the collection is created: declaring it on an
     * existing collection that is not partitioned (or leaving it out for one that is) fails.
     *
     * <p>What it changes:
     * <ul>
     *   <li>Ids are Keel's UUIDv7s. A document may still carry its own {@code _id}, but it must be one (in the
     *       canonical lower-case form); anything else is an {@link InvalidInputException}.</li>
     *   <li>{@code created_at} is the time in the id (to the millisecond), so that a document's partition follows
     *       from its id, and the primary key {@code (id, created_at)} keeps ids unique across partitions.</li>
     *   <li>With a retention, {@code expires_at} is {@code created_at} plus the retention.</li>
     *   <li>No {@link #uniqueIndex}: PostgreSQL enforces uniqueness within one partition only.</li>
     *   <li>Partitions are made for this month and the next {@value #MONTHS_AHEAD} when the collection is created
     *       and at every purge; a document whose month has none yet goes to a default partition, and the next
     *       purge moves those documents into partitions of their own.</li>
     * </ul>
     */
    public CollectionOptions partitionedByMonth() {
        for (Index i : indexes) {
            if (i.unique()) {
                throw uniqueOnPartitions(i.path());
            }
        }
        return new CollectionOptions(retention, subjectField, audit, gin, indexes, true);
    }

    /** Whether the collection is {@linkplain #partitionedByMonth() partitioned by month}. */
    public boolean isPartitionedByMonth() {
        return monthly;
    }

    private static InvalidInputException uniqueOnPartitions(String path) {
        return new InvalidInputException("a unique index on '" + path + "' cannot go on a collection partitioned "
                + "by month: PostgreSQL enforces uniqueness within one partition only", "uniqueIndex");
    }

    private CollectionOptions withIndex(Index index) {
        if (monthly && index.unique()) {
            throw uniqueOnPartitions(index.path());
        }
        List<Index> all = new ArrayList<>(indexes);
        all.add(index);
        return new CollectionOptions(retention, subjectField, audit, gin, all, monthly);
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
