package dev.keel.codegen.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Questions about the migrated schemas that jOOQ's own metadata does not answer the way Keel needs. */
final class CatalogQueries {
    /** Base types jOOQ's PostgreSQL support maps to a specific Java type without extensions. */
    static final Set<String> KNOWN_BASE_TYPES = Set.of(
            "bool", "bytea", "char", "name", "int2", "int4", "int8", "oid", "text", "varchar", "bpchar",
            "float4", "float8", "numeric", "money", "date", "time", "timetz", "timestamp", "timestamptz",
            "interval", "uuid", "json", "jsonb", "bit", "varbit", "xml",
            // typed by jooq-postgres-extensions' bindings, which jOOQ applies when they are on its classpath
            "citext", "hstore", "ltree", "inet", "cidr");

    private CatalogQueries() {
    }

    /** Schema-qualified names of partitions (tables that are themselves a partition of another). */
    static List<String> partitions(Connection c, List<String> schemas) throws SQLException {
        String sql = """
                SELECT n.nspname || '.' || c.relname
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relispartition AND c.relkind IN ('r', 'p') AND n.nspname = ANY (?)
                ORDER BY 1""";
        return strings(c, sql, schemas);
    }

    /** "schema.table.column (type)" for every column whose base type jOOQ only knows as Object. */
    static List<String> unknownTypeColumns(Connection c, List<String> schemas) throws SQLException {
        String sql = """
                SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' (' || format_type(a.atttypid, a.atttypmod) || ')',
                       coalesce(bt.typname, t.typname)
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_type t0 ON t0.oid = a.atttypid
                JOIN pg_type t ON t.oid = CASE WHEN t0.typelem <> 0 AND t0.typlen = -1 THEN t0.typelem ELSE t0.oid END
                LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
                WHERE n.nspname = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped
                  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND coalesce(bt.typtype, t.typtype) = 'b'
                ORDER BY 1""";
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, textArray(c, schemas));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!KNOWN_BASE_TYPES.contains(rs.getString(2))) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** The schemas of {@code schemas} that do not exist. */
    static List<String> missingSchemas(Connection c, List<String> schemas) throws SQLException {
        return strings(c, """
                SELECT s FROM unnest(?::text[]) AS s
                WHERE NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = s) ORDER BY 1""", schemas);
    }

    static List<String> strings(Connection c, String sql, List<String> schemas) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, textArray(c, schemas));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static Array textArray(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }
}
