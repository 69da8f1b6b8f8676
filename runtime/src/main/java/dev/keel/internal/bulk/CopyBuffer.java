package dev.keel.internal.bulk;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that writes PostgreSQL's binary COPY format: big-endian integers, length-prefixed
 * fields. One per load; not thread-safe.
 */
public final class CopyBuffer {
    /** Signature, flags and header-extension length that open every binary COPY stream. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};

    private byte[] bytes;
    private int size;

    public CopyBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    public int size() {
        return size;
    }

    public byte[] array() {
        return bytes;
    }

    public void clear() {
        size = 0;
    }

    /** Forgets everything written after {@code mark}, e.g. a row that failed validation half-way. */
    public void truncate(int mark) {
        size = mark;
    }

    public void header() {
        put(HEADER, 0, HEADER.length);
    }

    /** The end-of-data marker: a field count of -1. */
    public void trailer() {
        int16(-1);
    }

    public void int16(int v) {
        ensure(2);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
    }

    public void int32(int v) {
        ensure(4);
        bytes[size++] = (byte) (v >>> 24);
        bytes[size++] = (byte) (v >>> 16);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
    }

    public void int64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (v >>> shift);
        }
    }

    public void int8(int v) {
        ensure(1);
        bytes[size++] = (byte) v;
    }

    public void put(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    /** A NULL field. */
    public void nullField() {
        int32(-1);
    }

    /** Reserves a field's length word; {@link #endField} fills it in. */
    public int beginField() {
        int at = size;
        int32(0);
        return at;
    }

    public void endField(int at) {
        int len = size - at - 4;
        bytes[at] = (byte) (len >>> 24);
        bytes[at + 1] = (byte) (len >>> 16);
        bytes[at + 2] = (byte) (len >>> 8);
        bytes[at + 3] = (byte) len;
    }

    /** Writes {@code s} as UTF-8, without a length word. */
    public void utf8(String s) {
        // The JDK's encoder copies an ASCII string's bytes in one go: several times faster than a loop over chars.
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        put(b, 0, b.length);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
