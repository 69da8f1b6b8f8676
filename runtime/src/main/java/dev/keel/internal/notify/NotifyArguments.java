package dev.keel.internal.notify;

import dev.keel.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Checks channel names and payloads before any SQL runs, so PostgreSQL's limits fail early and by name. */
public final class NotifyArguments {
    /** PostgreSQL refuses a payload of 8000 bytes or more (its default block size); it counts UTF-8 bytes. */
    public static final int MAX_PAYLOAD_BYTES = 7999;
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern FEED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,49}");

    private NotifyArguments() {
    }

    /** Letters, digits and underscores, not starting with a digit, at most 63 characters; case matters. */
    public static String channel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new InvalidInputException("'" + shorten(channel) + "' must match " + CHANNEL.pattern()
                    + " (letters, digits and '_', at most 63 characters)", "channel");
        }
        return channel;
    }

    /** A change feed's name: as a channel, at most 50 characters (its NOTIFY channel carries a prefix). */
    public static String feed(String channel) {
        if (channel == null || !FEED.matcher(channel).matches()) {
            throw new InvalidInputException("'" + shorten(channel) + "' must match " + FEED.pattern()
                    + " (letters, digits and '_', at most 50 characters)", "channel");
        }
        return channel;
    }

    /** {@code null} means no payload and becomes the empty string, as PostgreSQL treats it. */
    public static String payload(String payload) {
        if (payload == null) {
            return "";
        }
        if (payload.indexOf('\0') >= 0) {
            throw new InvalidInputException("must not contain the NUL character", "payload");
        }
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new InvalidInputException("is " + bytes + " bytes in UTF-8; PostgreSQL allows at most "
                    + MAX_PAYLOAD_BYTES + " (use the durable change feed for larger events)", "payload");
        }
        return payload;
    }

    /** The channel as a quoted identifier for LISTEN/UNLISTEN, matching pg_notify's exact, case-sensitive name. */
    static String quoted(String channel) {
        return '"' + channel.replace("\"", "\"\"") + '"';
    }

    private static String shorten(String s) {
        return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
