package dev.keel.internal;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Reads Keel's settings from conventional environment variable names. A second door to the same builder: it
 * only calls builder methods, and reports unparsable values by variable name for {@code build()} to throw.
 */
public final class EnvironmentConfig {
    public static final String DATABASE_URL = "DATABASE_URL";
    public static final String KEEL_JDBC_URL = "KEEL_JDBC_URL";
    public static final String MAX_CONNECTIONS = "KEEL_DB_MAX_CONNECTIONS";
    public static final String MIN_CONNECTIONS = "KEEL_DB_MIN_CONNECTIONS";
    public static final String CONNECTION_TIMEOUT_SECONDS = "KEEL_DB_CONNECTION_TIMEOUT_SECONDS";
    public static final String IDLE_TIMEOUT_SECONDS = "KEEL_DB_IDLE_TIMEOUT_SECONDS";
    public static final String MIGRATE = "KEEL_MIGRATE";

    /** What the environment asks the builder to do. */
    public interface Target {
        void url(String url, String variable);

        void maxPoolSize(int n);

        void minIdle(int n);

        void acquireTimeout(Duration d);

        void idleTimeout(Duration d);

        void migrate(boolean migrate);

        void problem(String problem);
    }

    private EnvironmentConfig() {
    }

    public static void apply(Map<String, String> env, Target target) {
        String keelUrl = env.get(KEEL_JDBC_URL);
        if (keelUrl != null && !keelUrl.isBlank()) {
            target.url(keelUrl, KEEL_JDBC_URL);
        } else {
            target.url(env.get(DATABASE_URL), DATABASE_URL);
        }
        integer(env, MAX_CONNECTIONS, target, target::maxPoolSize);
        integer(env, MIN_CONNECTIONS, target, target::minIdle);
        integer(env, CONNECTION_TIMEOUT_SECONDS, target, s -> target.acquireTimeout(Duration.ofSeconds(s)));
        integer(env, IDLE_TIMEOUT_SECONDS, target, s -> target.idleTimeout(Duration.ofSeconds(s)));
        String migrate = env.get(MIGRATE);
        if (migrate != null && !migrate.isBlank()) {
            switch (migrate.trim().toLowerCase()) {
                case "true", "1", "yes", "on" -> target.migrate(true);
                case "false", "0", "no", "off" -> target.migrate(false);
                default -> target.problem(MIGRATE + " must be true or false, was '" + migrate + "'");
            }
        }
    }

    private static void integer(Map<String, String> env, String name, Target target, IntConsumer setter) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            setter.accept(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            target.problem(name + " must be a whole number, was '" + value + "'");
        }
    }

}
