package dev.keel.cli;

import dev.keel.HealthStatus;
import dev.keel.Keel;
import dev.keel.embedded.DatabaseChoice;
import dev.keel.embedded.EmbeddedPostgres;
import dev.keel.embedded.PostgresVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the data lives: {@code --url}, the environment, or the embedded PostgreSQL's data directory. */
final class DatabaseOptions {
    @Option(names = "--url", paramLabel = "JDBC", description = "Database URL (jdbc:postgresql://… or postgresql://…). "
            + "Default: KEEL_JDBC_URL, DATABASE_URL, else the embedded PostgreSQL.")
    String url;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Embedded PostgreSQL data directory (default ~/.keel/data).")
    Path dataDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the database to answer (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--verbose", description = "Show stack traces and server logs.")
    boolean verbose;

    /** An open Keel on the chosen database, without migrating; closing it also stops an embedded server. */
    Session open() {
        return open(false, List.of());
    }

    /**
     * An open Keel on the chosen database. With {@code migrate}, Keel applies its own migrations and then those
     * at {@code locations} while it starts. Closing the session also stops an embedded server.
     */
    Session open(boolean migrate, List<String> locations) {
        if (timeoutSeconds < 1) {
            throw CliException.userError("--timeout must be at least 1 second, was " + timeoutSeconds);
        }
        DatabaseChoice choice = DatabaseChoice.resolve(url, "--url", System.getenv(), false, "KEEL_JDBC_URL", "DATABASE_URL");
        EmbeddedPostgres embedded = null;
        String jdbc;
        String where;
        if (choice.source() == DatabaseChoice.Source.EXPLICIT_URL) {
            jdbc = choice.jdbcUrl();
            where = choice.describe();
        } else {
            PostgresVersion version = PostgresVersion.fromEnvironment(System.getenv());
            // A data directory belongs to one major version; other majors get their own default directory.
            Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".keel",
                    version.major() == PostgresVersion.DEFAULT.major() ? "data" : "data-" + version.major());
            embedded = EmbeddedPostgres.builder().version(version).dataDirectory(dir).durable(true).start();
            jdbc = embedded.jdbcUrl();
            where = "embedded PostgreSQL " + embedded.serverVersion() + ", data in " + dir;
        }
        try {
            Keel keel = Keel.builder().jdbcUrl(jdbc).migrate(migrate).locations(locations.toArray(String[]::new))
                    .maxPoolSize(4).startupTimeout(Duration.ofSeconds(timeoutSeconds))
                    .acquireTimeout(Duration.ofSeconds(timeoutSeconds)).applicationName("keel-cli").build();
            return new Session(keel, embedded, where);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Keel plus the embedded server it runs on, if any. */
    record Session(Keel keel, EmbeddedPostgres embedded, String where) implements AutoCloseable {
        /**
         * Fails with exit 2 when the database does not answer, and with exit 1 when Keel's schema is not there
         * (commands that only read do not install it).
         */
        void requireKeelSchema() {
            HealthStatus health = keel.health();
            if (!health.isHealthy()) {
                throw new CliException(ExitCodes.DATABASE_UNAVAILABLE, "the database on " + where + " is "
                        + health.state() + health.error().map(e -> ": " + e.getMessage()).orElse(""));
            }
            if (health.schemaVersion().isEmpty()) {
                throw CliException.userError("Keel's schema is not installed in " + where
                        + "; run 'keel migrate' (or 'keel graph import', 'keel docs restore') first");
            }
        }

        @Override
        public void close() {
            try {
                keel.close();
            } finally {
                if (embedded != null) {
                    embedded.close();
                }
            }
        }
    }
}
