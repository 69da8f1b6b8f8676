package dev.keel.codegen.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;

/**
 * Migrations in, jOOQ classes out. Skips all work when the fingerprint of the migrations and settings matches the
 * one recorded beside the output by the last successful run.
 */
public final class SchemaGenerator {
    public static final String GENERATOR_VERSION = "keel-codegen-2";

    private final CodegenSettings settings;
    private final ClassLoader classLoader;
    private final BuildLog log;

    public SchemaGenerator(CodegenSettings settings, ClassLoader classLoader, BuildLog log) {
        this.settings = settings;
        this.classLoader = classLoader;
        this.log = log;
    }

    /** Where the fingerprint of the last successful run is kept: a file beside the output directory. */
    public Path fingerprintFile() {
        Path out = settings.outputDirectory().toAbsolutePath().normalize();
        return out.resolveSibling(out.getFileName() + ".keel-fingerprint");
    }

    public boolean isUpToDate(String fingerprint) {
        Path file = fingerprintFile();
        try {
            return Files.isRegularFile(file)
                    && Files.readString(file, StandardCharsets.UTF_8).strip().equals(fingerprint)
                    && hasJavaFiles(settings.outputDirectory());
        } catch (IOException e) {
            return false;
        }
    }

    public String fingerprint() {
        return MigrationFingerprint.of(settings, classLoader, GENERATOR_VERSION);
    }

    /** Generates unconditionally and records the fingerprint. */
    public GenerationReport generate(String fingerprint) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        try {
            Files.deleteIfExists(fingerprintFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (MigratedDatabase db = MigratedDatabase.start(settings.database(), settings.flyway(), classLoader, log);
             Connection connection = db.connect()) {
            List<String> excludes = new ArrayList<>();
            db.historyTables().forEach(t -> excludes.add(quoted(t)));
            List<String> partitions = CatalogQueries.partitions(connection, settings.schemas());
            if (!settings.includePartitions()) {
                partitions.forEach(p -> excludes.add(quoted(p)));
            }
            List<String> missing = CatalogQueries.missingSchemas(connection, settings.schemas());
            if (!missing.isEmpty()) {
                throw new IllegalStateException("schemas: " + String.join(", ", missing) + (missing.size() == 1
                        ? " does" : " do") + " not exist after the migrations ran; list only schemas the "
                        + "migrations create (or name them in <flyway><flyway.schemas>)");
            }
            List<String> unknown = CatalogQueries.unknownTypeColumns(connection, settings.schemas());
            for (String column : unknown) {
                log.warn("Column " + column + " has a type jOOQ does not map; it is generated as Object "
                        + "(read it with a cast to text, write it with an explicit cast)");
            }
            long t0 = System.nanoTime();
            GenerationTool tool = new GenerationTool();
            tool.setConnection(connection);
            tool.run(JooqConfiguration.build(settings, excludes));
            long generateMillis = (System.nanoTime() - t0) / 1_000_000;
            GeneratedOutput output = GeneratedOutput.read(settings.outputDirectory(), "org.jooq.postgres.extensions");
            Files.createDirectories(fingerprintFile().getParent());
            Files.writeString(fingerprintFile(), fingerprint + "\n", StandardCharsets.UTF_8);
            GenerationReport report = new GenerationReport(db.isEmbedded(), db.serverVersion(), db.startMillis(),
                    db.migrateMillis(), generateMillis, db.migrationsApplied(), output.files(), output.mentions(),
                    settings.includePartitions() ? List.of() : partitions, unknown);
            log.info(report.summary());
            return report;
        } catch (SQLException e) {
            throw new IllegalStateException("Code generation could not read the migrated database: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MigrationFailure | IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("jOOQ code generation failed: " + e.getMessage(), e);
        }
    }

    private static String quoted(String qualifiedName) {
        return Pattern.quote(qualifiedName);
    }

    private static boolean hasJavaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> p.toString().endsWith(".java"));
        }
    }
}
