package dev.keel.internal.document;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of SQL with its bind values in the order of their {@code ?} placeholders. Values are only ever bound;
 * the text holds nothing but Keel's own SQL and names that {@link DocPath} and {@link CollectionNames} validated.
 * Mutable, not thread-safe: built by one compiler call, then executed.
 */
final class Sql {
    private final StringBuilder text = new StringBuilder();
    private final List<Object> binds = new ArrayList<>();

    Sql() {
    }

    Sql(String text) {
        this.text.append(text);
    }

    static Sql of(String text) {
        return new Sql(text);
    }

    /** {@code text} with as many {@code ?} as {@code values}, bound in order. */
    static Sql withBinds(String text, Object... values) {
        Sql s = new Sql(text);
        s.binds.addAll(java.util.Arrays.asList(values));
        return s;
    }

    Sql add(String s) {
        text.append(s);
        return this;
    }

    Sql add(Sql other) {
        text.append(other.text);
        binds.addAll(other.binds);
        return this;
    }

    /** A placeholder bound to {@code value} (a String, Long, Integer, Double, Boolean or text[] as String[]). */
    Sql bind(Object value) {
        text.append('?');
        binds.add(value);
        return this;
    }

    /** A jsonb value, bound as its JSON text. */
    Sql json(String json) {
        text.append("?::jsonb");
        binds.add(json);
        return this;
    }

    Sql parens() {
        text.insert(0, '(').append(')');
        return this;
    }

    String text() {
        return text.toString();
    }

    List<Object> binds() {
        return binds;
    }

    boolean isEmpty() {
        return text.length() == 0;
    }

    /** Binds the values to {@code ps} starting at parameter {@code first}; returns the next free index. */
    int bindTo(PreparedStatement ps, int first) throws SQLException {
        int i = first;
        for (Object v : binds) {
            if (v instanceof String[] array) {
                ps.setArray(i++, ps.getConnection().createArrayOf("text", array));
            } else {
                ps.setObject(i++, v);
            }
        }
        return i;
    }

    @Override
    public String toString() {
        return text + " " + binds;
    }
}
