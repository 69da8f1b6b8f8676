package dev.keel.internal.document;

import static dev.keel.internal.db.Tables.DOC_ERASURES;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.keel.document.CollectionInfo;
import dev.keel.document.SubjectErasure;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.ErrorTranslator;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** A data subject's documents: export from one snapshot, and erasure in batches. */
final class Subjects {
    private static final int BATCH = 1000;
    private final DataSource pool;

    Subjects(DataSource pool) {
        this.pool = pool;
    }

    static void checkSubject(String subjectId) {
        if (subjectId == null || subjectId.isEmpty() || subjectId.length() > 1000) {
            throw new InvalidInputException("must be 1 to 1000 characters", "subjectId");
        }
    }

    /** Gzip JSON Lines of every document of the subject, read in one REPEATABLE READ snapshot. */
    long export(String subjectId, List<CollectionInfo> collections, OutputStream out) {
        long n = 0;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            GZIPOutputStream gz = new GZIPOutputStream(new FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush(); // the caller closes out
                }
            }, 1 << 16);
            try (JsonGenerator g = DocumentJson.MAPPER.getFactory().createGenerator(gz)) {
                g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
                for (CollectionInfo info : collections) {
                    CollectionTable t = new CollectionTable(info.name(), dev.keel.document.CollectionOptions.defaults());
                    try (PreparedStatement ps = c.prepareStatement("SELECT id, data::text FROM " + t.qualified()
                            + " WHERE subject_id = ? ORDER BY id")) {
                        ps.setFetchSize(500);
                        ps.setString(1, subjectId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                g.writeStartObject();
                                g.writeStringField("collection", info.name());
                                g.writeStringField("_id", rs.getString(1));
                                g.writeFieldName("document");
                                g.writeRawValue(rs.getString(2));
                                g.writeEndObject();
                                n++;
                            }
                        }
                    }
                }
                g.writeRaw('\n');
            }
            c.commit();
            return n;
        } catch (SQLException e) {
            throw ErrorTranslator.translate("export subject", e);
        } catch (IOException e) {
            throw new UncheckedIOException("export subject: writing failed", e);
        }
    }

    /** {@code pseudonym:} and the hex of HMAC-SHA256(key, subject), truncated to 128 bits. */
    static String pseudonym(String key, String subjectId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal(subjectId.getBytes(StandardCharsets.UTF_8));
            return "pseudonym:" + HexFormat.of().formatHex(h, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Deletes the subject's documents outside audit collections, in batches of {@value #BATCH} on one connection
     * (each batch auto-committed). With a {@code pseudonym}, the subject of the audit documents (column and field)
     * and the access log entries that name it are replaced by it, also in batches.
     */
    SubjectErasure erase(String subjectId, String actor, List<CollectionInfo> collections, String pseudonym) {
        Map<String, Long> deleted = new LinkedHashMap<>();
        Map<String, Long> kept = new LinkedHashMap<>();
        try (Connection c = pool.getConnection()) {
            for (CollectionInfo info : collections) {
                CollectionTable t = new CollectionTable(info.name(), dev.keel.document.CollectionOptions.defaults());
                if (info.audit() && pseudonym != null) {
                    kept.put(info.name(), pseudonymise(c, t, info.subjectField(), subjectId, pseudonym));
                    continue;
                }
                if (info.audit()) {
                    kept.put(info.name(), Rows.queryLong(c, new Sql("SELECT count(*) FROM " + t.qualified()
                            + " WHERE subject_id = ").bind(subjectId)));
                    continue;
                }
                long n = 0;
                int got;
                do {
                    got = Rows.update(c, new Sql("DELETE FROM " + t.qualified() + " WHERE id IN (SELECT id FROM "
                            + t.qualified() + " WHERE subject_id = ").bind(subjectId).add(" LIMIT " + BATCH + ")"));
                    n += got;
                } while (got == BATCH);
                if (n > 0) {
                    deleted.put(info.name(), n);
                }
            }
            if (pseudonym != null) {
                int got;
                do {
                    got = Rows.update(c, new Sql("UPDATE keel.doc_access_log SET target = ").bind(pseudonym)
                            .add(" WHERE id IN (SELECT id FROM keel.doc_access_log WHERE target = ").bind(subjectId)
                            .add(" LIMIT " + BATCH + ")"));
                } while (got == BATCH);
            }
            String counts = DocumentJson.write(DocumentJson.MAPPER.valueToTree(deleted));
            long id = DSL.using(c, SQLDialect.POSTGRES).insertInto(DOC_ERASURES)
                    .set(DOC_ERASURES.SUBJECT_HASH, CollectionTable.hash("subject|" + subjectId))
                    .set(DOC_ERASURES.ACTOR, actor)
                    .set(DOC_ERASURES.COUNTS, JSONB.jsonb(counts))
                    .returning(DOC_ERASURES.ID).fetchOne().getId();
            return new SubjectErasure(deleted, kept, id);
        } catch (SQLException e) {
            throw ErrorTranslator.translate("erase subject", e);
        }
    }

    private static long pseudonymise(Connection c, CollectionTable t, String field, String subjectId,
                                     String pseudonym) throws SQLException {
        DocPath f = DocPath.parse(field, "subjectField");
        long n = 0;
        int got;
        do {
            got = Rows.update(c, new Sql("UPDATE " + t.qualified() + " SET subject_id = ").bind(pseudonym)
                    .add(", data = CASE WHEN (data -> '" + f.dotted() + "') IS NOT NULL THEN jsonb_set(data, "
                            + f.textArray() + ", to_jsonb(").bind(pseudonym).add("::text)) ELSE data END, "
                            + "version = version + 1, updated_at = now() WHERE id IN (SELECT id FROM "
                            + t.qualified() + " WHERE subject_id = ")
                    .bind(subjectId).add(" LIMIT " + BATCH + ")"));
            n += got;
        } while (got == BATCH);
        return n;
    }
}
