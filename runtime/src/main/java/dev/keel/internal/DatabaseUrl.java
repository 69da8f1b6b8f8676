package dev.keel.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A database URL in either conventional form, {@code postgresql://user:pass@host:port/db?params} (also
 * {@code postgres://}) or {@code jdbc:postgresql://…}, split into a JDBC URL without credentials in user-info,
 * plus the user and password it carried.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public static DatabaseUrl parse(String url, String settingName) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(settingName + " is empty; expected postgresql://user:pass@host:port/db "
                    + "or jdbc:postgresql://host:port/db");
        }
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return withoutPasswordParameter(trimmed, null, null);
        }
        if (!trimmed.startsWith("postgresql://") && !trimmed.startsWith("postgres://")) {
            String scheme = trimmed.contains(":") ? trimmed.substring(0, trimmed.indexOf(':')) : trimmed;
            throw new IllegalArgumentException(settingName + " has unknown scheme '" + redactedScheme(scheme)
                    + "'; expected postgresql://, postgres:// or jdbc:postgresql://");
        }
        try {
            URI uri = new URI(trimmed);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(settingName + " has no host");
            }
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : null;
            }
            StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
            if (uri.getPort() > 0) {
                jdbc.append(':').append(uri.getPort());
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            jdbc.append(path);
            if (uri.getRawQuery() != null) {
                jdbc.append('?').append(uri.getRawQuery());
            }
            return withoutPasswordParameter(jdbc.toString(), user, password);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(settingName + " is not a valid URL at index " + e.getIndex(), e);
        }
    }

    /**
     * Moves a {@code password=} URL parameter out of the JDBC URL: pgjdbc logs the URL it connects with (at FINE), so
     * a password left in it would reach the logs. Keel passes the password as a connection property instead. A
     * password already given another way ({@code userInfoPassword}) wins over the parameter's.
     */
    private static DatabaseUrl withoutPasswordParameter(String jdbcUrl, String user, String userInfoPassword) {
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return new DatabaseUrl(jdbcUrl, user, userInfoPassword);
        }
        String password = null;
        List<String> kept = new ArrayList<>();
        for (String param : jdbcUrl.substring(q + 1).split("&")) {
            if (param.regionMatches(true, 0, "password=", 0, "password=".length())) {
                password = decode(param.substring("password=".length()));
            } else if (!param.isEmpty()) {
                kept.add(param);
            }
        }
        if (password == null) {
            return new DatabaseUrl(jdbcUrl, user, userInfoPassword);
        }
        String url = jdbcUrl.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatabaseUrl(url, user, userInfoPassword != null ? userInfoPassword : password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String redactedScheme(String scheme) {
        return scheme.length() > 20 ? scheme.substring(0, 20) + "…" : scheme;
    }

    /** A URL with any password replaced by {@code ***}, for messages and logs. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(://[^:/@]+:)[^@/]*@", "$1***@");
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + redact(jdbcUrl) + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
