package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.internal.document.DocumentJson;
import java.util.Iterator;
import java.util.Map;

/**
 * Updates built in Java, as the MongoDB update JSON: {@code Updates.combine(Updates.set("strength", 0.95),
 * Updates.inc("uses", 1))} is {@code {"$set":{"strength":0.95},"$inc":{"uses":1}}}.
 */
public final class Updates {
    private Updates() {
    }

    private static String op(String op, String field, JsonNode v) {
        ObjectNode inner = DocumentJson.MAPPER.createObjectNode();
        inner.set(field, v);
        ObjectNode o = DocumentJson.MAPPER.createObjectNode();
        o.set(op, inner);
        return DocumentJson.write(o);
    }

    public static String set(String field, Object value) {
        return op("$set", field, Filters.value(value));
    }

    public static String unset(String field) {
        return op("$unset", field, Filters.value(""));
    }

    public static String inc(String field, Number by) {
        return op("$inc", field, Filters.value(by));
    }

    public static String mul(String field, Number by) {
        return op("$mul", field, Filters.value(by));
    }

    public static String min(String field, Object value) {
        return op("$min", field, Filters.value(value));
    }

    public static String max(String field, Object value) {
        return op("$max", field, Filters.value(value));
    }

    public static String rename(String field, String newName) {
        return op("$rename", field, Filters.value(newName));
    }

    public static String push(String field, Object value) {
        return op("$push", field, Filters.value(value));
    }

    public static String pushEach(String field, Object... values) {
        return op("$push", field, each(values));
    }

    public static String addToSet(String field, Object value) {
        return op("$addToSet", field, Filters.value(value));
    }

    public static String addEachToSet(String field, Object... values) {
        return op("$addToSet", field, each(values));
    }

    /** Removes elements equal to {@code value}. */
    public static String pull(String field, Object value) {
        return op("$pull", field, Filters.value(value));
    }

    /** Removes elements matching {@code condition}, an operator document or a query on the elements. */
    public static String pullMatching(String field, String condition) {
        return op("$pull", field, Filters.parse(condition));
    }

    public static String popFirst(String field) {
        return op("$pop", field, Filters.value(-1));
    }

    public static String popLast(String field) {
        return op("$pop", field, Filters.value(1));
    }

    public static String currentDate(String field) {
        return op("$currentDate", field, Filters.value(true));
    }

    /** Several updates as one document; fields of the same operator are merged. */
    public static String combine(String... updates) {
        ObjectNode out = DocumentJson.MAPPER.createObjectNode();
        for (String u : updates) {
            JsonNode n = DocumentJson.parse(u, "update");
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode existing = out.get(e.getKey());
                if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode add) {
                    o.setAll(add);
                } else {
                    out.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
        return DocumentJson.write(out);
    }

    private static ObjectNode each(Object... values) {
        ArrayNode a = DocumentJson.MAPPER.createArrayNode();
        for (Object v : values) {
            a.add(Filters.value(v));
        }
        ObjectNode o = DocumentJson.MAPPER.createObjectNode();
        o.set("$each", a);
        return o;
    }
}
