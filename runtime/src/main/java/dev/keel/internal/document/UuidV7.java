package dev.keel.internal.document;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then a counter that keeps ids made in
 * the same millisecond by this JVM increasing, then random bits. Thread-safe.
 */
final class UuidV7 {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long sequence;

    private UuidV7() {
    }

    static synchronized UUID next() {
        long now = System.currentTimeMillis();
        if (now <= lastMillis) {
            sequence++;
            if (sequence > 0xFFF) { // 4096 in one millisecond: borrow the next one
                lastMillis++;
                sequence = 0;
            }
            now = lastMillis;
        } else {
            lastMillis = now;
            sequence = 0;
        }
        long msb = (now << 16) | 0x7000L | sequence;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /**
     * The Unix milliseconds in {@code id} when it is a UUIDv7 in the canonical lower-case form (as {@link #next}
     * makes them), or -1 when it is not one.
     */
    static long millis(String id) {
        if (id.length() != 36) {
            return -1;
        }
        UUID u;
        try {
            u = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (u.version() != 7 || u.variant() != 2 || !u.toString().equals(id)) {
            return -1;
        }
        return u.getMostSignificantBits() >>> 16;
    }
}
