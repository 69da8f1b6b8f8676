package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.error.InvalidInputException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A MongoDB projection done in SQL: inclusion ({@code {"a": 1, "b.c": 1}}) picks those fields, through nested
 * objects and arrays of objects; exclusion ({@code {"a": 0}}) removes them. {@code _id} is included unless
 * {@code "_id": 0}. Immutable.
 */
final class Projection {
    static final String WHERE = "projection";
    static final Projection NONE = new Projection(null, false, true);

    private final Map<String, Object> tree;
    private final boolean inclusion;
    private final boolean includeId;

    private Projection(Map<String, Object> tree, boolean inclusion, boolean includeId) {
        this.tree = tree;
        this.inclusion = inclusion;
        this.includeId = includeId;
    }

    static Projection parse(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        JsonNode doc = DocumentJson.parse(json, WHERE);
        if (!doc.isObject()) {
            throw new InvalidInputException("a projection must be a JSON object", WHERE);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        Boolean inclusion = null;
        boolean id = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            boolean on;
            if (v.isBoolean()) {
                on = v.booleanValue();
            } else if (v.isNumber() && (v.doubleValue() == 0 || v.doubleValue() == 1)) {
                on = v.doubleValue() == 1;
            } else {
                throw new InvalidInputException("'" + DocPath.abbreviate(e.getKey()) + "': only 1/true and 0/false "
                        + "are supported in a projection, was " + DocPath.abbreviate(v.toString()), WHERE);
            }
            DocPath p = DocPath.parse(e.getKey(), WHERE);
            if (p.isId()) {
                id = on;
                continue;
            }
            if (inclusion != null && inclusion != on) {
                throw new InvalidInputException("cannot mix inclusion and exclusion (except for _id)", WHERE);
            }
            inclusion = on;
            put(tree, p, e.getKey());
        }
        return new Projection(tree.isEmpty() ? null : tree, inclusion != null && inclusion, id);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, DocPath p, String key) {
        Map<String, Object> node = tree;
        for (int i = 0; i < p.segments().size(); i++) {
            String s = p.segments().get(i);
            boolean last = i == p.segments().size() - 1;
            Object existing = node.get(s);
            if (last || existing == Boolean.TRUE) {
                if (existing != null) {
                    throw new InvalidInputException("path collision at '" + DocPath.abbreviate(key) + "'", WHERE);
                }
                node.put(s, Boolean.TRUE);
                return;
            }
            if (existing == null) {
                existing = new LinkedHashMap<String, Object>();
                node.put(s, existing);
            }
            node = (Map<String, Object>) existing;
        }
    }

    boolean includeId() {
        return includeId;
    }

    /** The SQL expression of the projected {@code data}. */
    String render(String data) {
        if (tree == null) {
            return data;
        }
        return inclusion ? include(data, tree, new int[] {0}) : exclude(data, tree, "");
    }

    @SuppressWarnings("unchecked")
    private static String include(String expr, Map<String, Object> node, int[] alias) {
        String p = "p" + (++alias[0]);
        StringBuilder keys = new StringBuilder();
        StringBuilder value = new StringBuilder("CASE " + p + ".key");
        StringBuilder keep = new StringBuilder("CASE " + p + ".key");
        for (Map.Entry<String, Object> e : node.entrySet()) {
            keys.append(keys.length() == 0 ? "'" : ", '").append(e.getKey()).append('\'');
            if (e.getValue() instanceof Map<?, ?> child) {
                String v = p + ".value";
                String q = "q" + (++alias[0]);
                String sub = include(q + ".v", (Map<String, Object>) child, alias);
                value.append(" WHEN '").append(e.getKey()).append("' THEN CASE jsonb_typeof(").append(v)
                        .append(") WHEN 'object' THEN ").append(include(v, (Map<String, Object>) child, alias))
                        .append(" ELSE (SELECT COALESCE(jsonb_agg(").append(sub).append("), '[]'::jsonb) FROM ")
                        .append(FieldConditions.elements(v)).append(" AS ").append(q).append("(v) WHERE jsonb_typeof(")
                        .append(q).append(".v) = 'object') END");
                keep.append(" WHEN '").append(e.getKey()).append("' THEN jsonb_typeof(").append(v)
                        .append(") IN ('object', 'array')");
            }
        }
        boolean nested = value.indexOf(" WHEN ") >= 0;
        String val = nested ? value.append(" ELSE ").append(p).append(".value END").toString() : p + ".value";
        String kept = nested ? keep.append(" ELSE TRUE END").toString() : "TRUE";
        return "(SELECT COALESCE(jsonb_object_agg(" + p + ".key, " + val + "), '{}'::jsonb) FROM jsonb_each("
                + "CASE WHEN jsonb_typeof(" + expr + ") = 'object' THEN " + expr + " ELSE '{}'::jsonb END) AS " + p
                + "(key, value) WHERE " + p + ".key IN (" + keys + ") AND " + kept + ")";
    }

    @SuppressWarnings("unchecked")
    private static String exclude(String expr, Map<String, Object> node, String prefix) {
        String out = expr;
        for (Map.Entry<String, Object> e : node.entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "," + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child) {
                out = exclude(out, (Map<String, Object>) child, path);
            } else {
                out = "(" + out + " #- '{" + path + "}')";
            }
        }
        return out;
    }
}
