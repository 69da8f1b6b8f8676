package dev.keel.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.internal.document.DocumentJson;
import java.util.Iterator;
import java.util.Map;

/**
 * Sorts built in Java, as the MongoDB sort JSON: {@code Sorts.orderBy(Sorts.descending("strength"),
 * Sorts.ascending("type"))} is {@code {"strength":-1,"type":1}}.
 */
public final class Sorts {
    private Sorts() {
    }

    public static String ascending(String... fields) {
        return keys(1, fields);
    }

    public static String descending(String... fields) {
        return keys(-1, fields);
    }

    private static String keys(int direction, String... fields) {
        ObjectNode o = DocumentJson.MAPPER.createObjectNode();
        for (String f : fields) {
            o.put(f, direction);
        }
        return DocumentJson.write(o);
    }

    /** The sorts' keys in order. */
    public static String orderBy(String... sorts) {
        ObjectNode o = DocumentJson.MAPPER.createObjectNode();
        for (String s : sorts) {
            JsonNode n = DocumentJson.parse(s, "sort");
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(e.getKey(), e.getValue());
            }
        }
        return DocumentJson.write(o);
    }
}
