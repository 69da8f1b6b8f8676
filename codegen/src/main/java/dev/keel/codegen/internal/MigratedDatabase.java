package dev.keel.codegen.internal;

import dev.keel.embedded.DatabaseChoice;
import dev.keel.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A PostgreSQL with the migrations applied: the embedded server (started here, stopped on close) unless a JDBC
 * URL is given, in which case that database is migrated and left running.
 */
public final class MigratedDatabase implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final long startMillis;
    private final long migrateMillis;
    private final int migrationsApplied;

    private MigratedDatabase(EmbeddedPostgres embedded, String jdbcUrl, long startMillis, long migrateMillis,
                             int migrationsApplied) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.startMillis = startMillis;
        this.migrateMillis = migrateMillis;
        this.migrationsApplied = migrationsApplied;
    }

    /**
     * Starts (or connects to) the database and migrates it.
     *
     * @throws MigrationFailure when a migration fails; the database is stopped first
     */
    public static MigratedDatabase start(String explicitUrl, List<String> locations, List<String> schemas,
                                         ClassLoader classLoader) {
        long t0 = System.nanoTime();
        DatabaseChoice choice = DatabaseChoice.resolve(explicitUrl, "jdbcUrl", Map.of(), false);
        EmbeddedPostgres embedded = null;
        String url;
        if (choice.source() == DatabaseChoice.Source.EXPLICIT_URL) {
            url = choice.jdbcUrl();
        } else {
            embedded = EmbeddedPostgres.ephemeral();
            url = embedded.jdbcUrl();
        }
        long t1 = System.nanoTime();
        try (ClosingDataSource dataSource = new ClosingDataSource(url)) {
            Flyway flyway = Flyway.configure(classLoader)
                    .dataSource(dataSource)
                    .locations(locations.toArray(String[]::new))
                    .schemas(schemas.toArray(String[]::new))
                    .createSchemas(true)
                    .failOnMissingLocations(true)
                    .cleanDisabled(true)
                    .load();
            int applied = flyway.migrate().migrationsExecuted;
            long t2 = System.nanoTime();
            return new MigratedDatabase(embedded, url, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, applied);
        } catch (FlywayException e) {
            closeQuietly(embedded, e);
            throw MigrationFailure.from(e);
        } catch (RuntimeException | Error e) {
            closeQuietly(embedded, e);
            throw e;
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public long startMillis() {
        return startMillis;
    }

    public long migrateMillis() {
        return migrateMillis;
    }

    public int migrationsApplied() {
        return migrationsApplied;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    private static void closeQuietly(EmbeddedPostgres embedded, Throwable primary) {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (RuntimeException suppressed) {
                primary.addSuppressed(suppressed);
            }
        }
    }
}
