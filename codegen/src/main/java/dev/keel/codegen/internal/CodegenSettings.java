package dev.keel.codegen.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one code generation run needs, validated: the Java package, the schemas to generate, where to write, the
 * user's own jOOQ generator settings, how to migrate ({@link FlywaySettings}) and on which database
 * ({@link DatabaseTarget}).
 */
public record CodegenSettings(
        String packageName,
        List<String> schemas,
        Path outputDirectory,
        boolean includePartitions,
        UserGenerator generator,
        FlywaySettings flyway,
        DatabaseTarget database) {

    private static final Pattern PACKAGE = Pattern.compile("[a-zA-Z_$][\\w$]*(\\.[a-zA-Z_$][\\w$]*)*");

    public CodegenSettings {
        schemas = List.copyOf(Objects.requireNonNull(schemas, "schemas"));
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(flyway, "flyway");
        Objects.requireNonNull(database, "database");
        generator = generator == null ? UserGenerator.NONE : generator;
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("schemas: at least one PostgreSQL schema is required, e.g. public");
        }
        if (packageName == null || !PACKAGE.matcher(packageName).matches()) {
            throw new IllegalArgumentException("packageName: '" + packageName + "' is not a Java package name");
        }
    }

    /** Settings with Flyway's and jOOQ's defaults: the locations, package, schemas and output. */
    public static CodegenSettings of(List<String> locations, String packageName, List<String> schemas,
                                     Path outputDirectory, String jdbcUrl, boolean includePartitions) {
        return new CodegenSettings(packageName, schemas, outputDirectory, includePartitions, UserGenerator.NONE,
                FlywaySettings.of(locations),
                jdbcUrl == null ? DatabaseTarget.embedded() : DatabaseTarget.url(jdbcUrl));
    }

    public CodegenSettings withFlyway(FlywaySettings f) {
        return new CodegenSettings(packageName, schemas, outputDirectory, includePartitions, generator, f, database);
    }

    public CodegenSettings withGenerator(UserGenerator g) {
        return new CodegenSettings(packageName, schemas, outputDirectory, includePartitions, g, flyway, database);
    }

    public CodegenSettings withDatabase(DatabaseTarget d) {
        return new CodegenSettings(packageName, schemas, outputDirectory, includePartitions, generator, flyway, d);
    }

    public List<String> locations() {
        return flyway.locations();
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    /** Splits a comma-separated parameter into trimmed, non-empty parts. */
    public static List<String> split(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        return java.util.Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Everything that changes the generated code, as text for the fingerprint: the migrations' settings, the
     * server's version and the whole jOOQ configuration as it will be run (the URL is left out).
     */
    String fingerprintText() {
        return flyway.fingerprintText() + database.fingerprintText() + "includePartitions=" + includePartitions
                + "\njooq=" + JooqConfiguration.build(this, List.of()) + "\n";
    }
}
