package dev.keel.testkit.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rewrites the database part of a {@code jdbc:postgresql://host[:port][,…]/database?params} URL. */
public final class JdbcUrls {
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?");

    private JdbcUrls() {
    }

    public static String withDatabase(String url, String database) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a jdbc:postgresql:// URL: " + url.replaceAll("password=[^&]*", "password=***"));
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }
}
