package dev.keel.internal.document;

import dev.keel.document.CollectionOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A collection's table in the schema {@code keel_docs} and its DDL. The table's name is the collection's name
 * (validated, and always quoted, so {@code order} or {@code user} work); index names are a hash of the index,
 * so declaring the same index twice is a no-op. Immutable.
 */
final class CollectionTable {
    static final String SCHEMA = "keel_docs";
    private final String name;
    private final CollectionOptions options;

    CollectionTable(String name, CollectionOptions options) {
        this.name = name;
        this.options = options;
    }

    String name() {
        return name;
    }

    CollectionOptions options() {
        return options;
    }

    /** {@code keel_docs."name"}. */
    String qualified() {
        return SCHEMA + ".\"" + name + "\"";
    }

    /** Creates the table and its indexes where missing; run inside the creating transaction. */
    void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified() + " ("
                    + "id text COLLATE \"C\" NOT NULL PRIMARY KEY, "
                    + "data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'), "
                    + "version bigint NOT NULL DEFAULT 1, "
                    + "created_at timestamptz NOT NULL DEFAULT now(), "
                    + "updated_at timestamptz NOT NULL DEFAULT now(), "
                    + "subject_id text, "
                    + "expires_at timestamptz)");
            for (String ddl : indexDdl()) {
                s.execute(ddl);
            }
            for (String ddl : scalarChecks()) {
                s.execute(ddl);
            }
        }
    }

    /**
     * The CHECK constraints of the paths declared scalar: the path's value (as filters see it, so also the array
     * of values reached through an array of objects) is never an array. Added where missing, by name.
     */
    List<String> scalarChecks() {
        List<String> ddl = new ArrayList<>();
        for (CollectionOptions.Index i : options.indexes()) {
            if (!i.scalar()) {
                continue;
            }
            DocPath p = DocPath.parse(i.path(), "index");
            String constraint = "s" + hash(name + "|scalar|" + i.path());
            ddl.add("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '" + constraint
                    + "' AND conrelid = '" + qualified() + "'::regclass) THEN ALTER TABLE " + qualified()
                    + " ADD CONSTRAINT \"" + constraint + "\" CHECK (" + DocPath.rank(p.value("data"))
                    + " <> 5); END IF; END $$");
        }
        return ddl;
    }

    List<String> indexDdl() {
        List<String> ddl = new ArrayList<>();
        ddl.add(index("subject_id", "(subject_id) WHERE subject_id IS NOT NULL", false));
        ddl.add(index("expires_at", "(expires_at) WHERE expires_at IS NOT NULL", false));
        for (CollectionOptions.Index i : options.indexes()) {
            DocPath p = DocPath.parse(i.path(), "index");
            ddl.add(index(i.path(), pathKeys(p, i.unique()), i.unique()));
        }
        if (options.hasGinIndex()) {
            ddl.add(index("gin", "USING gin (data jsonb_path_ops)", false));
        }
        return ddl;
    }

    /** The index keys of a path: exactly the sort keys, and the expression every filter on the path uses. */
    static String pathKeys(DocPath p, boolean unique) {
        String v = p.value("data");
        return "((" + DocPath.rank(v) + "), (" + v + ")" + (unique ? "" : ", id") + ")";
    }

    private String index(String what, String body, boolean unique) {
        String indexName = "k" + hash(name + "|" + what + "|" + body + "|" + unique);
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS \"" + indexName + "\" ON "
                + qualified() + " " + body;
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
