package dev.keel.embedded;

import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule for choosing a database, used by the codegen plugin, the test kit and the CLI alike: an explicit
 * JDBC URL wins (a command-line flag or plugin parameter first, then the named environment variables in order);
 * otherwise Testcontainers when the caller asked for it; otherwise the embedded PostgreSQL.
 *
 * @param source where the choice came from
 * @param jdbcUrl the URL when {@code source} is {@link Source#EXPLICIT_URL}, else {@code null}
 * @param origin what supplied the URL (e.g. {@code DATABASE_URL}), for the log line
 */
public record DatabaseChoice(Source source, String jdbcUrl, String origin) {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseChoice.class);

    public enum Source { EXPLICIT_URL, TESTCONTAINERS, EMBEDDED }

    /**
     * Applies the rule and logs the choice in one line.
     *
     * @param explicitUrl a URL given directly (flag or parameter), may be null or blank
     * @param explicitOrigin how to name that URL's origin in the log, e.g. {@code --url}
     * @param env the environment to read
     * @param testcontainersRequested whether the caller asked for Testcontainers
     * @param envNames environment variables that may hold a URL, in order of precedence
     */
    public static DatabaseChoice resolve(String explicitUrl, String explicitOrigin, Map<String, String> env,
                                         boolean testcontainersRequested, String... envNames) {
        Objects.requireNonNull(env, "env");
        DatabaseChoice choice;
        if (explicitUrl != null && !explicitUrl.isBlank()) {
            choice = new DatabaseChoice(Source.EXPLICIT_URL, explicitUrl.trim(), explicitOrigin);
        } else {
            choice = null;
            for (String name : envNames) {
                String value = env.get(name);
                if (value != null && !value.isBlank()) {
                    choice = new DatabaseChoice(Source.EXPLICIT_URL, value.trim(), name);
                    break;
                }
            }
            if (choice == null) {
                choice = testcontainersRequested
                        ? new DatabaseChoice(Source.TESTCONTAINERS, null, "Testcontainers")
                        : new DatabaseChoice(Source.EMBEDDED, null, "embedded PostgreSQL");
            }
        }
        LOG.info("Database: {}", choice.describe());
        return choice;
    }

    /** One line for logs; never shows a password. */
    public String describe() {
        return switch (source) {
            case EXPLICIT_URL -> redact(jdbcUrl) + " (from " + origin + ")";
            case TESTCONTAINERS -> "Testcontainers PostgreSQL";
            case EMBEDDED -> "embedded PostgreSQL";
        };
    }

    /** The URL with any password (in user-info or a {@code password=} parameter) replaced by {@code ***}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
                .replaceAll("(://[^:/@]+:)[^@/]*@", "$1***@");
    }

    @Override
    public String toString() {
        return "DatabaseChoice[" + describe() + "]";
    }
}
