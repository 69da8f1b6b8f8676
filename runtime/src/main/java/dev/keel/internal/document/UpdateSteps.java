package dev.keel.internal.document;

import static dev.keel.internal.document.DocPath.rank;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.internal.document.FilterCompiler.Target;

/**
 * The SQL of each update operator on one path, as an expression of {@code x}, the document before the step.
 * Setting below a missing field creates the objects on the way, as MongoDB does; meeting a non-object on the way,
 * or a value of the wrong type, calls {@code keel.doc_fail}, which fails the statement with SQLSTATE 22023.
 */
final class UpdateSteps {
    private static final String X = "x";
    private final DocPath p;
    private final String at;
    private final String old;

    UpdateSteps(DocPath p) {
        this.p = p;
        this.at = p.textArray();
        this.old = "(" + X + " #> " + at + ")";
    }

    private static Sql fail(String message) {
        return new Sql("keel.doc_fail(").bind(message).add(")");
    }

    /** {@code base} with the objects above {@code path} created where missing (checked on the original x). */
    private static Sql ensure(Sql base, DocPath path) {
        Sql e = base;
        for (int i = 1; i < path.segments().size(); i++) {
            String prefix = "'{" + String.join(",", path.segments().subList(0, i)) + "}'";
            String v = "(" + X + " #> " + prefix + ")";
            e = new Sql("jsonb_set(").add(e).add(", " + prefix + ", CASE WHEN " + v + " IS NULL THEN '{}'::jsonb "
                    + "WHEN jsonb_typeof(" + v + ") = 'object' THEN " + v + " ELSE ")
                    .add(fail("cannot create field '" + path.dotted() + "': '"
                            + String.join(".", path.segments().subList(0, i)) + "' is not an object"))
                    .add(" END)");
        }
        return e;
    }

    private Sql setTo(Sql value) {
        return new Sql("jsonb_set(").add(ensure(Sql.of(X), p)).add(", " + at + ", ").add(value).add(", true)");
    }

    Sql set(String json) {
        return setTo(new Sql().json(json));
    }

    Sql unset() {
        return Sql.of("(CASE WHEN " + old + " IS NULL THEN " + X + " ELSE " + X + " #- " + at + " END)");
    }

    Sql arithmetic(String number, String sqlOp, String op) {
        Sql missing = sqlOp.equals("+") ? new Sql("to_jsonb(").bind(number).add("::numeric)")
                : Sql.of("to_jsonb(0)");
        return setTo(new Sql("CASE WHEN " + old + " IS NULL THEN ").add(missing)
                .add(" WHEN jsonb_typeof(" + old + ") = 'number' THEN to_jsonb((" + X + " #>> " + at + ")::numeric "
                        + sqlOp + " ").bind(number).add("::numeric) ELSE ")
                .add(fail(op + " on '" + p.dotted() + "', which is not a number")).add(" END"));
    }

    Sql minMax(String json, boolean min) {
        String cmp = min ? "<" : ">";
        String v = "?::jsonb";
        return setTo(Sql.withBinds("CASE WHEN " + old + " IS NULL OR " + rank(v) + " " + cmp + " " + rank(old)
                + " OR (" + rank(v) + " = " + rank(old) + " AND " + v + " " + cmp + " " + old + ") THEN " + v
                + " ELSE " + old + " END", json, json, json, json));
    }

    Sql rename(DocPath to) {
        Sql removed = Sql.of("(" + X + " #- " + at + ")");
        return new Sql("(CASE WHEN " + old + " IS NULL THEN " + X + " ELSE jsonb_set(").add(ensure(removed, to))
                .add(", " + to.textArray() + ", " + old + ", true) END)");
    }

    Sql push(String itemsJson) {
        return setTo(new Sql("CASE WHEN " + old + " IS NULL THEN ").json(itemsJson)
                .add(" WHEN jsonb_typeof(" + old + ") = 'array' THEN " + old + " || ").json(itemsJson)
                .add(" ELSE ").add(fail("$push to '" + p.dotted() + "', which is not an array")).add(" END"));
    }

    Sql addToSet(String itemJson) {
        return setTo(new Sql("CASE WHEN " + old + " IS NULL THEN jsonb_build_array(").json(itemJson)
                .add(") WHEN jsonb_typeof(" + old + ") = 'array' THEN CASE WHEN EXISTS (SELECT 1 FROM "
                        + "jsonb_array_elements(" + old + ") AS a(v) WHERE a.v = ").json(itemJson)
                .add(") THEN " + old + " ELSE " + old + " || jsonb_build_array(").json(itemJson).add(") END ELSE ")
                .add(fail("$addToSet to '" + p.dotted() + "', which is not an array")).add(" END"));
    }

    Sql pull(JsonNode condition) {
        String element = "u.v";
        Sql match;
        FilterCompiler compiler = new FilterCompiler();
        if (condition.isObject() && FieldConditions.isOperatorDocument(condition)) {
            match = new FieldConditions(compiler).operators(Target.element(element), condition);
        } else if (condition.isObject() && !condition.isEmpty()) {
            match = compiler.document(condition, element);
        } else {
            match = new Sql("(" + element + " = ").json(DocumentJson.write(condition)).add(")");
        }
        return new Sql("(CASE WHEN jsonb_typeof(" + old + ") = 'array' THEN jsonb_set(" + X + ", " + at
                + ", (SELECT COALESCE(jsonb_agg(u.v ORDER BY u.o), '[]'::jsonb) FROM jsonb_array_elements(" + old
                + ") WITH ORDINALITY AS u(v, o) WHERE NOT ").add(match).add(")) WHEN " + old + " IS NULL THEN " + X
                + " ELSE ").add(fail("$pull from '" + p.dotted() + "', which is not an array")).add(" END)");
    }

    Sql pop(int direction) {
        String index = direction == 1 ? "(-1)" : "0";
        return new Sql("(CASE WHEN jsonb_typeof(" + old + ") = 'array' THEN jsonb_set(" + X + ", " + at + ", "
                + old + " - " + index + ") WHEN " + old + " IS NULL THEN " + X + " ELSE ")
                .add(fail("$pop on '" + p.dotted() + "', which is not an array")).add(" END)");
    }

    Sql currentDate() {
        return setTo(Sql.of("to_jsonb(now())"));
    }
}
