package dev.keel.internal.document;

import static dev.keel.internal.document.DocPath.rank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A MongoDB sort document as ORDER BY keys: each field sorts by MongoDB's type order first (null and missing,
 * numbers, strings, objects, arrays, booleans), then by value within the type, and {@code _id} breaks ties so
 * pages are stable. A declared index on a path has exactly these keys, so a sort on it reads the index in order.
 * Also makes and reads keyset cursors. Immutable.
 */
final class SortSpec {
    static final String WHERE = "sort";

    record Key(DocPath path, boolean ascending) {
    }

    private final List<Key> keys;
    private final boolean idDescending;

    private SortSpec(List<Key> keys, boolean idDescending) {
        this.keys = List.copyOf(keys);
        this.idDescending = idDescending;
    }

    static SortSpec parse(String json) {
        if (json == null || json.isBlank()) {
            return new SortSpec(List.of(), false);
        }
        JsonNode doc = DocumentJson.parse(json, WHERE);
        if (!doc.isObject()) {
            throw new InvalidInputException("a sort must be a JSON object such as {\"a\": 1, \"b\": -1}", WHERE);
        }
        List<Key> keys = new ArrayList<>();
        boolean idDesc = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode d = e.getValue();
            if (!d.isIntegralNumber() || (d.intValue() != 1 && d.intValue() != -1)) {
                throw new InvalidInputException("sort direction of '" + DocPath.abbreviate(e.getKey())
                        + "' must be 1 or -1, was " + DocPath.abbreviate(d.toString()), WHERE);
            }
            DocPath p = DocPath.parse(e.getKey(), WHERE);
            if (p.isId()) {
                idDesc = d.intValue() == -1;
                break; // _id is unique: later keys never matter
            }
            keys.add(new Key(p, d.intValue() == 1));
        }
        return new SortSpec(keys, idDesc);
    }

    /** The ORDER BY list, ending with the id. */
    String orderBy() {
        StringBuilder b = new StringBuilder();
        for (Key k : keys) {
            String dir = k.ascending() ? " ASC" : " DESC";
            String v = k.path().value("data");
            b.append(rank(v)).append(dir).append(", ").append(v).append(dir).append(", ");
        }
        return b.append("id").append(idDescending ? " DESC" : " ASC").toString();
    }

    /** The select-list columns a cursor is made of: each key's rank and value, as {@code k0r, k0v, …}. */
    String cursorColumns() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            String v = keys.get(i).path().value("data");
            b.append(", ").append(rank(v)).append(" AS k").append(i).append("r, ").append(v).append(" AS k")
                    .append(i).append('v');
        }
        return b.toString();
    }

    int size() {
        return keys.size();
    }

    /** A cursor for the row after which the next page starts. */
    static String cursor(List<Object[]> keyValues, String id) {
        ArrayNode a = DocumentJson.MAPPER.createArrayNode();
        for (Object[] kv : keyValues) {
            a.add(((Number) kv[0]).intValue());
            a.add(DocumentJson.parse((String) kv[1], "cursor"));
        }
        a.add(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(DocumentJson.write(a)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The condition for rows strictly after {@code cursor} in this order. */
    Sql after(String cursor) {
        JsonNode a;
        try {
            a = DocumentJson.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8),
                    "cursor");
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("is not a cursor of this query", "cursor");
        }
        if (!a.isArray() || a.size() != keys.size() * 2 + 1 || !a.get(a.size() - 1).isTextual()) {
            throw new InvalidInputException("is not a cursor of this query's sort", "cursor");
        }
        List<String> cols = new ArrayList<>();
        List<Boolean> asc = new ArrayList<>();
        List<JsonNode> vals = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String v = keys.get(i).path().value("data");
            cols.add(rank(v));
            cols.add(v);
            asc.add(keys.get(i).ascending());
            asc.add(keys.get(i).ascending());
            vals.add(a.get(2 * i));
            vals.add(a.get(2 * i + 1));
        }
        cols.add("id");
        asc.add(!idDescending);
        vals.add(a.get(a.size() - 1));
        boolean oneDirection = asc.stream().distinct().count() == 1;
        if (oneDirection) {
            Sql row = new Sql("((" + String.join(", ", cols) + ") " + (asc.get(0) ? ">" : "<") + " (");
            for (int i = 0; i < cols.size(); i++) {
                row.add(i == 0 ? "" : ", ");
                bindValue(row, i, cols.size(), vals.get(i));
            }
            return row.add("))");
        }
        Sql or = new Sql("(");
        for (int j = 0; j < cols.size(); j++) {
            or.add(j == 0 ? "(" : " OR (");
            for (int i = 0; i < j; i++) {
                or.add(cols.get(i) + " = ");
                bindValue(or, i, cols.size(), vals.get(i));
                or.add(" AND ");
            }
            or.add(cols.get(j) + (asc.get(j) ? " > " : " < "));
            bindValue(or, j, cols.size(), vals.get(j));
            or.add(")");
        }
        return or.add(")");
    }

    private static void bindValue(Sql s, int i, int count, JsonNode v) {
        if (i == count - 1) {
            s.bind(v.textValue());
        } else if (i % 2 == 0) {
            s.bind(v.intValue());
        } else {
            s.json(DocumentJson.write(v));
        }
    }
}
