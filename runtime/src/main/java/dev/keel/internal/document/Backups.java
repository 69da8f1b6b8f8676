package dev.keel.internal.document;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.document.CollectionInfo;
import dev.keel.document.CollectionOptions;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.ErrorTranslator;
import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;

/**
 * Backups of collections as gzip JSON Lines: a header with each collection's options and row count, the rows
 * (id, version, timestamps, subject, expiry, document), and a trailer with the total. Written from one snapshot,
 * streaming. A restore runs in one transaction and commits only after the trailer has confirmed every count, so a
 * truncated or altered file restores nothing.
 */
final class Backups {
    static final String FORMAT = "keel-documents";
    private static final int BATCH = 500;
    private final DataSource pool;

    Backups(DataSource pool) {
        this.pool = pool;
    }

    Map<String, Long> backup(List<CollectionInfo> collections, Map<String, CollectionOptions> options,
                             OutputStream out) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            for (CollectionInfo i : collections) {
                counts.put(i.name(), Rows.queryLong(c, Sql.of("SELECT count(*) FROM "
                        + new CollectionTable(i.name(), CollectionOptions.defaults()).qualified())));
            }
            GZIPOutputStream gz = new GZIPOutputStream(new FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush(); // the caller closes out
                }
            }, 1 << 16);
            try (JsonGenerator g = DocumentJson.MAPPER.getFactory().createGenerator(gz)) {
                g.setRootValueSeparator(new SerializedString("\n"));
                g.writeTree(header(collections, options, counts));
                long total = 0;
                for (CollectionInfo i : collections) {
                    total += rows(c, i.name(), g);
                }
                g.writeTree(DocumentJson.MAPPER.createObjectNode().put("end", true).put("total", total));
                g.writeRaw('\n');
            }
            c.commit();
            return counts;
        } catch (SQLException e) {
            throw ErrorTranslator.translate("backup", e);
        } catch (IOException e) {
            throw new UncheckedIOException("backup: writing failed", e);
        }
    }

    private static ObjectNode header(List<CollectionInfo> collections, Map<String, CollectionOptions> options,
                                     Map<String, Long> counts) {
        ObjectNode h = DocumentJson.MAPPER.createObjectNode().put("format", FORMAT).put("version", 1);
        ArrayNode list = h.putArray("collections");
        for (CollectionInfo i : collections) {
            CollectionOptions o = options.get(i.name());
            ObjectNode e = list.addObject().put("name", i.name()).put("count", counts.get(i.name()));
            if (o.retention() != null) {
                e.put("retentionSeconds", o.retention().toSeconds());
            }
            e.put("subjectField", o.subjectField()).put("audit", o.isAudit()).put("gin", o.hasGinIndex())
                    .put("partitionedByMonth", o.isPartitionedByMonth());
            ArrayNode idx = e.putArray("indexes");
            o.indexes().forEach(x -> idx.addObject().put("path", x.path()).put("unique", x.unique())
                    .put("scalar", x.scalar()));
        }
        return h;
    }

    private static long rows(Connection c, String name, JsonGenerator g) throws SQLException, IOException {
        CollectionTable t = new CollectionTable(name, CollectionOptions.defaults());
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, version, created_at::text, updated_at::text, "
                + "subject_id, expires_at::text, data::text FROM " + t.qualified() + " ORDER BY id")) {
            ps.setFetchSize(500);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    g.writeStartObject();
                    g.writeStringField("collection", name);
                    g.writeStringField("_id", rs.getString(1));
                    g.writeNumberField("version", rs.getLong(2));
                    g.writeStringField("created_at", rs.getString(3));
                    g.writeStringField("updated_at", rs.getString(4));
                    g.writeStringField("subject_id", rs.getString(5));
                    g.writeStringField("expires_at", rs.getString(6));
                    g.writeFieldName("document");
                    g.writeRawValue(rs.getString(7));
                    g.writeEndObject();
                    n++;
                }
            }
        }
        return n;
    }

    Map<String, Long> restore(InputStream in) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, Long> restored = restore(c, in);
                c.commit();
                return restored;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw ErrorTranslator.translate("restore", e);
        }
    }

    private static InvalidInputException bad(String why) {
        return new InvalidInputException(why + "; nothing was restored", "backup");
    }

    private Map<String, Long> restore(Connection c, InputStream in) throws SQLException {
        Map<String, Long> expected = new LinkedHashMap<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        Map<String, List<String[]>> pending = new LinkedHashMap<>();
        Map<String, CollectionTable> tables = new LinkedHashMap<>();
        // Strict UTF-8: a malformed byte fails the restore rather than turning into U+FFFD in a stored document.
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), utf8))) {
            String first = r.readLine();
            JsonNode h = first == null ? null : DocumentJson.parse(first, "backup header");
            if (h == null || !FORMAT.equals(h.path("format").asText()) || h.path("version").asInt() != 1) {
                throw bad("not a Keel document backup");
            }
            for (JsonNode e : h.path("collections")) {
                String name = e.path("name").asText();
                dev.keel.document.DocumentId.checkCollectionName(name);
                CollectionTable table = new CollectionTable(name, options(e));
                Catalog.ensure(c, table);
                tables.put(name, table);
                expected.put(name, e.path("count").asLong());
                seen.put(name, 0L);
                pending.put(name, new ArrayList<>());
            }
            String line;
            JsonNode trailer = null;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                if (trailer != null) {
                    throw bad("data after the trailer");
                }
                JsonNode row = DocumentJson.parse(line, "backup row");
                if (row.path("end").asBoolean()) {
                    trailer = row;
                    continue;
                }
                String name = row.path("collection").asText();
                if (!expected.containsKey(name)) {
                    throw bad("a row of collection '" + DocPath.abbreviate(name) + "' that the header does not list");
                }
                seen.merge(name, 1L, Long::sum);
                List<String[]> batch = pending.get(name);
                batch.add(new String[] {row.path("_id").asText(), row.path("version").asText(),
                    row.path("created_at").asText(), row.path("updated_at").asText(), text(row, "subject_id"),
                    text(row, "expires_at"), DocumentJson.write(row.path("document"))});
                if (batch.size() == BATCH) {
                    insert(c, tables.get(name), batch);
                }
            }
            if (trailer == null) {
                throw bad("the backup is truncated (no trailer)");
            }
            long total = seen.values().stream().mapToLong(Long::longValue).sum();
            if (!seen.equals(expected) || trailer.path("total").asLong() != total) {
                throw bad("row counts " + seen + " differ from the header's " + expected);
            }
            for (Map.Entry<String, List<String[]>> e : pending.entrySet()) {
                insert(c, tables.get(e.getKey()), e.getValue());
            }
            return seen;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw bad("the backup is not UTF-8 text (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw bad("the backup is truncated or corrupt (" + e.getMessage() + ")");
        }
    }

    private static String text(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static CollectionOptions options(JsonNode e) {
        CollectionOptions o = CollectionOptions.defaults();
        if (e.hasNonNull("retentionSeconds")) {
            o = o.retention(java.time.Duration.ofSeconds(e.get("retentionSeconds").asLong()));
        }
        if (e.hasNonNull("subjectField")) {
            o = o.subjectField(e.get("subjectField").asText());
        }
        if (e.path("audit").asBoolean()) {
            o = o.audit();
        }
        if (e.path("gin").asBoolean()) {
            o = o.ginIndex();
        }
        if (e.path("partitionedByMonth").asBoolean()) {
            o = o.partitionedByMonth();
        }
        for (JsonNode i : e.path("indexes")) {
            o = i.path("unique").asBoolean() ? o.uniqueIndex(i.path("path").asText())
                    : i.path("scalar").asBoolean() ? o.scalarIndex(i.path("path").asText())
                    : o.index(i.path("path").asText());
        }
        return o;
    }

    /**
     * Inserts restored rows as they were; in a collection partitioned by month, {@code created_at} is the time in
     * the id, as it always is there.
     */
    private static void insert(Connection c, CollectionTable table, List<String[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        Sql sql = new Sql("INSERT INTO " + table.qualified()
                + " (id, version, created_at, updated_at, subject_id, expires_at, data) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            dev.keel.document.DocumentId.checkId(r[0]);
            sql.add(i == 0 ? "(" : ", (").bind(r[0]).add(", ").bind(Long.parseLong(r[1])).add(", ");
            if (table.monthly()) {
                PreparedDocument.checkMonthlyId(r[0]);
                sql.bind(CollectionTable.createdAt(r[0]));
            } else {
                sql.bind(r[2]);
            }
            sql.add("::timestamptz, ").bind(r[3]).add("::timestamptz, ").bind(r[4]).add(", ").bind(r[5])
                    .add("::timestamptz, ").json(r[6]).add(")");
        }
        Rows.update(c, sql);
        rows.clear();
    }
}
