package dev.keel.internal.document;

import static dev.keel.internal.document.DocPath.rank;
import static dev.keel.internal.document.DocPath.rankOf;
import static dev.keel.internal.document.FilterCompiler.WHERE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.document.FilterCompiler.Target;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The conditions on one field: implicit equality and the comparison, element and array operators. A scalar
 * condition on a field also matches an array that holds a matching element (MongoDB's array rule), and values
 * compare only within their type bracket, numbers as numbers. Every condition is TRUE or FALSE, never NULL, so
 * {@code NOT} is exact.
 */
final class FieldConditions {
    private final FilterCompiler compiler;

    FieldConditions(FilterCompiler compiler) {
        this.compiler = compiler;
    }

    /** {@code {path: value}}: equality, or an operator document. */
    Sql field(Target t, JsonNode value) {
        if (isOperatorDocument(value)) {
            return operators(t, value);
        }
        return eq(t, value);
    }

    static boolean isOperatorDocument(JsonNode value) {
        if (!value.isObject() || value.isEmpty()) {
            return false;
        }
        boolean first = value.fieldNames().next().startsWith("$");
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith("$") != first) {
                throw new InvalidInputException("cannot mix operators and field names in one condition: '"
                        + DocPath.abbreviate(k) + "'", WHERE);
            }
        }
        return first;
    }

    Sql operators(Target t, JsonNode ops) {
        Sql and = new Sql("(");
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = ops.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String op = e.getKey();
            if (op.equals("$options")) {
                if (!ops.has("$regex")) {
                    throw new InvalidInputException("$options needs $regex", WHERE);
                }
                continue;
            }
            if (!first) {
                and.add(" AND ");
            }
            first = false;
            and.add(operator(t, op, e.getValue(), ops));
        }
        return first ? Sql.of("TRUE") : and.add(")");
    }

    private Sql operator(Target t, String op, JsonNode v, JsonNode ops) {
        switch (op) {
            case "$eq":
                return eq(t, v);
            case "$ne":
                return not(eq(t, v));
            case "$gt":
                return compare(t, ">", v, op);
            case "$gte":
                return compare(t, ">=", v, op);
            case "$lt":
                return compare(t, "<", v, op);
            case "$lte":
                return compare(t, "<=", v, op);
            case "$in":
                return in(t, v, op);
            case "$nin":
                return not(in(t, v, op));
            case "$exists":
                return exists(t, v);
            case "$type":
                return type(t, v);
            case "$all":
                return all(t, v);
            case "$elemMatch":
                return elemMatch(t, v);
            case "$size":
                return size(t, v);
            case "$regex":
                return regex(t, v, ops.get("$options"));
            case "$not":
                if (!v.isObject() || v.isEmpty() || !isOperatorDocument(v)) {
                    throw new InvalidInputException("$not takes an operator document such as {\"$gt\": 5}", WHERE);
                }
                return not(operators(t, v));
            default:
                throw new InvalidInputException("unsupported operator '" + DocPath.abbreviate(op) + "' on field '"
                        + (t.path() == null ? "(array element)" : t.path().dotted()) + "'", WHERE);
        }
    }

    static Sql not(Sql s) {
        return new Sql("(NOT ").add(s).add(")");
    }

    /**
     * {@code cond} on the value, or, by the array rule, on any element of an array value. Through an array on the
     * way ({@code a.b} with {@code a} an array), the value is the array of the values reached: each of them, or
     * any element of one that is an array, must satisfy {@code cond}. Both arms keep the path's rank and value
     * as the leading terms, so an index on the path serves them.
     */
    private Sql arrayRule(Target t, Function<String, Sql> cond) {
        return arrayRule(t, cond, null);
    }

    /**
     * As {@link #arrayRule(Target, Function)}, with {@code anyElement}, when not null, standing for "an element of
     * the array value satisfies {@code cond}" on a path with no array on the way: one operator on the value, which
     * PostgreSQL plans and runs at a fraction of the cost of a subquery over the elements.
     */
    private Sql arrayRule(Target t, Function<String, Sql> cond, Sql anyElement) {
        Sql direct = cond.apply(t.value());
        if (!t.arrayRule()) {
            return direct;
        }
        if (anyElement != null && t.throughArray() == null) {
            return new Sql("(").add(direct).add(" OR (").add(rank(t.value())).add(" = 5 AND ").add(anyElement)
                    .add("))");
        }
        if (t.throughArray() != null) {
            // the synthetic array of reached values is not a value of the document
            direct = new Sql("(").add(direct).add(" AND NOT (" + t.throughArray() + " AND " + rank(t.value())
                    + " = 5))");
        }
        String a = compiler.nextAlias();
        Sql element = cond.apply(a + ".v");
        if (t.throughArray() != null) {
            String b = compiler.nextAlias();
            element = new Sql("(").add(element).add(" OR (" + t.throughArray() + " AND " + rank(a + ".v")
                    + " = 5 AND EXISTS (SELECT 1 FROM " + elements(a + ".v") + " AS " + b + "(v) WHERE ")
                    .add(cond.apply(b + ".v")).add(")))");
        }
        return new Sql("(").add(direct).add(" OR (").add(rank(t.value())).add(" = 5 AND EXISTS (SELECT 1 FROM ")
                .add(elements(t.value())).add(" AS " + a + "(v) WHERE ").add(element).add(")))");
    }

    /** {@code onValue} for a value reached directly; through an array on the way, for any value reached. */
    private Sql reached(Target t, Function<String, Sql> onValue) {
        if (t.throughArray() == null) {
            return onValue.apply(t.value());
        }
        String a = compiler.nextAlias();
        return new Sql("(CASE WHEN " + t.throughArray() + " THEN EXISTS (SELECT 1 FROM " + elements(t.value())
                + " AS " + a + "(v) WHERE ").add(onValue.apply(a + ".v")).add(") ELSE ")
                .add(onValue.apply(t.value())).add(" END)");
    }

    static String elements(String expr) {
        return "jsonb_array_elements(CASE WHEN jsonb_typeof(" + expr + ") = 'array' THEN " + expr
                + " ELSE '[]'::jsonb END)";
    }

    private static Sql same(String x, JsonNode v, String op) {
        return new Sql("(").add(rank(x)).add(" = " + rankOf(v) + " AND " + x + " " + op + " ").json(
                DocumentJson.write(v)).add(")");
    }

    Sql eq(Target t, JsonNode v) {
        if (t.isId()) {
            return v.isTextual() ? new Sql("(id = ").bind(v.textValue()).add(")") : Sql.of("FALSE");
        }
        Sql eq = arrayRule(t, x -> same(x, v, "="), containsElement(t, v));
        if (compiler.gin && t.path() != null && t.root().equals("data") && v.isValueNode() && !v.isNull()) {
            // Implied by the equality (lax jsonpath reaches through arrays as MongoDB does), and served by the GIN
            // index on data: the index narrows the rows, the exact condition decides. "@??" is pgjdbc's escape of "@?".
            return new Sql("(data @?? ").bind(jsonPathEquality(t.path(), v)).add("::jsonpath AND ").add(eq).add(")");
        }
        return eq;
    }

    /**
     * An element of the array equal to {@code v}, as jsonb containment: for a string, number or boolean,
     * {@code [..] @> [v]} holds exactly when an element is that value (containment is partial only for objects
     * and arrays, and a nested array's elements are not the outer array's).
     */
    private static Sql containsElement(Target t, JsonNode v) {
        if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
            return null;
        }
        return new Sql(t.value() + " @> ").json("[" + DocumentJson.write(v) + "]");
    }

    /**
     * An element of the array that is a number and compares with the number {@code v} by {@code sqlOp}, as a
     * strict jsonpath filter: strict mode compares numbers as numbers and any other element (a string, a nested
     * array) as unknown, which is MongoDB's rule; lax mode would unwrap a nested array. Strings keep the subquery:
     * jsonpath orders them by code point, jsonb by the database's collation, and a condition must use one order.
     */
    private static Sql numberElement(Target t, JsonNode v, String sqlOp) {
        if (!v.isNumber()) {
            return null;
        }
        String literal = v.decimalValue().toPlainString();
        return new Sql(t.value() + " @?? ").bind("strict $[*] ? (@ " + sqlOp + " " + literal + ")")
                .add("::jsonpath");
    }

    private static String jsonPathEquality(DocPath p, JsonNode v) {
        StringBuilder b = new StringBuilder("lax $");
        p.segments().forEach(s -> b.append(".\"").append(s).append('"'));
        String literal = v.isNumber() ? v.decimalValue().toPlainString() : DocumentJson.write(v);
        return b.append(" ? (@ == ").append(literal).append(')').toString();
    }

    private Sql compare(Target t, String sqlOp, JsonNode v, String op) {
        if (v.isObject() && isOperatorDocument(v)) {
            throw new InvalidInputException(op + " takes a value, not an operator document", WHERE);
        }
        if (t.isId()) {
            return v.isTextual() ? new Sql("(id " + sqlOp + " ").bind(v.textValue()).add(")") : Sql.of("FALSE");
        }
        Sql c = arrayRule(t, x -> same(x, v, sqlOp), numberElement(t, v, sqlOp));
        if (t.arrayRule() && sqlOp.startsWith(">") && rankOf(v) < 5) {
            // Implied by both arms (arrays rank above every scalar), and a range on the leading columns of a
            // path index, so a sort on the path with a limit reads the index in order from here.
            c = new Sql("((" + rank(t.value()) + ", " + t.value() + ") " + sqlOp + " (" + rankOf(v) + ", ")
                    .json(DocumentJson.write(v)).add(") AND ").add(c).add(")");
        }
        return c;
    }

    private Sql in(Target t, JsonNode v, String op) {
        if (!v.isArray()) {
            throw new InvalidInputException(op + " takes an array", WHERE);
        }
        if (v.isEmpty()) {
            return Sql.of("FALSE");
        }
        for (JsonNode item : v) {
            if (item.isObject() && item.size() > 0 && item.fieldNames().next().startsWith("$")) {
                throw new InvalidInputException(op + " takes values; operators such as '"
                        + item.fieldNames().next() + "' inside it are not supported", WHERE);
            }
        }
        if (t.isId()) {
            List<String> ids = new ArrayList<>();
            v.forEach(i -> {
                if (i.isTextual()) {
                    ids.add(i.textValue());
                }
            });
            return new Sql("(id = ANY(").bind(ids.toArray(new String[0])).add("))");
        }
        return arrayRule(t, x -> {
            Sql or = new Sql("(");
            for (int i = 0; i < v.size(); i++) {
                or.add(i == 0 ? "" : " OR ").add(same(x, v.get(i), "="));
            }
            return or.add(")");
        });
    }

    private Sql exists(Target t, JsonNode v) {
        boolean want = v.isBoolean() ? v.booleanValue() : v.isNumber() ? v.doubleValue() != 0 : !v.isNull();
        if (t.path() == null || t.isId()) {
            return Sql.of(want ? "TRUE" : "FALSE");
        }
        String present = t.path().segments().size() == 1 ? t.raw() + " IS NOT NULL"
                : "jsonb_path_exists(" + t.root() + ", " + t.path().jsonPath() + ")";
        return Sql.of(want ? "(" + present + ")" : "(NOT (" + present + "))");
    }

    private Sql type(Target t, JsonNode v) {
        List<String> types = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(x -> types.add(jsonType(x)));
        } else {
            types.add(jsonType(v));
        }
        if (types.isEmpty()) {
            throw new InvalidInputException("$type takes a type name or a non-empty array of them", WHERE);
        }
        String list = "('" + String.join("', '", types) + "')";
        // missing is not of type null: the value must be present
        return arrayRule(t, x -> Sql.of("(jsonb_typeof(" + x + ") IN " + list + (x.equals(t.value())
                ? " AND " + t.raw() + " IS NOT NULL)" : ")")));
    }

    /** MongoDB's type names (and codes) for the JSON types; the BSON-only types are refused. */
    private static String jsonType(JsonNode v) {
        String name = v.isTextual() ? v.textValue() : v.isInt() ? switch (v.intValue()) {
            case 2 -> "string";
            case 3 -> "object";
            case 4 -> "array";
            case 8 -> "bool";
            case 10 -> "null";
            default -> "code " + v.intValue();
        } : String.valueOf(v);
        return switch (name) {
            case "number" -> "number";
            case "string" -> "string";
            case "object" -> "object";
            case "array" -> "array";
            case "bool" -> "boolean";
            case "null" -> "null";
            default -> throw new InvalidInputException("$type '" + DocPath.abbreviate(name) + "' is not supported; "
                    + "JSON documents have the types number, string, object, array, bool and null", WHERE);
        };
    }

    private Sql all(Target t, JsonNode v) {
        if (!v.isArray()) {
            throw new InvalidInputException("$all takes an array", WHERE);
        }
        if (v.isEmpty()) {
            return Sql.of("FALSE");
        }
        Sql and = new Sql("(");
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (item.isObject() && isOperatorDocument(item)) {
                throw new InvalidInputException("$all takes values; '" + item.fieldNames().next()
                        + "' inside it is not supported", WHERE);
            }
            and.add(i == 0 ? "" : " AND ").add(eq(t, item));
        }
        return and.add(")");
    }

    private Sql elemMatch(Target t, JsonNode v) {
        if (!v.isObject() || v.isEmpty()) {
            throw new InvalidInputException("$elemMatch takes a non-empty query or operator document", WHERE);
        }
        boolean operators = isOperatorDocument(v);
        return reached(t, value -> {
            String a = compiler.nextAlias();
            String element = a + ".v";
            Sql inner = operators ? operators(Target.element(element), v) : compiler.document(v, element);
            return new Sql("(" + rank(value) + " = 5 AND EXISTS (SELECT 1 FROM " + elements(value) + " AS " + a
                    + "(v) WHERE ").add(inner).add("))");
        });
    }

    private Sql size(Target t, JsonNode v) {
        if (!v.canConvertToExactIntegral() || v.asLong() < 0 || !v.isNumber()) {
            throw new InvalidInputException("$size takes a non-negative integer, was " + v, WHERE);
        }
        return reached(t, value -> new Sql("COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(" + value
                + ") = 'array' THEN " + value + " END) = ").bind(v.asInt()).add(", false)"));
    }

    private Sql regex(Target t, JsonNode pattern, JsonNode options) {
        if (!pattern.isTextual()) {
            throw new InvalidInputException("$regex takes a string", WHERE);
        }
        String opts = options == null ? "" : options.asText();
        if (!opts.isEmpty() && !opts.equals("i")) {
            throw new InvalidInputException("$options '" + DocPath.abbreviate(opts) + "' is not supported (only "
                    + "\"i\")", WHERE);
        }
        String op = opts.isEmpty() ? "~" : "~*";
        if (t.isId()) {
            return new Sql("(id " + op + " ").bind(pattern.textValue()).add(")");
        }
        return arrayRule(t, x -> new Sql("(" + rank(x) + " = 3 AND (" + x + " #>> '{}') " + op + " ")
                .bind(pattern.textValue()).add(")"));
    }
}
