package dev.keel.codegen.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The differences between the schema the migrations produce and a live database: tables and columns that are
 * missing from the live database, extra in it, or changed (type or nullability).
 */
public record SchemaDrift(List<String> missing, List<String> extra, List<String> changed) {

    /** One column as the catalogue describes it. */
    record Column(String type, boolean notNull) {
        @Override
        public String toString() {
            return type + (notNull ? " not null" : " null");
        }
    }

    public boolean isEmpty() {
        return missing.isEmpty() && extra.isEmpty() && changed.isEmpty();
    }

    public String report() {
        if (isEmpty()) {
            return "The live database matches the migrations.";
        }
        StringBuilder sb = new StringBuilder("The live database differs from the migrations:");
        missing.forEach(m -> sb.append("\n  missing: ").append(m));
        extra.forEach(m -> sb.append("\n  extra:   ").append(m));
        changed.forEach(m -> sb.append("\n  changed: ").append(m));
        return sb.toString();
    }

    /** Compares the two databases' tables in {@code schemas}, leaving out Flyway's history tables. */
    public static SchemaDrift compare(Connection expected, Connection actual, List<String> schemas,
                                      List<String> historyTables) throws SQLException {
        Map<String, Map<String, Column>> want = read(expected, schemas);
        Map<String, Map<String, Column>> have = read(actual, schemas);
        for (String table : historyTables) {
            want.remove(table);
            have.remove(table);
        }
        return compare(want, have);
    }

    static SchemaDrift compare(Map<String, Map<String, Column>> expected, Map<String, Map<String, Column>> actual) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        expected.forEach((table, columns) -> {
            Map<String, Column> live = actual.get(table);
            if (live == null) {
                missing.add("table " + table);
                return;
            }
            columns.forEach((name, column) -> {
                Column liveColumn = live.get(name);
                if (liveColumn == null) {
                    missing.add("column " + table + "." + name + " " + column);
                } else if (!Objects.equals(column, liveColumn)) {
                    changed.add("column " + table + "." + name + ": migrations say " + column + ", live is " + liveColumn);
                }
            });
            live.forEach((name, column) -> {
                if (!columns.containsKey(name)) {
                    extra.add("column " + table + "." + name + " " + column);
                }
            });
        });
        actual.keySet().stream().filter(t -> !expected.containsKey(t)).forEach(t -> extra.add("table " + t));
        return new SchemaDrift(List.copyOf(missing), List.copyOf(extra), List.copyOf(changed));
    }

    static Map<String, Map<String, Column>> read(Connection c, List<String> schemas) throws SQLException {
        String sql = """
                SELECT n.nspname || '.' || cl.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
                FROM pg_class cl
                JOIN pg_namespace n ON n.oid = cl.relnamespace
                JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE n.nspname = ANY (?) AND cl.relkind IN ('r', 'p', 'v', 'm', 'f')
                ORDER BY 1, a.attnum""";
        Map<String, Map<String, Column>> tables = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, CatalogQueries.textArray(c, schemas));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .put(rs.getString(2), new Column(rs.getString(3), rs.getBoolean(4)));
                }
            }
        }
        return tables;
    }
}
