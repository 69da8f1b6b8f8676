package dev.keel.internal.document;

import dev.keel.error.InvalidInputException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated dotted field path ({@code type}, {@code address.city}) and the SQL expressions for it. This is the
 * one expression renderer: filters, sorts and declared indexes all take the value of a path from
 * {@link #value(String)}, so an index on a path is built on exactly the expression the queries use.
 *
 * <p>Segments are letters, digits, {@code _} and {@code -}, not starting with a digit, which is what lets them
 * appear as literals in the SQL (an index expression cannot have bind values). {@code _id} is the row's id
 * column, not a field of the JSON.
 */
record DocPath(String dotted, List<String> segments) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");
    static final int MAX_DEPTH = 16;

    static DocPath parse(String path, String where) {
        if (path == null || path.isEmpty()) {
            throw new InvalidInputException("a field path must not be empty", where);
        }
        if (path.length() > 512) {
            throw new InvalidInputException("field path is longer than 512 characters", where);
        }
        String[] parts = path.split("\\.", -1);
        if (parts.length > MAX_DEPTH) {
            throw new InvalidInputException("field path '" + abbreviate(path) + "' is deeper than " + MAX_DEPTH, where);
        }
        for (String p : parts) {
            if (p.startsWith("$")) {
                throw new InvalidInputException("unsupported operator '" + abbreviate(path) + "' in this place", where);
            }
            if (!SEGMENT.matcher(p).matches()) {
                throw new InvalidInputException("field path '" + abbreviate(path) + "' is not supported: each "
                        + "dot-separated part must match [A-Za-z_][A-Za-z0-9_-]* (numeric array positions are not "
                        + "supported)", where);
            }
        }
        if (parts.length > 1 && parts[0].equals("_id")) {
            throw new InvalidInputException("'_id' is a string; it has no fields: " + abbreviate(path), where);
        }
        return new DocPath(path, List.of(parts));
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    boolean isId() {
        return segments.size() == 1 && segments.get(0).equals("_id");
    }

    /** {@code '{a,b}'}: the path as a text[] literal. */
    String textArray() {
        return "'{" + String.join(",", segments) + "}'";
    }

    /** {@code 'lax $."a"."b"'}: the path as a jsonpath literal, which unwraps arrays on the way as MongoDB does. */
    String jsonPath() {
        StringBuilder b = new StringBuilder("'lax $");
        for (String s : segments) {
            b.append(".\"").append(s).append('"');
        }
        return b.append("'::jsonpath").toString();
    }

    /**
     * The condition that a segment before the last is an array, so {@link #raw} is the array of the values reached
     * through it rather than one value; {@code null} for a one-segment path.
     */
    String throughArray(String root) {
        if (segments.size() == 1) {
            return null;
        }
        StringBuilder arrays = new StringBuilder("(");
        for (int i = 1; i < segments.size(); i++) {
            if (i > 1) {
                arrays.append(" OR ");
            }
            arrays.append("COALESCE(jsonb_typeof(").append(root).append(" #> '{")
                    .append(String.join(",", segments.subList(0, i))).append("}') = 'array', false)");
        }
        return arrays.append(')').toString();
    }

    /**
     * The raw value at this path under {@code root}, SQL NULL when missing. Through an array on the way
     * ({@code a.b} where {@code a} is an array of objects) it is the array of the values reached, as MongoDB
     * reaches them.
     */
    String raw(String root) {
        if (isId()) {
            return "to_jsonb(id)";
        }
        if (segments.size() == 1) {
            return "(" + root + " -> '" + segments.get(0) + "')";
        }
        StringBuilder arrays = new StringBuilder();
        for (int i = 1; i < segments.size(); i++) {
            if (i > 1) {
                arrays.append(" OR ");
            }
            arrays.append("jsonb_typeof(").append(root).append(" #> '{")
                    .append(String.join(",", segments.subList(0, i))).append("}') = 'array'");
        }
        return "(CASE WHEN " + arrays + " THEN NULLIF(jsonb_path_query_array(" + root + ", " + jsonPath()
                + "), '[]'::jsonb) ELSE " + root + " #> " + textArray() + " END)";
    }

    /** The value at this path with missing as JSON null, as MongoDB compares and sorts it. */
    String value(String root) {
        return "COALESCE(" + raw(root) + ", 'null'::jsonb)";
    }

    /** MongoDB's type order as a number: null and missing, numbers, strings, objects, arrays, booleans. */
    static String rank(String expr) {
        return "(CASE jsonb_typeof(" + expr + ") WHEN 'number' THEN 2 WHEN 'string' THEN 3 WHEN 'object' THEN 4 "
                + "WHEN 'array' THEN 5 WHEN 'boolean' THEN 6 ELSE 1 END)";
    }

    static int rankOf(com.fasterxml.jackson.databind.JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return 1;
        }
        if (v.isNumber()) {
            return 2;
        }
        if (v.isTextual()) {
            return 3;
        }
        if (v.isObject()) {
            return 4;
        }
        if (v.isArray()) {
            return 5;
        }
        return 6;
    }
}
