package dev.keel.codegen.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * How the migrations are applied: the locations, and the application's own Flyway settings as flyway.conf
 * properties ({@code flyway.table}, {@code flyway.defaultSchema}, {@code flyway.placeholders.owner}, …), handed
 * to {@link FluentConfiguration#configuration(Map)} as they are. Nothing else is set, so the migrations run as
 * the application's Flyway runs them: with Flyway's defaults unless a property says otherwise.
 *
 * @param locations Flyway locations, {@code filesystem:} (absolute) or {@code classpath:}
 * @param properties the application's Flyway properties, sorted by name
 * @param migrationTimeout how long the migrations may take before they are ended and the one running is named
 */
public record FlywaySettings(List<String> locations, Map<String, String> properties, Duration migrationTimeout) {
    /** Properties that name the database: the plugin chooses it (embedded PostgreSQL or {@code jdbcUrl}). */
    private static final List<String> DATABASE_PROPERTIES = List.of(
            "flyway.url", "flyway.user", "flyway.password", "flyway.driver");

    public FlywaySettings {
        locations = List.copyOf(Objects.requireNonNull(locations, "migrations"));
        properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties == null ? Map.of() : properties));
        Objects.requireNonNull(migrationTimeout, "migrationTimeout");
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("migrations: at least one Flyway location is required, "
                    + "e.g. filesystem:src/main/resources/db/migration");
        }
        for (String location : locations) {
            if (!location.startsWith("filesystem:") && !location.startsWith("classpath:")) {
                throw new IllegalArgumentException("migrations: location '" + location
                        + "' must start with filesystem: or classpath:");
            }
        }
        List<String> problems = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (!key.startsWith("flyway.")) {
                problems.add("'" + key + "' is not a Flyway property (they start with flyway.)");
            } else if (DATABASE_PROPERTIES.contains(key)) {
                problems.add("'" + key + "' is not used: the plugin migrates the embedded PostgreSQL, or the "
                        + "database named by jdbcUrl");
            } else if (key.equals("flyway.locations")) {
                problems.add("'flyway.locations' is given by <migrations>");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("flyway: " + String.join("; ", problems));
        }
        if (migrationTimeout.isNegative() || migrationTimeout.isZero()) {
            throw new IllegalArgumentException("migrationTimeout must be positive, was " + migrationTimeout);
        }
    }

    public static FlywaySettings of(List<String> locations) {
        return new FlywaySettings(locations, Map.of(), Duration.ofMinutes(10));
    }

    public FlywaySettings withProperties(Map<String, String> props) {
        return new FlywaySettings(locations, props, migrationTimeout);
    }

    public FlywaySettings withTimeout(Duration timeout) {
        return new FlywaySettings(locations, properties, timeout);
    }

    /** Flyway configured from the properties, then given the locations and the data source. */
    FluentConfiguration configure(ClassLoader classLoader, DataSource dataSource) {
        FluentConfiguration c = Flyway.configure(classLoader).configuration(properties)
                .dataSource(dataSource)
                .locations(locations.toArray(String[]::new))
                .loggers("maven");
        if (!properties.containsKey("flyway.failOnMissingLocations")) {
            c.failOnMissingLocations(true);
        }
        return c;
    }

    String fingerprintText() {
        return "locations=" + locations + "\nflyway=" + properties + "\n";
    }
}
