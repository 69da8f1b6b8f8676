package dev.keel.benchmarks.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.UUID;
import org.postgresql.copy.CopyIn;

/**
 * Writes PostgreSQL's binary COPY format into a 64 KiB buffer and hands full buffers to a {@link CopyIn}. This is
 * what a careful hand-written COPY loader does, and so the yardstick the other methods are compared with: no
 * per-value stream calls, no casts on the server (a real is 4 bytes, a bigint 8, jsonb a version byte and text).
 */
public final class BinaryCopyWriter {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final CopyIn copy;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

    public BinaryCopyWriter(CopyIn copy) throws SQLException {
        this.copy = copy;
        buf.put(SIGNATURE).putInt(0).putInt(0);
    }

    /** Starts a row of {@code fields} values; a row must fit in the buffer apart from its text values. */
    public BinaryCopyWriter row(int fields) throws SQLException {
        room(256);
        buf.putShort((short) fields);
        return this;
    }

    public BinaryCopyWriter int4(int v) {
        buf.putInt(4).putInt(v);
        return this;
    }

    public BinaryCopyWriter int8(long v) {
        buf.putInt(8).putLong(v);
        return this;
    }

    public BinaryCopyWriter int8(Long v) {
        return v == null ? nul() : int8(v.longValue());
    }

    public BinaryCopyWriter float4(float v) {
        buf.putInt(4).putFloat(v);
        return this;
    }

    public BinaryCopyWriter float4(Float v) {
        return v == null ? nul() : float4(v.floatValue());
    }

    public BinaryCopyWriter float8(double v) {
        buf.putInt(8).putDouble(v);
        return this;
    }

    public BinaryCopyWriter bool(boolean v) {
        buf.putInt(1).put((byte) (v ? 1 : 0));
        return this;
    }

    public BinaryCopyWriter uuid(UUID v) {
        buf.putInt(16).putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits());
        return this;
    }

    public BinaryCopyWriter text(String v) throws SQLException {
        if (v == null) {
            return nul();
        }
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        room(4);
        buf.putInt(bytes.length);
        return bytes(bytes, 0);
    }

    /** jsonb: the format version (1), then the document as UTF-8 text. */
    public BinaryCopyWriter jsonb(String v) throws SQLException {
        if (v == null) {
            return nul();
        }
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        room(5);
        buf.putInt(bytes.length + 1).put((byte) 1);
        return bytes(bytes, 0);
    }

    public BinaryCopyWriter nul() {
        buf.putInt(-1);
        return this;
    }

    /** Writes the trailer and ends the COPY; returns the rows the server counted. */
    public long finish() throws SQLException {
        room(2);
        buf.putShort((short) -1);
        flush();
        return copy.endCopy();
    }

    private BinaryCopyWriter bytes(byte[] bytes, int from) throws SQLException {
        int off = from;
        while (off < bytes.length) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int n = Math.min(buf.remaining(), bytes.length - off);
            buf.put(bytes, off, n);
            off += n;
        }
        return this;
    }

    private void room(int bytes) throws SQLException {
        if (buf.remaining() < bytes) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (buf.position() > 0) {
            copy.writeToCopy(buf.array(), 0, buf.position());
            buf.clear();
        }
    }
}
