package dev.keel.internal.document;

import dev.keel.document.InsertManyResult;
import java.nio.charset.StandardCharsets;
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

    /**
     * A multi-row INSERT. In a collection partitioned by month, {@code created_at} and {@code expires_at} follow
     * from each document's id; elsewhere they are the statement's {@code now()} (and the retention after it).
     */
    private Sql values(List<PreparedDocument> docs, String suffix) {
        Sql sql = new Sql("INSERT INTO " + table.qualified() + " " + table.insertColumns() + " VALUES ");
        for (int i = 0; i < docs.size(); i++) {
            PreparedDocument d = docs.get(i);
            sql.add(i == 0 ? "(" : ", (").bind(d.id()).add(", ").json(d.json()).add(", ").bind(d.subject())
                    .add(", ").add(table.insertedTimes(d.id(), expires)).add(")");
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
            Rows.query(c, values(unique, " ON CONFLICT " + table.uniqueKey() + " DO NOTHING RETURNING id"),
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

    /**
     * Binary COPY: per row the field count, then each field as its length and bytes (text as UTF-8, jsonb as the
     * format version 1 and UTF-8, timestamptz as microseconds since 2000-01-01), NULL as length -1. Sent in
     * chunks of about 1 MiB.
     */
    private void copy(Connection c, List<PreparedDocument> docs) throws SQLException {
        boolean monthly = table.monthly();
        Long expires = null;
        if (table.options().retention() != null && !monthly) {
            expires = Rows.queryLong(c, Sql.of("SELECT ((extract(epoch FROM now() + "
                    + table.options().retention().toMillis() + " * interval '1 millisecond') - 946684800) "
                    + "* 1000000)::bigint"));
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        org.postgresql.copy.CopyIn in = copy.copyIn("COPY " + table.qualified() + " " + table.insertColumns()
                + " FROM STDIN (FORMAT binary)");
        try {
            Chunk out = new Chunk();
            out.write(SIGNATURE);
            out.writeInt(0);
            out.writeInt(0);
            for (PreparedDocument d : docs) {
                out.writeShort(monthly ? 5 : 4);
                out.text(d.id());
                byte[] json = d.json().getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length + 1);
                out.write(1);
                out.write(json);
                out.text(d.subject());
                out.timestamp(monthly ? table.expiresMicros(d.id()) : expires);
                if (monthly) {
                    out.timestamp(CollectionTable.createdMicros(d.id()));
                }
                if (out.size() > (1 << 20)) {
                    out.sendTo(in);
                }
            }
            out.writeShort(-1);
            out.sendTo(in);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    /** A growing buffer of COPY data in network byte order. Not thread-safe. */
    private static final class Chunk {
        private byte[] buf = new byte[1 << 21];
        private int size;

        private void room(int n) {
            if (size + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void write(int b) {
            room(1);
            buf[size++] = (byte) b;
        }

        void write(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void writeShort(int v) {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void writeInt(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void writeLong(long v) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        /** A timestamptz as microseconds since 2000-01-01 UTC, or NULL. */
        void timestamp(Long micros) {
            if (micros == null) {
                writeInt(-1);
            } else {
                writeInt(8);
                writeLong(micros);
            }
        }

        void text(String s) {
            if (s == null) {
                writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeInt(b.length);
            write(b);
        }

        int size() {
            return size;
        }

        void sendTo(org.postgresql.copy.CopyIn in) throws SQLException {
            in.writeToCopy(buf, 0, size);
            size = 0;
        }
    }
}
