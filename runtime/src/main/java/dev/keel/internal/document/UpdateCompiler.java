package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compiles a MongoDB update document into one SQL expression computing the new {@code data} from the old, so an
 * update of any number of documents is one UPDATE statement. Each operator's change is a step; the steps are
 * chained through nested subqueries ({@code SELECT step(x) AS x FROM (SELECT … AS x) s}), which keeps the SQL
 * linear in the number of operators. Values are bound. A value the operator cannot apply to (incrementing a
 * string) fails the whole statement with an InvalidInputException, as it fails MongoDB's update.
 */
final class UpdateCompiler {
    static final String WHERE = "update";
    private final List<Sql> steps = new ArrayList<>();
    private final List<DocPath> touched = new ArrayList<>();

    private UpdateCompiler() {
    }

    /** The update, parsed and checked; {@link #apply(Sql)} renders it over a jsonb expression. */
    static UpdateCompiler compile(String json) {
        JsonNode doc = DocumentJson.parse(json, WHERE);
        if (!doc.isObject() || doc.isEmpty()) {
            throw new InvalidInputException("an update must be a non-empty JSON object of update operators", WHERE);
        }
        UpdateCompiler c = new UpdateCompiler();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String op = e.getKey();
            if (!op.startsWith("$")) {
                throw new InvalidInputException("'" + DocPath.abbreviate(op) + "' is not an update operator; to "
                        + "replace a whole document use replaceOne", WHERE);
            }
            if (!e.getValue().isObject() || e.getValue().isEmpty()) {
                throw new InvalidInputException(op + " takes a non-empty object of fields", WHERE);
            }
            for (Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> field = f.next();
                c.operator(op, c.path(field.getKey()), field.getValue());
            }
        }
        return c;
    }

    private DocPath path(String dotted) {
        DocPath p = DocPath.parse(dotted, WHERE);
        if (p.isId()) {
            throw new InvalidInputException("'_id' cannot be changed by an update", WHERE);
        }
        for (DocPath t : touched) {
            if (overlaps(t, p)) {
                throw new InvalidInputException("'" + p.dotted() + "' conflicts with '" + t.dotted()
                        + "' in the same update", WHERE);
            }
        }
        touched.add(p);
        return p;
    }

    /** Whether the update may change the top-level field {@code field} (or something inside it). */
    boolean touches(String field) {
        for (DocPath t : touched) {
            if (t.segments().get(0).equals(field)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlaps(DocPath a, DocPath b) {
        int n = Math.min(a.segments().size(), b.segments().size());
        return a.segments().subList(0, n).equals(b.segments().subList(0, n));
    }

    private void operator(String op, DocPath p, JsonNode v) {
        UpdateSteps s = new UpdateSteps(p);
        switch (op) {
            case "$set" -> steps.add(s.set(json(v)));
            case "$unset" -> steps.add(s.unset());
            case "$inc" -> steps.add(s.arithmetic(number(op, v), "+", op));
            case "$mul" -> steps.add(s.arithmetic(number(op, v), "*", op));
            case "$min" -> steps.add(s.minMax(json(v), true));
            case "$max" -> steps.add(s.minMax(json(v), false));
            case "$rename" -> {
                if (!v.isTextual()) {
                    throw new InvalidInputException("$rename takes the new field name as a string", WHERE);
                }
                steps.add(s.rename(path(v.textValue())));
            }
            case "$push" -> steps.add(s.push(json(each(op, v, true))));
            case "$addToSet" -> {
                for (JsonNode item : each(op, v, false)) {
                    steps.add(s.addToSet(json(item)));
                }
            }
            case "$pull" -> steps.add(s.pull(v));
            case "$pop" -> {
                if (!v.isIntegralNumber() || (v.intValue() != 1 && v.intValue() != -1)) {
                    throw new InvalidInputException("$pop takes 1 (last) or -1 (first)", WHERE);
                }
                steps.add(s.pop(v.intValue()));
            }
            case "$currentDate" -> {
                boolean ok = v.isBoolean() && v.booleanValue()
                        || v.isObject() && v.size() == 1 && "date".equals(v.path("$type").asText());
                if (!ok) {
                    throw new InvalidInputException("$currentDate takes true or {\"$type\": \"date\"}", WHERE);
                }
                steps.add(s.currentDate());
            }
            default -> throw new InvalidInputException("unsupported update operator '" + DocPath.abbreviate(op)
                    + "'", WHERE);
        }
    }

    private static String json(JsonNode v) {
        if (v.isObject()) {
            DocumentJson.checkedText((com.fasterxml.jackson.databind.node.ObjectNode) v, WHERE);
        }
        return DocumentJson.write(v);
    }

    private static String number(String op, JsonNode v) {
        if (!v.isNumber()) {
            throw new InvalidInputException(op + " takes a number, was " + DocPath.abbreviate(v.toString()), WHERE);
        }
        return v.decimalValue().toPlainString();
    }

    /** The values {@code $push}/{@code $addToSet} append: {@code {"$each": [...]}} or the one value. */
    private static ArrayNode each(String op, JsonNode v, boolean push) {
        if (v.isObject() && v.has("$each")) {
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("$each")) {
                    throw new InvalidInputException(op + " modifier '" + DocPath.abbreviate(k)
                            + "' is not supported (only $each)", WHERE);
                }
            }
            if (!v.get("$each").isArray()) {
                throw new InvalidInputException(op + " $each takes an array", WHERE);
            }
            return (ArrayNode) v.get("$each");
        }
        if (v.isObject() && v.size() > 0 && v.fieldNames().next().startsWith("$")) {
            throw new InvalidInputException(op + " modifier '" + v.fieldNames().next() + "' is not supported"
                    + (push ? " (only $each)" : ""), WHERE);
        }
        return DocumentJson.MAPPER.createArrayNode().add(v);
    }

    /** The new data, computed from the jsonb expression {@code data}. */
    Sql apply(Sql data) {
        Sql chain = new Sql("(SELECT ").add(data).add(" AS x)");
        for (int i = 0; i < steps.size(); i++) {
            chain = new Sql("(SELECT ").add(steps.get(i)).add(" AS x FROM ").add(chain).add(" s" + i + ")");
        }
        return new Sql("(SELECT x FROM ").add(chain).add(" s)");
    }
}
