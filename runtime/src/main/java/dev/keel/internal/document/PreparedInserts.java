package dev.keel.internal.document;

import dev.keel.document.InsertManyResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Inserts of prepared documents: multi-row INSERTs for small batches, COPY for batches of
 * {@value #COPY_THRESHOLD} or more (all or nothing either way), and, when failures are to be reported, INSERT …
 * ON CONFLICT DO NOTHING so a duplicate id fails only its own document.
 */
final class PreparedInserts {
    static final int COPY_THRESHOLD = 1000;
    private static final int ROWS_PER_INSERT = 500;
    private final CollectionTable table;
    private final String expires;

    PreparedInserts(CollectionTable table, String expiresValue) {
        this.table = table;
        this.expires = expiresValue;
    }

    void insert(Connection c, List<PreparedDocument> docs) throws SQLException {
        if (docs.size() >= COPY_THRESHOLD) {
            copy(c, docs);
            return;
        }
        for (int from = 0; from < docs.size(); from += ROWS_PER_INSERT) {
            Rows.update(c, values(docs.subList(from, Math.min(docs.size(), from + ROWS_PER_INSERT)), ""));
        }
    }

    private Sql values(List<PreparedDocument> docs, String suffix) {
        Sql sql = new Sql("INSERT INTO " + table.qualified() + " (id, data, subject_id, expires_at) VALUES ");
        for (int i = 0; i < docs.size(); i++) {
            PreparedDocument d = docs.get(i);
            sql.add(i == 0 ? "(" : ", (").bind(d.id()).add(", ").json(d.json()).add(", ").bind(d.subject())
                    .add(", " + expires + ")");
        }
        return sql.add(suffix);
    }

    /** Inserts what it can; the documents whose id is taken (or repeated in the batch) become failures. */
    List<InsertManyResult.Failure> insertReporting(Connection c, List<PreparedDocument> docs, List<Integer> positions)
            throws SQLException {
        Set<String> inserted = new HashSet<>();
        for (int from = 0; from < docs.size(); from += ROWS_PER_INSERT) {
            List<PreparedDocument> chunk = docs.subList(from, Math.min(docs.size(), from + ROWS_PER_INSERT));
            Set<String> seen = new HashSet<>();
            List<PreparedDocument> unique = new ArrayList<>();
            for (PreparedDocument d : chunk) {
                if (seen.add(d.id()) && !inserted.contains(d.id())) {
                    unique.add(d);
                }
            }
            Rows.query(c, values(unique, " ON CONFLICT (id) DO NOTHING RETURNING id"),
                    rs -> inserted.add(rs.getString(1)));
        }
        List<InsertManyResult.Failure> failures = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        for (int i = 0; i < docs.size(); i++) {
            PreparedDocument d = docs.get(i);
            if (!inserted.contains(d.id()) || !claimed.add(d.id())) {
                failures.add(new InsertManyResult.Failure(positions.get(i), d.id(), "duplicate _id"));
            }
        }
        return failures;
    }

    /** COPY in text format: one row per document, tab-separated, with COPY's escapes. */
    private void copy(Connection c, List<PreparedDocument> docs) throws SQLException {
        Long retentionMillis = table.options().retention() == null ? null : table.options().retention().toMillis();
        String now = null;
        if (retentionMillis != null) {
            now = Rows.queryString(c, Sql.of("SELECT (now() + " + retentionMillis
                    + " * interval '1 millisecond')::text"));
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        String sql = "COPY " + table.qualified() + " (id, data, subject_id, expires_at) FROM STDIN";
        StringBuilder buf = new StringBuilder(1 << 20);
        org.postgresql.copy.CopyIn in = copy.copyIn(sql);
        try {
            for (PreparedDocument d : docs) {
                escape(buf, d.id()).append('\t');
                escape(buf, d.json()).append('\t');
                (d.subject() == null ? buf.append("\\N") : escape(buf, d.subject())).append('\t');
                buf.append(now == null ? "\\N" : now).append('\n');
                if (buf.length() > (1 << 20)) {
                    flush(in, buf);
                }
            }
            flush(in, buf);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void flush(org.postgresql.copy.CopyIn in, StringBuilder buf) throws SQLException {
        byte[] bytes = buf.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        buf.setLength(0);
    }

    private static StringBuilder escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b;
    }
}
