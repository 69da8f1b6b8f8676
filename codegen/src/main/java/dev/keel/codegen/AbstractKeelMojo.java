package dev.keel.codegen;

import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.DatabaseTarget;
import dev.keel.codegen.internal.FlywaySettings;
import dev.keel.embedded.EmbeddedPostgresException;
import dev.keel.embedded.PostgresVersion;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/** The parameters every Keel goal shares: the migrations, how Flyway runs them, and on which PostgreSQL. */
abstract class AbstractKeelMojo extends AbstractMojo {
    static final String DEFAULT_MIGRATIONS = "filesystem:src/main/resources/db/migration";

    /**
     * Flyway locations, comma-separated: {@code filesystem:…} (relative to the project) or {@code classpath:…}
     * (plugin dependencies, e.g. a schema jar or Java migrations). Default
     * {@code filesystem:src/main/resources/db/migration}.
     */
    @Parameter(property = "keel.codegen.migrations")
    String migrations;

    /** PostgreSQL schemas to generate, comma-separated (default {@code public}). They say nothing about Flyway. */
    @Parameter(property = "keel.codegen.schemas")
    String schemas;

    /**
     * The application's own Flyway settings, as flyway.conf properties, e.g.
     * {@code <flyway><flyway.table>schema_history</flyway.table></flyway>}. Without them Flyway's defaults apply.
     */
    @Parameter
    Map<String, String> flyway;

    /** The embedded server's PostgreSQL: a major version from 14 to 18 (default 17) or an exact binaries version. */
    @Parameter(property = "keel.codegen.postgresVersion")
    String postgresVersion;

    /** Seconds the migrations may run before they are ended and the one running is named. */
    @Parameter(property = "keel.codegen.migrationTimeout", defaultValue = "600")
    int migrationTimeout;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Component
    RepositorySystem repositorySystem;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true, required = true)
    RepositorySystemSession repositorySession;

    /**
     * The embedded server's own log (zonky's, initdb's and the server's startup lines, Keel's one-line choice of
     * database) is detail a Maven user does not want at INFO: unless Maven runs with -X, those loggers are set to
     * WARN. Maven's SLF4J provider reads per-logger levels from system properties when a logger is first
     * created; a level the user set is left alone.
     */
    void quietEmbeddedLogging() {
        if (getLog().isDebugEnabled()) {
            return;
        }
        for (String logger : List.of("io.zonky", "dev.keel.embedded")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    List<String> schemaList(List<String> fromGenerator) throws MojoFailureException {
        List<String> own = CodegenSettings.split(schemas);
        if (!own.isEmpty() && !fromGenerator.isEmpty() && !own.equals(fromGenerator)) {
            throw new MojoFailureException("Keel codegen: <schemas>" + String.join(",", own) + "</schemas> and the "
                    + "generator's database/inputSchema or schemata (" + String.join(",", fromGenerator)
                    + ") disagree; give the schemas once");
        }
        return !own.isEmpty() ? own : !fromGenerator.isEmpty() ? fromGenerator : List.of("public");
    }

    FlywaySettings flywaySettings() throws MojoFailureException {
        try {
            return new FlywaySettings(locations(), flyway, Duration.ofSeconds(migrationTimeout));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("Keel codegen: " + e.getMessage(), e);
        }
    }

    /** The database to migrate: {@code jdbcUrl} if given, else the embedded server of the asked-for version. */
    DatabaseTarget databaseTarget(String jdbcUrl) throws MojoFailureException {
        PostgresVersion version;
        try {
            version = PostgresVersion.parse(postgresVersion);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("Keel codegen: postgresVersion: " + e.getMessage(), e);
        }
        if (jdbcUrl != null && !jdbcUrl.isBlank()) {
            return new DatabaseTarget(jdbcUrl, version, null);
        }
        return new DatabaseTarget(null, version, version.isBundled() ? null : resolveBinaries(version));
    }

    /** The binaries jar of a non-default version, resolved (downloaded once) through Maven. */
    private Path resolveBinaries(PostgresVersion version) throws MojoFailureException {
        ArtifactRequest request = new ArtifactRequest(new DefaultArtifact(version.coordinates()),
                project.getRemoteProjectRepositories(), null);
        try {
            File jar = repositorySystem.resolveArtifact(repositorySession, request).getArtifact().getFile();
            getLog().debug("Keel codegen: " + version + " from " + jar);
            return jar.toPath();
        } catch (ArtifactResolutionException e) {
            throw new MojoFailureException("Keel codegen: cannot resolve the binaries of " + version + " ("
                    + version.coordinates() + "): " + e.getMessage(), e);
        } catch (EmbeddedPostgresException e) {
            throw new MojoFailureException("Keel codegen: " + e.getMessage(), e);
        }
    }

    /** The locations, with relative {@code filesystem:} ones made relative to the project, not the working directory. */
    private List<String> locations() {
        String given = migrations == null || migrations.isBlank() ? DEFAULT_MIGRATIONS : migrations;
        return CodegenSettings.split(given).stream().map(location -> {
            if (!location.startsWith("filesystem:")) {
                return location;
            }
            File f = new File(location.substring("filesystem:".length()));
            return "filesystem:" + (f.isAbsolute() ? f : new File(project.getBasedir(), f.getPath())).getAbsolutePath();
        }).toList();
    }
}
