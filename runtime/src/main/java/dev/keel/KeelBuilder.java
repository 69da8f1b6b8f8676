package dev.keel;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.DatabaseUrl;
import dev.keel.internal.KeelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects Keel's settings; {@link #build()} validates and freezes them and starts Keel. Every impossible value
 * fails in {@code build()} with an {@link InvalidInputException} that names the setting and its allowed range.
 * Not thread-safe; use one builder per thread.
 */
public final class KeelBuilder {
    private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    private String url;
    private String urlSetting = "jdbcUrl";
    private String user;
    private String password;
    private int maxPoolSize = 10;
    private int minIdle = 0;
    private Duration acquireTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration maxLifetime = Duration.ofMinutes(30);
    private Duration leakDetectionThreshold = Duration.ZERO;
    private Duration statementTimeout = Duration.ZERO;
    private Duration socketTimeout = Duration.ZERO;
    private Duration startupTimeout = Duration.ofSeconds(30);
    private boolean migrate = true;
    private final List<String> locations = new ArrayList<>();
    private String userSchema;
    private final List<java.util.function.Consumer<org.flywaydb.core.api.configuration.FluentConfiguration>> flyway =
            new ArrayList<>();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private final List<RetryListener> retryListeners = new ArrayList<>();
    private String applicationName = "keel";
    private String poolName = "keel";
    private Object meterRegistry;
    private String name;
    private String owner;
    private final List<String> problems = new ArrayList<>();
    private dev.keel.document.DocumentSettings documents = dev.keel.document.DocumentSettings.defaults();

    KeelBuilder() {
    }

    /** The database: {@code jdbc:postgresql://…}, or {@code postgresql://user:pass@host:port/db}. */
    public KeelBuilder jdbcUrl(String url) {
        this.url = url;
        this.urlSetting = "jdbcUrl";
        return this;
    }

    KeelBuilder url(String url, String settingName) {
        this.url = url;
        this.urlSetting = settingName;
        return this;
    }

    public KeelBuilder username(String user) {
        this.user = user;
        return this;
    }

    /** The password; it never appears in {@code toString()}, logs or exception messages. */
    public KeelBuilder password(String password) {
        this.password = password;
        return this;
    }

    /** Largest number of pooled connections, 1..10000 (default 10). */
    public KeelBuilder maxPoolSize(int size) {
        this.maxPoolSize = size;
        return this;
    }

    /** Idle connections kept ready, 0..maxPoolSize (default 0). */
    public KeelBuilder minIdle(int minIdle) {
        this.minIdle = minIdle;
        return this;
    }

    /** How long a caller waits for a pooled connection before a pool-exhausted error (≥ 250 ms, default 30 s). */
    public KeelBuilder acquireTimeout(Duration timeout) {
        this.acquireTimeout = timeout;
        return this;
    }

    /** Idle connections above minIdle are closed after this (0 = never, else ≥ 10 s; default 10 min). */
    public KeelBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /** Connections are replaced after this age (0 = never, else ≥ 30 s; default 30 min). */
    public KeelBuilder maxLifetime(Duration lifetime) {
        this.maxLifetime = lifetime;
        return this;
    }

    /** Log a warning with a stack trace when a connection is held longer than this (0 = off, else ≥ 2 s). */
    public KeelBuilder leakDetectionThreshold(Duration threshold) {
        this.leakDetectionThreshold = threshold;
        return this;
    }

    /** PostgreSQL's statement_timeout for every connection (0 = none, the default). */
    public KeelBuilder statementTimeout(Duration timeout) {
        this.statementTimeout = timeout;
        return this;
    }

    /**
     * How long a connection waits for the server's answer before it counts as lost (pgjdbc's {@code socketTimeout},
     * in whole seconds; 0 = no limit, the default; else at least 1 s). It is the only thing that ends a statement on a
     * network that stops forwarding without closing anything, because the server's own {@code statement_timeout}
     * answer cannot arrive either: the statement then fails as a {@link dev.keel.error.ConnectionLostException} and
     * the pool drops the connection. Set it above the longest statement you run. A {@code socketTimeout} in the URL
     * takes precedence.
     */
    public KeelBuilder socketTimeout(Duration timeout) {
        this.socketTimeout = timeout;
        return this;
    }

    /** How long {@code build()} waits for a database that is still starting (default 30 s). */
    public KeelBuilder startupTimeout(Duration timeout) {
        this.startupTimeout = timeout;
        return this;
    }

    /** Apply Keel's migrations (and {@link #locations}) on start; default true. */
    public KeelBuilder migrate(boolean migrate) {
        this.migrate = migrate;
        return this;
    }

    /**
     * The application's own Flyway locations, applied after Keel's exactly as the application's Flyway applies
     * them: Flyway's defaults (the history table {@code flyway_schema_history} in the connection's schema), plus
     * whatever {@link #flyway(java.util.function.Consumer)} sets. A migration may create its own schemas.
     */
    public KeelBuilder locations(String... locations) {
        for (String location : locations) {
            this.locations.add(location);
        }
        return this;
    }

    /**
     * The application's own Flyway settings for {@link #locations}, e.g.
     * {@code flyway(c -> c.table("schema_history").placeholders(Map.of("owner", "app")))}, or
     * {@code flyway(c -> c.configuration(props))} with the same flyway.conf properties the codegen plugin's
     * {@code <flyway>} block holds, so the application and its build share one configuration. Called after
     * Keel has set the data source and locations, so it may change anything; several calls apply in order.
     * Keel's own migrations are not affected.
     */
    public KeelBuilder flyway(java.util.function.Consumer<org.flywaydb.core.api.configuration.FluentConfiguration> configure) {
        this.flyway.add(java.util.Objects.requireNonNull(configure, "flyway"));
        return this;
    }

    /**
     * Puts the application's Flyway history in {@code schema} and lets Flyway create that schema first.
     *
     * @deprecated Flyway then creates the schema before the migrations run, so a migration that creates it
     *     fails. Use {@code flyway(c -> c.defaultSchema(schema))}, or {@code flyway(c -> c.schemas(schema))} to
     *     keep this behaviour.
     */
    @Deprecated
    public KeelBuilder userSchema(String schema) {
        this.userSchema = schema;
        return this;
    }

    public KeelBuilder retryPolicy(RetryPolicy policy) {
        this.retryPolicy = policy;
        return this;
    }

    public KeelBuilder retryListener(RetryListener listener) {
        this.retryListeners.add(Objects.requireNonNull(listener, "retryListener"));
        return this;
    }

    /** Shown in pg_stat_activity (default {@code keel}). */
    public KeelBuilder applicationName(String name) {
        this.applicationName = name;
        return this;
    }

    /**
     * The connection pool's name (default {@code keel}): it appears in the pool's log lines and as the {@code pool}
     * tag of the meters {@link #meterRegistry(Object)} registers. Keel instances that share a registry need
     * different names. Letters, digits, {@code . _ -}, at most 64 characters.
     */
    public KeelBuilder poolName(String name) {
        this.poolName = name;
        return this;
    }

    /**
     * Publishes metrics to a Micrometer {@code io.micrometer.core.instrument.MeterRegistry}:
     * <ul>
     *   <li>HikariCP's own Micrometer tracker ({@code hikaricp.connections*}: active, idle, pending, acquire, usage
     *       and creation times, timeouts), installed on the pool's configuration before the pool starts, so it sees
     *       every connection from the first one. Hikari accepts a tracker only before its pool starts (and
     *       afterwards once at most), which is why this is a build-time setting rather than something to attach
     *       to a running Keel;</li>
     *   <li>Keel's own meters ({@code keel.*}), as registered by {@code dev.keel.metrics.KeelMeterBinder}.</li>
     * </ul>
     * Both sets carry the tag {@code pool} = {@link #poolName(String)} and are removed from the registry when
     * Keel is closed.
     *
     * <p>The parameter is typed {@code Object} so that Keel runs without Micrometer on the classpath: Micrometer
     * classes are loaded only when a registry is given. Anything but a {@code MeterRegistry} fails in
     * {@link #build()}. For a Keel built without a registry, bind {@code new KeelMeterBinder(keel)} yourself
     * (Keel's meters only).
     *
     * @param registry a {@code MeterRegistry}, or {@code null} for none (the default)
     */
    public KeelBuilder meterRegistry(Object registry) {
        this.meterRegistry = registry;
        return this;
    }

    /**
     * This Keel's name in {@link Keel#registry()}: unique among the open Keels of the JVM, 1 to 64 letters, digits,
     * {@code . _ - #}. Default: the pool name and a number, e.g. {@code keel#3}.
     */
    public KeelBuilder name(String name) {
        this.name = name;
        return this;
    }

    /** Who opened this Keel, as {@link Keel#registry()} shows it, e.g. {@code "billing-module"}. Default: the class that calls {@code build()}. */
    public KeelBuilder owner(String owner) {
        this.owner = owner;
        return this;
    }

    /**
     * How {@link Keel#documents()} runs: a periodic purge of expired documents (started by {@code build()}),
     * pseudonyms for audit documents on erasure, and what the access log records. Default
     * {@link dev.keel.document.DocumentSettings#defaults()}.
     */
    public KeelBuilder documents(dev.keel.document.DocumentSettings settings) {
        this.documents = settings;
        return this;
    }

    /** Records a problem found while reading the environment; reported by {@link #build()}. */
    KeelBuilder problem(String problem) {
        problems.add(problem);
        return this;
    }

    /** Validates, freezes the configuration, connects (waiting for a starting database), migrates and returns Keel. */
    public Keel build() {
        KeelConfig config = config();
        dev.keel.internal.Registry.Entry entry = dev.keel.internal.Registry.reserve(config);
        try {
            return new Keel(config, entry);
        } catch (RuntimeException | Error e) {
            entry.remove();
            throw e;
        }
    }

    KeelConfig config() {
        List<String> errors = new ArrayList<>(problems);
        DatabaseUrl parsed = null;
        try {
            parsed = DatabaseUrl.parse(url, urlSetting);
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        range(errors, "maxPoolSize", maxPoolSize, 1, 10_000);
        range(errors, "minIdle", minIdle, 0, Math.max(0, maxPoolSize));
        if (minIdle > maxPoolSize && maxPoolSize >= 1) {
            errors.add("minIdle (" + minIdle + ") must not exceed maxPoolSize (" + maxPoolSize + ")");
        }
        duration(errors, "acquireTimeout", acquireTimeout, Duration.ofMillis(250), false);
        duration(errors, "idleTimeout", idleTimeout, Duration.ofSeconds(10), true);
        duration(errors, "maxLifetime", maxLifetime, Duration.ofSeconds(30), true);
        duration(errors, "leakDetectionThreshold", leakDetectionThreshold, Duration.ofSeconds(2), true);
        duration(errors, "socketTimeout", socketTimeout, Duration.ofSeconds(1), true);
        duration(errors, "statementTimeout", statementTimeout, Duration.ofMillis(1), true);
        duration(errors, "startupTimeout", startupTimeout, Duration.ZERO, true);
        for (String location : locations) {
            if (location == null || !(location.startsWith("classpath:") || location.startsWith("filesystem:"))) {
                errors.add("locations: '" + location + "' must start with classpath: or filesystem:");
            }
        }
        if (userSchema != null && !userSchema.matches("[A-Za-z_][A-Za-z0-9_$]{0,62}")) {
            errors.add("userSchema: '" + userSchema + "' is not a plain PostgreSQL identifier");
        }
        if (retryPolicy == null) {
            errors.add("retryPolicy must not be null (use RetryPolicy.none())");
        }
        if (poolName == null || !poolName.matches("[A-Za-z0-9_.-]{1,64}")) {
            errors.add("poolName: '" + poolName + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (name != null && !name.matches("[A-Za-z0-9_.#-]{1,64}")) {
            errors.add("name: '" + name + "' must be 1 to 64 letters, digits, '.', '_', '#' or '-'");
        }
        if (owner != null && owner.isBlank()) {
            errors.add("owner must not be blank");
        }
        if (meterRegistry != null && !isMeterRegistry(meterRegistry.getClass())) {
            errors.add("meterRegistry must be an " + METER_REGISTRY + ", was " + meterRegistry.getClass().getName());
        }
        if (documents == null) {
            errors.add("documents must not be null (use DocumentSettings.defaults())");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("Invalid Keel configuration: " + String.join("; ", errors), "configuration");
        }
        return new KeelConfig(parsed.jdbcUrl(), user != null ? user : parsed.user(),
                password != null ? password : parsed.password(), maxPoolSize, minIdle, acquireTimeout, idleTimeout,
                maxLifetime, leakDetectionThreshold, statementTimeout, startupTimeout, migrate, List.copyOf(locations),
                userSchema, List.copyOf(flyway), retryPolicy, List.copyOf(retryListeners), applicationName, poolName, meterRegistry,
                name != null ? name : dev.keel.internal.Registry.defaultName(poolName),
                owner != null ? owner : dev.keel.internal.Registry.caller(), documents, socketTimeout);
    }

    /** By class name, so that checking does not load Micrometer (MeterRegistry is an abstract class). */
    private static boolean isMeterRegistry(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(METER_REGISTRY)) {
                return true;
            }
        }
        return false;
    }

    private static void range(List<String> errors, String name, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    private static void duration(List<String> errors, String name, Duration value, Duration min, boolean zeroAllowed) {
        if (value == null) {
            errors.add(name + " must not be null");
        } else if (value.isNegative()) {
            errors.add(name + " must not be negative, was " + value);
        } else if (!(zeroAllowed && value.isZero()) && value.compareTo(min) < 0) {
            errors.add(name + " must be " + (zeroAllowed ? "0 or " : "") + "at least " + min + ", was " + value);
        }
    }

    @Override
    public String toString() {
        return "KeelBuilder[url=" + DatabaseUrl.redact(url) + ", user=" + user + ", password="
                + (password == null ? "none" : "***") + "]";
    }
}
