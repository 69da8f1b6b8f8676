package dev.keel.internal.graph;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.postgresql.copy.CopyOut;

/**
 * Reads PostgreSQL's binary COPY format from a {@link CopyOut}, one row at a time, holding at most a couple of
 * the driver's messages. Not thread-safe.
 */
final class CopyReader {
    private static final int HEADER_SIGNATURE = 11;

    private final CopyOut out;
    private byte[] buf = new byte[0];
    private int pos;
    private int limit;

    CopyReader(CopyOut out) throws SQLException {
        this.out = out;
        ensure(HEADER_SIGNATURE + 8);
        if (buf[pos] != 'P' || buf[pos + 1] != 'G' || buf[pos + 2] != 'C') {
            throw new SQLException("not a binary COPY stream");
        }
        pos += HEADER_SIGNATURE + 4; // signature, flags
        int extension = int32();
        ensure(extension);
        pos += extension;
    }

    /** Starts the next row and returns its field count, or -1 at the end of the data. */
    int nextRow() throws SQLException {
        ensure(2);
        short fields = (short) (((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF));
        pos += 2;
        if (fields == -1) {
            while (out.readFromCopy() != null) {
                // drain to the end of the COPY so the connection is ready for the next statement
            }
        }
        return fields;
    }

    /** A field's length word: -1 for NULL. */
    int length() throws SQLException {
        return int32();
    }

    long int64Field() throws SQLException {
        expectLength(8);
        ensure(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    float float4Field() throws SQLException {
        expectLength(4);
        return Float.intBitsToFloat(int32());
    }

    double float8Field() throws SQLException {
        expectLength(8);
        ensure(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return Double.longBitsToDouble(v);
    }

    boolean boolField() throws SQLException {
        expectLength(1);
        ensure(1);
        return buf[pos++] != 0;
    }

    /** A nullable float4 field. */
    Float float4OrNull() throws SQLException {
        int len = int32();
        if (len == -1) {
            return null;
        }
        ensure(4);
        return Float.intBitsToFloat(int32());
    }

    /** A nullable int8 field. */
    Long int64OrNull() throws SQLException {
        int len = int32();
        if (len == -1) {
            return null;
        }
        ensure(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    /** A nullable text field. */
    String textOrNull() throws SQLException {
        int len = int32();
        if (len == -1) {
            return null;
        }
        ensure(len);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** A jsonb field's text (after its version byte). */
    String jsonbField() throws SQLException {
        int len = int32();
        ensure(len);
        if (len < 1 || buf[pos] != 1) {
            throw new SQLException("unexpected jsonb binary format");
        }
        String s = new String(buf, pos + 1, len - 1, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private void expectLength(int expected) throws SQLException {
        int len = int32();
        if (len != expected) {
            throw new SQLException("unexpected field length " + len + ", expected " + expected);
        }
    }

    private int int32() throws SQLException {
        ensure(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    private void ensure(int n) throws SQLException {
        while (limit - pos < n) {
            byte[] next = out.readFromCopy();
            if (next == null) {
                throw new SQLException("COPY data ended in the middle of a row");
            }
            if (pos == limit) {
                buf = next;
                pos = 0;
                limit = next.length;
            } else {
                byte[] joined = new byte[limit - pos + next.length];
                System.arraycopy(buf, pos, joined, 0, limit - pos);
                System.arraycopy(next, 0, joined, limit - pos, next.length);
                buf = joined;
                pos = 0;
                limit = joined.length;
            }
        }
    }
}
