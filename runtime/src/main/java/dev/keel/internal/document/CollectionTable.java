package dev.keel.internal.document;

import dev.keel.document.CollectionOptions;
import dev.keel.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A collection's table in the schema {@code keel_docs} and its DDL. The table's name is the collection's name
 * (validated, and always quoted, so {@code order} or {@code user} work); index names are a hash of the index,
 * so declaring the same index twice is a no-op. A collection partitioned by month is range-partitioned on
 * {@code created_at}, its partitions kept by {@link MonthPartitions}. Immutable.
 */
final class CollectionTable {
    static final String SCHEMA = "keel_docs";
    /** 2000-01-01 UTC, PostgreSQL's epoch, in Unix milliseconds. */
    private static final long PG_EPOCH_MILLIS = 946_684_800_000L;
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

    /**
     * Creates the table and its indexes where missing, and for a collection partitioned by month its default
     * partition and those of this month and the next {@value CollectionOptions#MONTHS_AHEAD}; run inside the
     * creating transaction. A collection's partitioning is fixed when it is created: asking for the other kind
     * fails.
     */
    void create(Connection c) throws SQLException {
        boolean monthly = options.isPartitionedByMonth();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            Boolean partitioned = partitioned(c);
            if (partitioned != null && partitioned != monthly) {
                throw new InvalidInputException("collection " + name + " exists and is " + (partitioned ? "" : "not ")
                        + "partitioned by month; a collection's partitioning is fixed when it is created",
                        "partitionedByMonth");
            }
            String columns = "id text COLLATE \"C\" NOT NULL" + (monthly ? "" : " PRIMARY KEY") + ", "
                    + "data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'), "
                    + "version bigint NOT NULL DEFAULT 1, "
                    + "created_at timestamptz NOT NULL DEFAULT now(), "
                    + "updated_at timestamptz NOT NULL DEFAULT now(), "
                    + "subject_id text, "
                    + "expires_at timestamptz";
            if (monthly) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + MonthPartitions.COLLECTION_SCHEMA);
                s.execute("CREATE TABLE IF NOT EXISTS " + qualified() + " (" + columns + ", "
                        + "PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at)");
                s.execute("CREATE TABLE IF NOT EXISTS " + MonthPartitions.of(this).defaultPartition() + " PARTITION OF "
                        + qualified() + " DEFAULT");
            } else {
                s.execute("CREATE TABLE IF NOT EXISTS " + qualified() + " (" + columns + ")");
            }
            for (String ddl : indexDdl()) {
                s.execute(ddl);
            }
            for (String ddl : scalarChecks()) {
                s.execute(ddl);
            }
        }
        if (monthly) {
            MonthPartitions.of(this).ensureAhead(c);
        }
    }

    /** Whether the table exists partitioned ({@code true}), exists plain ({@code false}), or not at all (null). */
    private Boolean partitioned(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relkind = 'p' FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, SCHEMA);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }

    /** Whether the collection is partitioned by month. */
    boolean monthly() {
        return options.isPartitionedByMonth();
    }

    /**
     * In a collection partitioned by month, the {@code created_at} of the document with this id (the time in the
     * UUIDv7, which {@link PreparedDocument} checked), as microseconds since 2000-01-01 UTC, PostgreSQL's epoch.
     */
    static long createdMicros(String id) {
        return (UuidV7.millis(id) - PG_EPOCH_MILLIS) * 1000;
    }

    /** {@link #createdMicros} plus the retention, or null without one. */
    Long expiresMicros(String id) {
        return options.retention() == null ? null : createdMicros(id) + options.retention().toMillis() * 1000;
    }

    /** As {@link #createdMicros}, for binding. */
    static OffsetDateTime createdAt(String id) {
        return Instant.ofEpochMilli(UuidV7.millis(id)).atOffset(ZoneOffset.UTC);
    }

    /** As {@link #expiresMicros}, for binding. */
    OffsetDateTime expiresAt(String id) {
        return options.retention() == null ? null : createdAt(id).plus(options.retention());
    }

    /**
     * The condition that finds the document with this id: in a collection partitioned by month also on the
     * {@code created_at} the id determines, so that the lookup reads one partition's primary key.
     */
    Sql idIs(String id) {
        Sql sql = new Sql("id = ").bind(id);
        if (monthly() && UuidV7.millis(id) >= 0) {
            sql.add(" AND created_at = ").bind(createdAt(id));
        }
        return sql;
    }

    /**
     * The columns a row is unique by: the id, and in a collection partitioned by month also {@code created_at},
     * which the id determines there.
     */
    String keyColumns() {
        return monthly() ? "id, created_at" : "id";
    }

    /** {@link #keyColumns} in parentheses, for {@code ON CONFLICT}. */
    String uniqueKey() {
        return "(" + keyColumns() + ")";
    }

    /**
     * The columns an insert of new documents writes, in the order {@link #insertedTimes} ends them: the id, the
     * document, its subject, its expiry, and in a collection partitioned by month its {@code created_at}.
     */
    String insertColumns() {
        return "(id, data, subject_id, expires_at" + (monthly() ? ", created_at" : "") + ")";
    }

    /**
     * The last values of an insert in {@link #insertColumns}' order: in a collection partitioned by month, the
     * expiry and {@code created_at} that the id determines; elsewhere {@code expires}, the SQL of the expiry, with
     * {@code created_at} left to its default.
     */
    Sql insertedTimes(String id, String expires) {
        return monthly() ? new Sql().bind(expiresAt(id)).add("::timestamptz, ").bind(createdAt(id))
                : Sql.of(expires);
    }

    /**
     * The key of the transaction-level advisory lock that serialises creating this collection and the work on its
     * partitions, across instances.
     */
    String lockKey() {
        return SCHEMA + "." + name;
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
