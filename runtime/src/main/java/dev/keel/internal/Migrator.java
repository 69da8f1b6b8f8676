package dev.keel.internal;

import dev.keel.KeelException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Applies Keel's migrations (schema {@code keel}, history {@code keel.flyway_schema_history}), then the
 * application's own locations with their own history table. Flyway validates first and holds a PostgreSQL
 * advisory lock while migrating, so several processes starting at once apply each migration exactly once.
 */
public final class Migrator {
    public static final String KEEL_SCHEMA = "keel";
    public static final String KEEL_LOCATION = "classpath:db/keel";

    private Migrator() {
    }

    /** Applies Keel's migrations, then the user's; returns how many migrations this call applied. */
    public static int migrate(DataSource dataSource, List<String> userLocations, String userSchema) {
        int applied = run(dataSource, List.of(KEEL_LOCATION), KEEL_SCHEMA);
        if (!userLocations.isEmpty()) {
            applied += run(dataSource, userLocations, userSchema);
        }
        return applied;
    }

    private static int run(DataSource dataSource, List<String> locations, String schema) {
        try {
            return Flyway.configure(Migrator.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(locations.toArray(String[]::new))
                    .schemas(schema)
                    .createSchemas(true)
                    .validateOnMigrate(true)
                    .failOnMissingLocations(true)
                    .cleanDisabled(true)
                    .load()
                    .migrate()
                    .migrationsExecuted;
        } catch (FlywayException e) {
            throw new KeelException("Migrating " + locations + " failed: " + e.getMessage().strip().lines().findFirst().orElse(""),
                    null, e);
        }
    }
}
