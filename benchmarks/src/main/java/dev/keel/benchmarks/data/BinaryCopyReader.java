package dev.keel.benchmarks.data;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.UUID;
import org.postgresql.copy.CopyOut;

/**
 * Parses PostgreSQL's binary COPY format as it streams from a {@link CopyOut}, one CopyData message at a time,
 * so a read of any size holds one message (about one row) in memory. Values are decoded to the Java types a
 * JDBC {@code ResultSet} would give, so the comparison with SELECT is fair.
 */
public final class BinaryCopyReader {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final CopyOut copy;
    private byte[] data = new byte[0];
    private int pos;
    private boolean ended;

    public BinaryCopyReader(CopyOut copy) throws SQLException {
        this.copy = copy;
        require(19);
        for (int k = 0; k < SIGNATURE.length; k++) {
            if (data[pos++] != SIGNATURE[k]) {
                throw new SQLException("not PostgreSQL binary COPY data: the signature differs at byte " + k);
            }
        }
        pos += 4; // flags
        int extension = readInt();
        require(extension);
        pos += extension;
    }

    /**
     * Starts the next row; returns its number of fields, or -1 after the last row (the trailer, or the end of
     * the data).
     */
    public int nextRow() throws SQLException {
        if (ended || !fill(2)) {
            ended = true;
            return -1;
        }
        int fields = readShort();
        if (fields < 0) {
            ended = true;
            while (copy.readFromCopy() != null) {
                // drain to the end of the COPY so the connection is usable again
            }
        }
        return fields;
    }

    /** The next field's length, -1 for NULL. */
    private int field() throws SQLException {
        require(4);
        int len = readInt();
        if (len > 0) {
            require(len);
        }
        return len;
    }

    public int int4() throws SQLException {
        field();
        return readInt();
    }

    public long int8() throws SQLException {
        field();
        return readLong();
    }

    public Long int8OrNull() throws SQLException {
        return field() < 0 ? null : readLong();
    }

    public float float4() throws SQLException {
        field();
        return Float.intBitsToFloat(readInt());
    }

    public Float float4OrNull() throws SQLException {
        return field() < 0 ? null : Float.intBitsToFloat(readInt());
    }

    public double float8() throws SQLException {
        field();
        return Double.longBitsToDouble(readLong());
    }

    public boolean bool() throws SQLException {
        field();
        return data[pos++] != 0;
    }

    public UUID uuid() throws SQLException {
        field();
        return new UUID(readLong(), readLong());
    }

    public String text() throws SQLException {
        int len = field();
        if (len < 0) {
            return null;
        }
        String s = new String(data, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** jsonb: skips the version byte. */
    public String jsonb() throws SQLException {
        int len = field();
        if (len < 0) {
            return null;
        }
        String s = new String(data, pos + 1, len - 1, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private void require(int n) throws SQLException {
        if (!fill(n)) {
            throw new SQLException("binary COPY data ended in the middle of a row");
        }
    }

    /** Makes {@code n} bytes available at {@code pos}, joining messages when a value spans two. */
    private boolean fill(int n) throws SQLException {
        while (data.length - pos < n) {
            byte[] next = copy.readFromCopy();
            if (next == null) {
                return false;
            }
            int left = data.length - pos;
            if (left == 0) {
                data = next;
            } else {
                byte[] joined = new byte[left + next.length];
                System.arraycopy(data, pos, joined, 0, left);
                System.arraycopy(next, 0, joined, left, next.length);
                data = joined;
            }
            pos = 0;
        }
        return true;
    }

    private int readShort() {
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return (short) v;
    }

    private int readInt() {
        int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8)
                | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long readLong() {
        long hi = readInt() & 0xffffffffL;
        long lo = readInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }
}
