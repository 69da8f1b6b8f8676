package dev.keel.benchmarks.data;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One benchmark table and the {@link Dataset}'s rows for it, in every form a write or read path needs: JDBC
 * parameters, COPY text, COPY binary, jOOQ records and value arrays. Each form is written the way a careful
 * user of that API would write it, so differences between methods come from the methods.
 *
 * @param <R> the table's generated record type
 */
public abstract class Shape<R extends TableRecord<R>> {
    /** The names the benchmarks' {@code shape} parameter takes. */
    public static final List<String> NAMES = List.of("nodes", "edges", "narrow");

    private final String name;
    private final Table<R> table;

    Shape(String name, Table<R> table) {
        this.name = name;
        this.table = table;
    }

    public static Shape<?> named(String name) {
        return switch (name) {
            case "nodes" -> new NodesShape();
            case "edges" -> new EdgesShape();
            case "narrow" -> new NarrowShape();
            default -> throw new IllegalArgumentException("unknown shape '" + name + "'; expected one of " + NAMES);
        };
    }

    public final String name() {
        return name;
    }

    /** The generated jOOQ table. */
    public final Table<R> table() {
        return table;
    }

    /** The schema-qualified table name, for hand-written SQL. */
    public final String qualifiedName() {
        return table.getSchema().getName() + "." + table.getName();
    }

    /** The columns every method writes, comma-separated, in table order. */
    public abstract String columnList();

    public abstract int columnCount();

    /** {@code INSERT INTO table (columns) VALUES (?, …)} with the casts the JDBC bindings need. */
    public abstract String insertSql();

    /** Binds row {@code i} of a load of {@code n} rows to {@link #insertSql()}. */
    public abstract void bind(PreparedStatement ps, int i, int n) throws SQLException;

    /** Appends row {@code i} as one line of COPY text format. */
    public abstract void appendText(StringBuilder out, int i, int n);

    /** Writes row {@code i} in COPY binary format. */
    public abstract void writeBinary(BinaryCopyWriter out, int i, int n) throws SQLException;

    /** Row {@code i} as a record with every field marked changed, so jOOQ sends the same columns for every row. */
    public abstract R record(int i, int n);

    /** Row {@code i} as values in {@link #columnList()} order, for jOOQ's Loader. */
    public abstract Object[] values(int i, int n);

    /** Reads the current row of a {@code SELECT columnList() FROM table}. */
    public abstract void consume(ResultSet rs, Blackhole bh) throws SQLException;

    /** Reads the current row of a binary {@code COPY (columnList()) TO STDOUT}. */
    public abstract void consume(BinaryCopyReader in, Blackhole bh) throws SQLException;

    @Override
    public String toString() {
        return name;
    }

    /** COPY text: a value with backslash, tab, newline and carriage return escaped; null as {@code \N}. */
    static void appendEscaped(StringBuilder out, String v) {
        if (v == null) {
            out.append("\\N");
            return;
        }
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }
}
