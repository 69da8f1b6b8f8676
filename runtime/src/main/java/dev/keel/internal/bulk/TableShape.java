package dev.keel.internal.bulk;

import dev.keel.error.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jooq.Table;

/**
 * What the catalog says about a table's columns: type, type modifier, and whether the column is generated or
 * identity-always (never written by bulk loads). Read once per table and cached by the writer's owner.
 */
public final class TableShape {
    private static final String COLUMNS = """
            SELECT a.attname, a.atttypmod, a.attgenerated, a.attidentity,
                   bt.oid::int AS type_oid, bt.typname, bt.typtype, bt.typcategory, tn.nspname AS type_schema,
                   et.oid::int AS elem_oid, et.typname AS elem_name, et.typtype AS elem_typtype,
                   en.nspname AS elem_schema
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
              JOIN pg_namespace tn ON tn.oid = bt.typnamespace
              LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
              LEFT JOIN pg_namespace en ON en.oid = et.typnamespace
             WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum
            """;
    private static final String ENUM_LABELS =
            "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder";

    /**
     * One column as the catalog describes it.
     *
     * @param scalarType the quoted, schema-qualified SQL type of this column's values (the base type of a domain,
     *                   without typmod), or {@code null} for an array column, whose values cannot be unnested from an
     *                   array of them
     */
    public record Column(String name, String typname, int typmod, boolean writable, Codec codec, String scalarType) {
    }

    private final String qualifiedName;
    private final Map<String, Column> columns;

    private TableShape(String qualifiedName, Map<String, Column> columns) {
        this.qualifiedName = qualifiedName;
        this.columns = columns;
    }

    public String qualifiedName() {
        return qualifiedName;
    }

    public Column column(String name) {
        return columns.get(name);
    }

    public Map<String, Column> columns() {
        return columns;
    }

    /** The table's quoted, schema-qualified name. */
    public static String quotedName(Table<?> table) {
        String name = quote(table.getName());
        return table.getSchema() == null || table.getSchema().getName().isEmpty() ? name
                : quote(table.getSchema().getName()) + "." + name;
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Reads the table's columns; codecs are built for the given validation settings. */
    public static TableShape read(Connection c, Table<?> table, boolean allowNonFinite, int maxJsonBytes)
            throws SQLException {
        String name = quotedName(table);
        Map<String, Column> out = new LinkedHashMap<>();
        Map<Integer, Set<String>> enumLabels = new HashMap<>();
        boolean found = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                found = rs.next() && rs.getBoolean(1);
            }
        }
        if (!found) {
            throw new InvalidInputException("bulk write: table " + name + " does not exist in this database",
                    table.getName());
        }
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String attname = rs.getString("attname");
                    int typmod = rs.getInt("atttypmod");
                    boolean generated = !rs.getString("attgenerated").isEmpty();
                    boolean identityAlways = "a".equals(rs.getString("attidentity"));
                    String typname = rs.getString("typname");
                    Codec codec;
                    String scalarType = null;
                    String elemName = rs.getString("elem_name");
                    if (elemName != null) {
                        Codec element = scalar(c, elemName, rs.getString("elem_typtype"), rs.getString("elem_schema"),
                                rs.getInt("elem_oid"), typmod, allowNonFinite, maxJsonBytes, enumLabels);
                        codec = element == null ? null : Codec.forArray(element, rs.getInt("elem_oid"),
                                sqlType(elemName, rs.getString("elem_typtype"), rs.getString("elem_schema")));
                    } else {
                        codec = scalar(c, typname, rs.getString("typtype"), rs.getString("type_schema"),
                                rs.getInt("type_oid"), typmod, allowNonFinite, maxJsonBytes, enumLabels);
                        scalarType = quote(rs.getString("type_schema")) + "." + quote(typname);
                    }
                    out.put(attname, new Column(attname, typname, typmod, !generated && !identityAlways, codec,
                            scalarType));
                }
            }
        }
        return new TableShape(name, out);
    }

    private static Codec scalar(Connection c, String typname, String typtype, String schema, int oid, int typmod,
                                boolean allowNonFinite, int maxJsonBytes, Map<Integer, Set<String>> enumLabels)
            throws SQLException {
        if ("e".equals(typtype)) {
            Set<String> labels = enumLabels.get(oid);
            if (labels == null) {
                labels = new java.util.HashSet<>();
                try (PreparedStatement ps = c.prepareStatement(ENUM_LABELS)) {
                    ps.setInt(1, oid);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            labels.add(rs.getString(1));
                        }
                    }
                }
                enumLabels.put(oid, Set.copyOf(labels));
            }
            return Codec.forEnum(sqlType(typname, typtype, schema), labels);
        }
        if (!"pg_catalog".equals(schema)) {
            return null;
        }
        return Codec.forScalar(typname, typmod, allowNonFinite, maxJsonBytes);
    }

    private static String sqlType(String typname, String typtype, String schema) {
        return "e".equals(typtype) ? quote(schema) + "." + quote(typname) : typname;
    }

    @Override
    public String toString() {
        return qualifiedName + Arrays.toString(columns.keySet().toArray());
    }
}
