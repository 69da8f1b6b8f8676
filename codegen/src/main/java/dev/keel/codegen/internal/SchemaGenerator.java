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
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.Target;

/**
 * Migrations in, jOOQ classes out. Skips all work when the fingerprint of the migrations and settings matches the
 * one recorded beside the output by the last successful run.
 */
public final class SchemaGenerator {
    /** Flyway's bookkeeping table; never part of the generated code. */
    static final String FLYWAY_HISTORY = "flyway_schema_history";
    public static final String GENERATOR_VERSION = "keel-codegen-1";

    private final CodegenSettings settings;
    private final ClassLoader classLoader;
    private final Consumer<String> info;
    private final Consumer<String> warn;

    public SchemaGenerator(CodegenSettings settings, ClassLoader classLoader, Consumer<String> info,
                           Consumer<String> warn) {
        this.settings = settings;
        this.classLoader = classLoader;
        this.info = info;
        this.warn = warn;
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
        try (MigratedDatabase db = MigratedDatabase.start(settings.jdbcUrl(), settings.locations(),
                settings.schemas(), classLoader);
             Connection connection = db.connect()) {
            List<String> excludes = new ArrayList<>();
            excludes.add(quoted(settings.historySchema() + "." + FLYWAY_HISTORY));
            List<String> partitions = CatalogQueries.partitions(connection, settings.schemas());
            if (!settings.includePartitions()) {
                partitions.forEach(p -> excludes.add(quoted(p)));
            }
            List<String> unknown = CatalogQueries.unknownTypeColumns(connection, settings.schemas());
            for (String column : unknown) {
                warn.accept("Column " + column + " has a type jOOQ does not map; it is generated as Object "
                        + "(read it with a cast to text, write it with an explicit cast)");
            }
            long t0 = System.nanoTime();
            GenerationTool tool = new GenerationTool();
            tool.setConnection(connection);
            tool.run(jooqConfiguration(excludes));
            long generateMillis = (System.nanoTime() - t0) / 1_000_000;
            Files.createDirectories(fingerprintFile().getParent());
            Files.writeString(fingerprintFile(), fingerprint + "\n", StandardCharsets.UTF_8);
            GenerationReport report = new GenerationReport(db.isEmbedded(), db.startMillis(), db.migrateMillis(),
                    generateMillis, db.migrationsApplied(), settings.includePartitions() ? List.of() : partitions,
                    unknown);
            info.accept(report.summary());
            return report;
        } catch (SQLException e) {
            throw new IllegalStateException("Code generation could not read the migrated database: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MigrationFailure e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("jOOQ code generation failed: " + e.getMessage(), e);
        }
    }

    private Configuration jooqConfiguration(List<String> excludes) {
        List<SchemaMappingType> schemata = settings.schemas().stream()
                .map(s -> new SchemaMappingType().withInputSchema(s)).toList();
        return new Configuration()
                .withLogging(Logging.WARN)
                .withGenerator(new Generator()
                        .withName("org.jooq.codegen.JavaGenerator")
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.postgres.PostgresDatabase")
                                .withSchemata(schemata)
                                .withIncludes(".*")
                                .withExcludes(String.join("|", excludes))
                                .withRegexFlags(List.of())
                                .withReadonlyComputedColumns(true)
                                .withReadonlyIdentities(false))
                        .withGenerate(new Generate()
                                .withGeneratedAnnotation(false)
                                .withJavadoc(true)
                                .withComments(true)
                                .withFluentSetters(true))
                        .withTarget(new Target()
                                .withPackageName(settings.packageName())
                                .withDirectory(settings.outputDirectory().toAbsolutePath().toString())
                                .withClean(true)));
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
