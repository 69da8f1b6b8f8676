package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.internal.document.DocumentJson;

/**
 * Filters built in Java: each method returns the MongoDB filter JSON a MongoDB user would write, so
 * {@code Filters.and(Filters.eq("type", "pattern"), Filters.gte("strength", 0.5))} is
 * {@code {"$and":[{"type":"pattern"},{"strength":{"$gte":0.5}}]}}. Values are mapped with Jackson.
 */
public final class Filters {
    private Filters() {
    }

    static JsonNode value(Object v) {
        return DocumentJson.MAPPER.valueToTree(v);
    }

    static JsonNode parse(String json) {
        return DocumentJson.parse(json, "filter");
    }

    private static String field(String field, JsonNode condition) {
        ObjectNode o = DocumentJson.MAPPER.createObjectNode();
        o.set(field, condition);
        return DocumentJson.write(o);
    }

    private static String op(String field, String op, JsonNode v) {
        ObjectNode c = DocumentJson.MAPPER.createObjectNode();
        c.set(op, v);
        return field(field, c);
    }

    private static ArrayNode array(Object... values) {
        ArrayNode a = DocumentJson.MAPPER.createArrayNode();
        for (Object v : values) {
            a.add(value(v));
        }
        return a;
    }

    public static String eq(String field, Object value) {
        return field(field, value(value));
    }

    public static String ne(String field, Object value) {
        return op(field, "$ne", value(value));
    }

    public static String gt(String field, Object value) {
        return op(field, "$gt", value(value));
    }

    public static String gte(String field, Object value) {
        return op(field, "$gte", value(value));
    }

    public static String lt(String field, Object value) {
        return op(field, "$lt", value(value));
    }

    public static String lte(String field, Object value) {
        return op(field, "$lte", value(value));
    }

    public static String in(String field, Object... values) {
        return op(field, "$in", array(values));
    }

    public static String nin(String field, Object... values) {
        return op(field, "$nin", array(values));
    }

    public static String exists(String field, boolean exists) {
        return op(field, "$exists", value(exists));
    }

    /** One of MongoDB's JSON type names: number, string, object, array, bool, null. */
    public static String type(String field, String type) {
        return op(field, "$type", value(type));
    }

    public static String all(String field, Object... values) {
        return op(field, "$all", array(values));
    }

    /** {@code filter} is a query on the elements ({@code {"k": 2}}) or an operator document ({@code {"$gt": 1}}). */
    public static String elemMatch(String field, String filter) {
        return op(field, "$elemMatch", parse(filter));
    }

    public static String size(String field, int size) {
        return op(field, "$size", value(size));
    }

    public static String regex(String field, String pattern) {
        return op(field, "$regex", value(pattern));
    }

    /** {@code options} may be {@code "i"} (case-insensitive). */
    public static String regex(String field, String pattern, String options) {
        ObjectNode c = DocumentJson.MAPPER.createObjectNode().put("$regex", pattern).put("$options", options);
        return field(field, c);
    }

    /** {@code {field: {$not: operators}}}, {@code operators} such as {@code {"$gt": 5}}. */
    public static String not(String field, String operators) {
        return op(field, "$not", parse(operators));
    }

    public static String and(String... filters) {
        return logical("$and", filters);
    }

    public static String or(String... filters) {
        return logical("$or", filters);
    }

    public static String nor(String... filters) {
        return logical("$nor", filters);
    }

    private static String logical(String op, String... filters) {
        ArrayNode a = DocumentJson.MAPPER.createArrayNode();
        for (String f : filters) {
            a.add(parse(f));
        }
        ObjectNode o = DocumentJson.MAPPER.createObjectNode();
        o.set(op, a);
        return DocumentJson.write(o);
    }
}
