package dev.keel.document;

import java.util.List;
import java.util.Random;

/**
 * Random documents, filters, sorts, projections and updates over one shape: nested objects, arrays of scalars
 * and of objects, nulls, missing fields and mixed number types. Deterministic for a seed. Everything it makes is
 * inside Keel's supported subset and outside the documented differences, so both implementations must agree.
 */
final class QueryGenerator {
    private static final String[] N = {"1", "2", "3", "5", "7.0", "2.5", "-3", "10", "0", "\"a\"", "\"5\"", "true",
        "null"};
    private static final String[] S = {"\"alpha\"", "\"beta\"", "\"gamma\"", "\"delta\"", "\"al\"", "\"Beta\"", "3",
        "null"};
    private static final String[] ARR = {"[]", "[1, 2, 3]", "[2]", "[5, \"x\"]", "[1.5, 3]", "4", "null",
        "[2, 2, 7]"};
    private static final String[] TAGS = {"[\"red\"]", "[\"red\", \"blue\"]", "[\"blue\", \"green\", \"red\"]", "[]",
        "[\"green\"]"};
    private static final String[] O = {"{\"x\": 1, \"y\": \"p\"}", "{\"x\": 4, \"y\": \"q\"}", "{\"x\": [1, 5]}",
        "{\"y\": \"q\"}", "{\"x\": 2.5, \"y\": \"a\", \"z\": {\"w\": 1}}"};
    private static final String[] OBJS = {"[{\"k\": 1, \"v\": \"a\"}, {\"k\": 2, \"v\": \"b\"}]", "[{\"k\": 3}]",
        "[{\"k\": 2, \"v\": \"c\"}]", "[{\"v\": \"a\"}]", "[{\"k\": [2, 4]}]"};

    private final Random rnd;

    QueryGenerator(long seed) {
        rnd = new Random(seed);
    }

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private boolean chance(int percent) {
        return rnd.nextInt(100) < percent;
    }

    String document(int i) {
        StringBuilder b = new StringBuilder("{\"_id\": \"d" + (1000 + i) + "\"");
        field(b, "n", N, 85);
        field(b, "s", S, 80);
        if (chance(70)) {
            b.append(", \"b\": ").append(chance(50));
        }
        field(b, "arr", ARR, 75);
        field(b, "tags", TAGS, 70);
        field(b, "o", O, 75);
        field(b, "objs", OBJS, 70);
        return b.append('}').toString();
    }

    private void field(StringBuilder b, String name, String[] values, int percent) {
        if (chance(percent)) {
            b.append(", \"").append(name).append("\": ").append(pick(values));
        }
    }

    /** A filter: a condition, or a logical combination of two or three. */
    String filter() {
        int kind = rnd.nextInt(10);
        if (kind < 6) {
            return "{" + condition() + "}";
        }
        if (kind == 6) {
            String a = condition();
            String b;
            do {
                b = condition();
            } while (b.substring(0, b.indexOf(':')).equals(a.substring(0, a.indexOf(':'))));
            return "{" + a + ", " + b + "}";
        }
        String op = kind == 7 ? "$and" : kind == 8 ? "$or" : "$nor";
        StringBuilder b = new StringBuilder("{\"" + op + "\": [");
        int n = 2 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append('{').append(condition()).append('}');
        }
        return b.append("]}").toString();
    }

    private static final String[] SCALAR_FIELDS = {"n", "s", "b", "o.x", "o.y", "objs.k", "objs.v", "arr", "tags",
        "o.z.w"};

    private String value(String field) {
        return switch (field) {
            case "n", "objs.k", "o.x", "o.z.w" -> pick(N);
            case "s", "o.y", "objs.v" -> pick(S);
            case "b" -> chance(50) ? "true" : "false";
            case "arr" -> pick(new String[] {"1", "2", "3", "5", "\"x\"", "1.5", "7"});
            default -> pick(new String[] {"\"red\"", "\"blue\"", "\"green\"", "\"x\""});
        };
    }

    private String nonNull(String field) {
        String v;
        do {
            v = value(field);
        } while (v.equals("null"));
        return v;
    }

    /**
     * A filter led by an equality with a string, number or boolean on one of the paths that hold arrays in some
     * documents, alone or beside another condition or inside an {@code $or}.
     */
    String equalityFilter() {
        String f = pick(new String[] {"arr", "tags", "o.x", "objs.k", "objs.v", "n", "s"});
        String v = nonNull(f);
        String eq = "\"" + f + "\": " + (chance(30) ? "{\"$eq\": " + v + "}" : v);
        return switch (rnd.nextInt(3)) {
            case 0 -> "{" + eq + "}";
            case 1 -> {
                String other;
                do {
                    other = condition();
                } while (other.startsWith("\"" + f + "\":"));
                yield "{" + eq + ", " + other + "}";
            }
            default -> "{" + eq + ", \"$or\": [{" + condition() + "}, {" + condition() + "}]}";
        };
    }

    String condition() {
        String f = SCALAR_FIELDS[rnd.nextInt(SCALAR_FIELDS.length)];
        String q = "\"" + f + "\": ";
        int kind = rnd.nextInt(19);
        if (f.startsWith("objs.") && (kind == 2 || kind == 5 || kind == 13 || kind == 17)) {
            kind = 0; // mongo-java-server evaluates these per element through arrays of objects; see DocumentDifferencesIT
        }
        if (kind == 17 && (f.equals("arr") || f.equals("tags") || f.equals("o.x"))) {
            kind = 3; // mongo-java-server wants one element within both bounds of a range; see DocumentDifferencesIT
        }
        switch (kind) {
            case 0: return q + nonNull(f);
            case 1: return q + "{\"$eq\": " + nonNull(f) + "}";
            case 2: return q + "{\"$ne\": " + value(f) + "}";
            case 3: return q + "{\"" + pick(new String[] {"$gt", "$gte", "$lt", "$lte"}) + "\": " + nonNull(f) + "}";
            case 4: return q + "{\"$in\": [" + value(f) + ", " + nonNull(f) + "]}";
            case 5: return q + "{\"$nin\": [" + value(f) + ", " + nonNull(f) + "]}";
            case 6: return q + "{\"$exists\": " + chance(50) + "}";
            case 7: return q + "{\"$type\": \"" + pick(new String[] {"string", "number", "array", "object", "bool",
                "null"}) + "\"}";
            case 8: return "\"" + pick(new String[] {"arr", "tags", "objs"}) + "\": {\"$size\": " + rnd.nextInt(4) + "}";
            case 9: return "\"tags\": {\"$all\": [" + value("tags") + (chance(50) ? ", " + value("tags") : "") + "]}";
            case 10: return "\"" + pick(new String[] {"s", "tags", "o.y", "objs.v"}) + "\": {\"$regex\": \""
                    + pick(new String[] {"^a", "ta$", "e", "^b.*a$", "^B"}) + "\""
                    + (chance(40) ? ", \"$options\": \"i\"" : "") + "}";
            case 11: return "\"arr\": {\"$elemMatch\": {\"$gt\": " + rnd.nextInt(4) + ", \"$lt\": " + (3 + rnd.nextInt(5))
                    + "}}";
            case 12: return "\"objs\": {\"$elemMatch\": {\"k\": " + nonNull("objs.k")
                    + (chance(50) ? ", \"v\": " + nonNull("objs.v") : "") + "}}";
            case 13: {
                String op = pick(new String[] {"$gt", "$lte", "$eq", "$in"});
                String v = op.equals("$in") ? "[" + nonNull(f) + "]" : nonNull(f);
                return q + "{\"$not\": {\"" + op + "\": " + v + "}}";
            }
            case 14: return "\"" + pick(new String[] {"n", "s", "b", "o", "arr", "o.x", "o.y"}) + "\": null";
            case 15: return "\"" + pick(new String[] {"arr", "tags"}) + "\": " + pick(new String[] {"[1, 2, 3]", "[2]",
                "[\"red\"]", "[\"red\", \"blue\"]", "[]", "[1, 2]"});
            case 16: return "\"o\": " + pick(new String[] {"{\"y\": \"q\"}", "{\"x\": [1, 5]}", "5"});
            case 17: return q + "{\"$gte\": " + nonNull(f) + ", \"$lt\": " + nonNull(f) + "}";
            default: return q + "{\"$in\": [" + nonNull(f) + ", " + nonNull(f) + ", " + nonNull(f) + "]}";
        }
    }

    /** Sorts on fields that are scalars or missing (sorting arrays is a documented difference). */
    String sort() {
        List<String> keys = List.of("n", "s", "b", "o.y", "objs.k");
        String a = keys.get(rnd.nextInt(keys.size() - 1));
        String first = "\"" + a + "\": " + (chance(50) ? 1 : -1);
        if (chance(50)) {
            String b;
            do {
                b = keys.get(rnd.nextInt(keys.size() - 1));
            } while (b.equals(a));
            return "{" + first + ", \"" + b + "\": " + (chance(50) ? 1 : -1) + "}";
        }
        return "{" + first + "}";
    }

    /** Filters for the projection test: simple ones, so a difference there is the projection's. */
    String simpleFilter() {
        return pick(new String[] {"{}", "{\"n\": {\"$gte\": 2}}", "{\"s\": {\"$exists\": true}}",
            "{\"tags\": \"red\"}"});
    }

    String projection() {
        return pick(new String[] {"{\"s\": 1}", "{\"s\": 1, \"o.x\": 1}", "{\"arr\": 0}", "{\"_id\": 0, \"n\": 1}",
            "{\"objs.k\": 1}", "{\"o.y\": 0}", "{\"o\": 1, \"_id\": 0}", "{\"tags\": 0, \"o.z\": 0, \"_id\": 0}",
            "{\"o.z.w\": 1, \"b\": 1}"});
    }

    /** An update and a filter that keeps it to documents it applies to without error. */
    String[] update() {
        String base = chance(50) ? filter() : "{}";
        return switch (rnd.nextInt(16)) {
            case 0 -> new String[] {base, "{\"$set\": {\"n\": " + nonNull("n") + "}}"};
            case 1 -> new String[] {and(base, "{\"o\": {\"$type\": \"object\"}}"), "{\"$set\": {\"o.z.w\": "
                + nonNull("n") + ", \"s\": \"set\"}}"};
            case 2 -> new String[] {base, "{\"$unset\": {\"s\": \"\", \"o.y\": 1}}"};
            case 3 -> new String[] {and(base, "{\"n\": {\"$type\": \"number\"}}"), "{\"$inc\": {\"n\": "
                + pick(new String[] {"1", "2.5", "-3"}) + "}}"};
            case 4 -> new String[] {and(base, "{\"n\": {\"$type\": \"number\"}}"), "{\"$mul\": {\"n\": "
                + pick(new String[] {"2", "0.5", "-1"}) + "}}"};
            case 5 -> new String[] {base, "{\"$min\": {\"n\": " + nonNull("n") + "}}"};
            case 6 -> new String[] {base, "{\"$max\": {\"n\": " + nonNull("n") + "}}"};
            case 7 -> new String[] {base, "{\"$rename\": {\"s\": \"s2\"}}"};
            case 8 -> new String[] {and(base, "{\"tags\": {\"$exists\": true}}"), "{\"$push\": {\"tags\": "
                + (chance(50) ? "\"x\"" : "{\"$each\": [\"a\", \"b\"]}") + "}}"};
            case 9 -> new String[] {base, "{\"$addToSet\": {\"tags\": "
                + (chance(50) ? "\"red\"" : "{\"$each\": [\"red\", \"z\", \"z\"]}") + "}}"};
            case 10 -> new String[] {and(base, "{\"tags\": {\"$exists\": true}}"), "{\"$pull\": {\"tags\": \"red\"}}"};
            case 11 -> new String[] {and(base, "{\"arr\": {\"$type\": \"array\"}}"), "{\"$pull\": {\"arr\": "
                + "{\"$gte\": 2}}}"};
            case 12 -> new String[] {and(base, "{\"tags\": {\"$exists\": true}}"), "{\"$pop\": {\"tags\": "
                + (chance(50) ? 1 : -1) + "}}"};
            case 13 -> new String[] {and(base, "{\"objs\": {\"$type\": \"array\"}}"),
                "{\"$pull\": {\"objs\": {\"k\": 2}}}"};
            case 14 -> new String[] {base, "{\"$set\": {\"fresh\": {\"a\": [1, {\"b\": null}]}}, \"$inc\": "
                + "{\"counter\": 1}}"};
            default -> new String[] {and(base, "{\"n\": {\"$type\": \"number\"}}"), "{\"$inc\": {\"n\": 1}, "
                + "\"$set\": {\"b\": true}}"};
        };
    }

    private static String and(String a, String b) {
        return a.equals("{}") ? b : "{\"$and\": [" + a + ", " + b + "]}";
    }

    int nextInt(int bound) {
        return rnd.nextInt(bound);
    }
}
