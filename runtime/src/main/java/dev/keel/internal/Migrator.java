package dev.keel.internal;

import dev.keel.KeelException;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Applies Keel's migrations (schema {@code keel}, history {@code keel.flyway_schema_history}), then the
 * application's own locations as the application's Flyway would: Flyway's defaults plus the application's own
 * settings, the same rules the codegen plugin follows. Flyway validates first and holds a PostgreSQL advisory
 * lock while migrating, so several processes starting at once apply each migration exactly once.
 */
public final class Migrator {
    public static final String KEEL_SCHEMA = "keel";
    public static final String KEEL_LOCATION = "classpath:db/keel";

    private Migrator() {
    }

    /**
     * Applies Keel's migrations, then the user's; returns how many migrations this call applied.
     *
     * @param userSchema the deprecated {@code userSchema} setting, or {@code null}
     * @param flyway the application's Flyway settings, applied in order after Keel's
     */
    public static int migrate(DataSource dataSource, List<String> userLocations, String userSchema,
                              List<Consumer<FluentConfiguration>> flyway) {
        int applied = run(List.of(KEEL_LOCATION), base(dataSource, List.of(KEEL_LOCATION))
                .schemas(KEEL_SCHEMA).createSchemas(true));
        if (!userLocations.isEmpty()) {
            FluentConfiguration user = base(dataSource, userLocations);
            if (userSchema != null) {
                user.schemas(userSchema).createSchemas(true);
            }
            flyway.forEach(f -> f.accept(user));
            applied += run(userLocations, user);
        }
        return applied;
    }

    private static FluentConfiguration base(DataSource dataSource, List<String> locations) {
        return Flyway.configure(Migrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations(locations.toArray(String[]::new))
                .failOnMissingLocations(true);
    }

    private static int run(List<String> locations, FluentConfiguration configuration) {
        try {
            return configuration.load().migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw new KeelException("Migrating " + locations + " failed: "
                    + e.getMessage().strip().lines().findFirst().orElse(""), null, e);
        }
    }
}
