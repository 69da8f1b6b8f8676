package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.document.CollectionOptions;
import dev.keel.error.InvalidInputException;
import java.util.Iterator;
import java.util.Map;

/**
 * Compiles a MongoDB filter document into one SQL condition over a collection table's {@code data} column. Every
 * value is bound; the only text spliced is Keel's own SQL and validated paths. Anything outside the supported
 * subset is an {@link InvalidInputException} naming it, before any SQL runs. One instance per compilation (it
 * numbers the aliases of its subqueries); not thread-safe.
 */
final class FilterCompiler {
    static final String WHERE = "filter";
    private final FieldConditions fields = new FieldConditions(this);
    /** Whether the table has the whole-document GIN index, so equalities also get its jsonpath form. */
    final boolean gin;
    /** The table's options: its paths declared scalar need no array rule. */
    private final CollectionOptions options;
    /** A path compiled as if declared scalar, for the half of a split find that excludes arrays there; or null. */
    private final String assumedScalar;
    private int aliases;

    FilterCompiler() {
        this(CollectionOptions.defaults());
    }

    FilterCompiler(CollectionOptions options) {
        this(options, null);
    }

    private FilterCompiler(CollectionOptions options, String assumedScalar) {
        this.options = options;
        this.gin = options.hasGinIndex();
        this.assumedScalar = assumedScalar;
    }

    /** The condition for {@code filter} against the table's {@code data}; {@code TRUE} for {@code {}}. */
    static Sql compile(JsonNode filter, CollectionOptions options) {
        return new FilterCompiler(options).document(filter, "data");
    }

    static Sql compile(String filterJson, CollectionOptions options) {
        return compile(parse(filterJson), options);
    }

    /** A filter document from its JSON text; {@code {}} for null. */
    static JsonNode parse(String filterJson) {
        return DocumentJson.parse(filterJson == null ? "{}" : filterJson, WHERE);
    }

    static Sql compile(String filterJson) {
        return compile(filterJson, CollectionOptions.defaults());
    }

    /**
     * The condition for {@code filter} on the rows whose value at {@code path} is not an array, where the filter
     * holds an equality on {@code path} with a value that is not an array (see {@link #splitPath}): on those rows
     * the array rule adds nothing anywhere in the filter, so {@code path} compiles as if declared scalar.
     */
    static Sql compileWithoutArraysAt(JsonNode filter, CollectionOptions options, DocPath path) {
        return new FilterCompiler(options, path.dotted()).document(filter, "data");
    }

    /**
     * The path on which a find with a limit is best run as two ordered halves, or null: a top-level equality
     * ({@code {"p": v}} or {@code {"p": {"$eq": v, …}}}, {@code v} a string, number or boolean) on a path with a
     * plain {@code index}. Such an equality holds only where the value is {@code v} itself or an array holding
     * it, two disjoint sets of rows; apart, each reads the index in the query's order, where their {@code OR}
     * makes PostgreSQL collect every match and sort it before it can stop at the limit.
     */
    static DocPath splitPath(JsonNode filter, CollectionOptions options) {
        if (!filter.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = filter.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("$") || !hasPlainIndex(options, e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            JsonNode eq = v.isObject() && v.size() > 0 && v.fieldNames().next().startsWith("$") ? v.get("$eq") : v;
            if (eq != null && (eq.isTextual() || eq.isNumber() || eq.isBoolean())) {
                DocPath path = DocPath.parse(e.getKey(), WHERE);
                return path.isId() ? null : path;
            }
        }
        return null;
    }

    private static boolean hasPlainIndex(CollectionOptions options, String dotted) {
        for (CollectionOptions.Index i : options.indexes()) {
            if (!i.scalar() && i.path().equals(dotted)) {
                return true;
            }
        }
        return false;
    }

    String nextAlias() {
        return "e" + (++aliases);
    }

    /** A query document (fields and logical operators) against {@code root}, a jsonb expression. */
    Sql document(JsonNode doc, String root) {
        if (doc == null || !doc.isObject()) {
            throw new InvalidInputException("a filter must be a JSON object, was "
                    + (doc == null ? "null" : doc.getNodeType()), WHERE);
        }
        if (doc.isEmpty()) {
            return Sql.of("TRUE");
        }
        Sql and = new Sql("(");
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!first) {
                and.add(" AND ");
            }
            first = false;
            and.add(entry(e.getKey(), e.getValue(), root));
        }
        return and.add(")");
    }

    private Sql entry(String key, JsonNode value, String root) {
        switch (key) {
            case "$and":
                return logical(key, value, root, " AND ", false);
            case "$or":
                return logical(key, value, root, " OR ", false);
            case "$nor":
                return logical(key, value, root, " OR ", true);
            default:
                if (key.startsWith("$")) {
                    throw new InvalidInputException("unsupported operator '" + DocPath.abbreviate(key)
                            + "' at the top of a filter (supported: $and, $or, $nor)", WHERE);
                }
                DocPath path = DocPath.parse(key, WHERE);
                boolean scalar = root.equals("data")
                        && (options.isScalar(path.dotted()) || path.dotted().equals(assumedScalar));
                return fields.field(scalar ? Target.scalar(path, root) : Target.of(path, root), value);
        }
    }

    private Sql logical(String op, JsonNode value, String root, String joiner, boolean negate) {
        if (!value.isArray() || value.isEmpty()) {
            throw new InvalidInputException(op + " takes a non-empty array of filter documents", WHERE);
        }
        Sql s = new Sql(negate ? "(NOT (" : "((");
        for (int i = 0; i < value.size(); i++) {
            if (i > 0) {
                s.add(joiner);
            }
            JsonNode d = value.get(i);
            if (!d.isObject()) {
                throw new InvalidInputException(op + " takes filter documents, element " + i + " is "
                        + d.getNodeType(), WHERE);
            }
            s.add(document(d, root));
        }
        return s.add("))");
    }

    /**
     * What a condition applies to: a path under a root (with MongoDB's array rule) or, inside {@code $elemMatch}
     * and {@code $pull}, an array element itself.
     */
    record Target(String value, String raw, DocPath path, String root, boolean arrayRule, String throughArray) {
        static Target of(DocPath path, String root) {
            return new Target(path.value(root), path.raw(root), path, root, true,
                    path.isId() ? null : path.throughArray(root));
        }

        /** A path declared scalar: no array is ever stored there, so the array rule has nothing to add. */
        static Target scalar(DocPath path, String root) {
            return new Target(path.value(root), path.raw(root), path, root, false, null);
        }

        static Target element(String expr) {
            return new Target(expr, expr, null, expr, false, null);
        }

        boolean isId() {
            return path != null && path.isId();
        }
    }
}
